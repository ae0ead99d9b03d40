"""Print how the adversarial corpus fares through the CLI: ``python -m tests.adversarial.summary``.

One line per case (expected, exit status, the message), then counts by kind
and by outcome.  For reports and for looking at the messages; the tests assert.
"""

from __future__ import annotations

import collections
import logging
import tempfile
from pathlib import Path

from .corpus import build_corpus
from .runner import problems, run_case


def main() -> int:
    logging.disable(logging.WARNING)
    by_kind: collections.Counter[tuple[str, int]] = collections.Counter()
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        cases = build_corpus(Path(tmp) / "corpus")
        for i, case in enumerate(cases):
            out = Path(tmp) / f"out{i}"
            o = run_case(case, out)
            found = problems(o, out)
            bad += bool(found)
            by_kind[(case.kind, o.status)] += 1
            msg = o.message.replace(str(Path(tmp) / "corpus"), "…")[:150]
            print(f"{'FAIL' if found else 'ok  '} [{case.expect:6}] exit {o.status}  {case.name:34} {msg}")
    print()
    for (kind, status), n in sorted(by_kind.items()):
        print(f"  {kind:11} exit {status}: {n}")
    print(f"{len(cases)} cases, {bad} not as expected")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
