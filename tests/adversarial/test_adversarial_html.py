"""Hostile strings in a transcript, manifest and file name cannot script the report.

Through ``dialoog analyze``: every string from the input is escaped in
``report.html``, no event-handler attribute or ``javascript:`` URL appears, and
the page carries a strict Content-Security-Policy.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import yaml

from .runner import run_cli

XSS = [
    "<script>alert('xss-1')</script>",
    '"onmouseover="alert(\'xss-2\')" x="',
    "javascript:alert('xss-3')",
    "<img src=x onerror=alert('xss-4')>",
    "</title><svg onload=alert('xss-5')>",
    "{{7*7}}${7*7}<!-- x",
]


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.csp: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        self._in_script = tag == "script"
        d = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta" and d.get("http-equiv", "").lower() == "content-security-policy":
            self.csp.append(d.get("content", ""))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def _hostile_meeting(root: Path) -> Path:
    folder = root / "hostile"
    folder.mkdir(parents=True)
    name = "<img src=x onerror=alert('xss-6')>.vtt"
    cues = []
    for i, payload in enumerate(XSS):
        start = i * 5
        speaker = "Sanne" if i % 2 == 0 else f"Eve {payload}"
        cues.append(f"{i + 1}\n00:00:{start:02d}.000 --> 00:00:{start + 4:02d}.000\n<v {speaker}>What about {payload}? Why?</v>\n")
    (folder / name).write_text("WEBVTT\n\n" + "\n".join(cues), encoding="utf-8")
    manifest = yaml.safe_dump({
        "id": "hostile", "pilot": XSS[0], "company": XSS[2], "supplier": XSS[3], "transcript": name,
        "participants": [{"name": "Sanne", "role": "buyer", "function": XSS[4], "organisation": XSS[5]}],
        "notes": XSS[1],
    }, allow_unicode=True)
    (folder / "meeting.yaml").write_text(manifest, encoding="utf-8")
    return folder


def test_hostile_strings_are_escaped_and_csp_is_strict(tmp_path):
    folder = _hostile_meeting(tmp_path / "in")
    out = tmp_path / "out"
    status, stdout, stderr = run_cli(["analyze", str(folder), "--out", str(out), "--role", f"Eve {XSS[1]}=supplier"])
    assert status == 0, stderr
    html = (out / "hostile" / "report.html").read_text(encoding="utf-8")
    p = _Collect()
    p.feed(html)
    # no injected element or handler survived
    for tag, attrs in p.tags:
        assert tag not in {"img", "svg", "iframe", "object", "embed"} or not any(
            k.startswith("on") for k, _ in attrs), (tag, attrs)
        for k, v in attrs:
            assert not k.lower().startswith("on"), f"event handler attribute {k}={v!r} on <{tag}>"
            if k.lower() in {"href", "src", "action", "formaction", "xlink:href"} and v:
                assert not v.strip().lower().startswith(("javascript:", "data:text/html", "vbscript:")), (tag, k, v)
    assert not any("alert(" in s for s in p.scripts), "hostile text inside a <script>"
    assert not re.search(r"<(script|img|svg)[^>]*xss", html, re.IGNORECASE)
    # the payloads are shown, as text
    assert "xss-1" in html and "&lt;script&gt;" in html
    # strict CSP: present, no remote origins, no inline/eval script
    assert p.csp, "report.html has no Content-Security-Policy meta tag"
    csp = p.csp[0]
    assert "default-src 'none'" in csp or "default-src 'self'" in csp, csp
    assert "unsafe-eval" not in csp
    script_src = re.search(r"script-src([^;]*)", csp)
    assert script_src is None or "'unsafe-inline'" not in script_src.group(1), csp
    assert not re.search(r"https?:", csp), csp
    # Markdown and JSON keep the strings as data (no raw HTML smuggled into Markdown)
    md = (out / "hostile" / "report.md").read_text(encoding="utf-8")
    assert "<script>alert" not in md and "<img src=x" not in md
