"""Every output writer goes through pipeline.fileio (atomic, owner-only).

A static check over the product code (``pipeline/``, ``models/``, ``flows/``):
a call that writes a file (``open(…, "w")``, ``write_text``, ``to_csv`` …)
must sit in a function that uses ``atomic_path`` — or be listed below with the
reason it is safe.  A new writer that forgets atomicity fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("pipeline", "models", "flows")
WRITE_METHODS = {"write_text", "write_bytes", "to_csv", "to_parquet", "to_excel", "to_json", "to_html",
                 "savefig", "to_disk", "write_image", "write_html", "save"}
RETURN_TEXT = {"to_csv", "to_json", "to_html"}
WRITE_FUNCS = {"dump", "save", "savez", "savez_compressed", "copyfile", "copy", "copy2", "copytree", "move"}
#: module path -> reason the writes in it are safe without atomic_path.
ALLOWED: dict[str, str] = {
    "pipeline/fileio.py": "the atomic writer itself",
}


def _is_write_open(call: ast.Call) -> bool:
    func = call.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    if name not in {"open", "fdopen"}:
        return False
    mode = None
    if len(call.args) >= 2 and isinstance(call.args[1], ast.Constant):
        mode = call.args[1].value
    if isinstance(func, ast.Attribute) and call.args and isinstance(call.args[0], ast.Constant) and func.attr == "open":
        mode = call.args[0].value  # Path.open("w")
    for kw in call.keywords:
        if kw.arg == "mode" and isinstance(kw.value, ast.Constant):
            mode = kw.value.value
    return isinstance(mode, str) and any(c in mode for c in "wax+")


def _writes(tree: ast.AST):
    """(function node or module, call) for each writing call."""
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        hit = _is_write_open(node)
        if isinstance(func, ast.Attribute):
            if func.attr in WRITE_METHODS and func.attr != "save":
                # pandas' to_csv()/to_json()/to_html() without a target return a string
                returns_text = func.attr in RETURN_TEXT and not node.args and not any(
                    kw.arg in {"path_or_buf", "buf", "path"} for kw in node.keywords)
                hit = not returns_text
            # joblib.dump / json.dump(fh) / np.save / shutil.copy*: only with a module receiver
            if isinstance(func.value, ast.Name) and func.value.id in {"joblib", "np", "numpy", "shutil", "pickle", "torch"} \
                    and func.attr in WRITE_FUNCS:
                hit = True
        if not hit:
            continue
        scope = node
        while scope in parents and not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
            scope = parents[scope]
        yield scope, node


def _uses_atomic(scope: ast.AST) -> bool:
    for n in ast.walk(scope):
        if isinstance(n, ast.Name) and n.id in {"atomic_path"}:
            return True
        if isinstance(n, ast.Attribute) and n.attr in {"atomic_path"}:
            return True
    return False


def test_every_writer_is_atomic():
    offenders = []
    for pkg in PACKAGES:
        for path in sorted((REPO / pkg).rglob("*.py")):
            rel = path.relative_to(REPO).as_posix()
            if rel in ALLOWED:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
            for scope, call in _writes(tree):
                if not _uses_atomic(scope):
                    offenders.append(f"{rel}:{call.lineno}: {ast.unparse(call)[:80]}")
    assert not offenders, "writes outside pipeline.fileio (use write_text_atomic / atomic_path):\n" + "\n".join(offenders)


def test_the_check_catches_a_plain_write(tmp_path):
    code = "def f(p):\n    with open(p, 'w') as fh:\n        fh.write('x')\n    p.write_text('y')\n"
    hits = [c for s, c in _writes(ast.parse(code)) if not _uses_atomic(s)]
    assert len(hits) == 2
    assert not list(_writes(ast.parse("def h(df):\n    return df.to_csv(index=False)\n")))
    assert len(list(_writes(ast.parse("def h(df, p):\n    df.to_csv(p)\n")))) == 1
    ok = "def g(p):\n    with atomic_path(p) as tmp:\n        open(tmp, 'w').write('x')\n"
    assert not [c for s, c in _writes(ast.parse(ok)) if not _uses_atomic(s)]
