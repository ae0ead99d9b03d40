"""A fast stand-in analyser for the flow tests (``DIALOOG_ANALYZER=tests.flows_fake:analyze``).

It reads tiny hand-made meetings — a ``meeting.yaml`` plus ``transcript.txt``
with ``Name: text`` lines, or a loose ``.txt`` — builds a real
:class:`MeetingReport` (real metrics, no tagger or lessons) and writes
``report.json`` atomically, like the real writer.  A transcript containing
``CORRUPT`` raises :class:`InputError`; ``OSERROR`` raises ``OSError`` on the
first attempts only when ``DIALOOG_FAKE_FLAKY_DIR`` names a folder for counters.
``CRASH`` ends the worker process at once. ``DIALOOG_FAKE_DELAY_S`` slows each meeting down (for the kill tests);
``DIALOOG_FAKE_CPU_MS`` burns that much CPU per meeting (a stand-in for the
real pipeline's cost in benchmarks).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import yaml

from pipeline import __version__
from pipeline.errors import InputError
from pipeline.fileio import write_text_atomic
from pipeline.metrics import compute_metrics
from pipeline.report.json_report import report_to_dict
from pipeline.report.writer import report_dir
from pipeline.types import Meeting, MeetingReport, Participant, Provenance, Transcript, Utterance


def _read(item) -> tuple[Meeting, str]:
    src = Path(item.source)
    if src.is_dir():
        data = yaml.safe_load((src / "meeting.yaml").read_text(encoding="utf-8"))
        if not isinstance(data, dict) or "id" not in data:
            raise InputError("manifest has no id", path=src / "meeting.yaml", hint="add 'id: …'")
        parts = tuple(Participant(p["name"], p.get("role", "unknown")) for p in data.get("participants", []))
        meeting = Meeting(id=str(data["id"]), pilot=str(data.get("pilot", "")), participants=parts, source=str(src))
        text = (src / data.get("transcript", "transcript.txt")).read_text(encoding="utf-8")
    else:
        meeting = Meeting(id=item.id_override or src.stem, source=str(src))
        text = src.read_text(encoding="utf-8")
    return meeting, text


def analyze(item, out_dir, options):
    delay = float(os.environ.get("DIALOOG_FAKE_DELAY_S", "0") or 0)
    if delay:
        time.sleep(delay)
    cpu_ms = float(os.environ.get("DIALOOG_FAKE_CPU_MS", "0") or 0)
    if cpu_ms:  # CPU-bound stand-in for the real pipeline's work (benchmarks)
        end = time.process_time() + cpu_ms / 1000
        while time.process_time() < end:
            sum(i * i for i in range(1000))
    meeting, text = _read(item)
    if os.environ.get("DIALOOG_FAKE_FLAKY_DIR"):
        (Path(os.environ["DIALOOG_FAKE_FLAKY_DIR"]) / f"pid-{meeting.id}").write_text(str(os.getpid()))
        with open(Path(os.environ["DIALOOG_FAKE_FLAKY_DIR"]) / "analysed.log", "a", encoding="utf-8") as log:
            log.write(meeting.id + "\n")  # one short append per analysis: tests count them
    if "OSERROR" in text:
        flaky = Path(os.environ["DIALOOG_FAKE_FLAKY_DIR"]) / meeting.id
        n = int(flaky.read_text()) if flaky.exists() else 0
        flaky.write_text(str(n + 1))
        if n < 1:
            raise OSError(5, "Input/output error (simulated)")
    if "CRASH" in text:  # a worker process that dies (killed by the OOM killer, a segfault in a codec …)
        os._exit(137)
    if "CORRUPT" in text:
        raise InputError("transcript is corrupt: no speaker lines", path=item.source, hint="re-export it")
    utts = []
    for i, line in enumerate(l for l in text.splitlines() if l.strip()):
        name, sep, said = line.partition(":")
        if not sep:
            raise InputError(f"line {i + 1} has no 'Name: text'", path=item.source)
        name = name.strip()
        utts.append(Utterance(id=f"u{i + 1:04d}", speaker=name, start=5.0 * i, end=5.0 * i + 4.0,
                              text=said.strip(), role=meeting.role_of(name), cues=((5.0 * i, 5.0 * i + 4.0),)))
    transcript = Transcript(meeting=meeting, utterances=tuple(utts), source_format="test")
    report = MeetingReport(transcript=transcript, metrics=compute_metrics(transcript), lessons=(),
                           provenance=Provenance(dialoog_version=__version__, rubric="fake@1", taggers=("fake@1",)))
    folder = report_dir(out_dir, meeting.id)
    path = write_text_atomic(folder / "report.json", json.dumps(report_to_dict(report)))
    return report, {"json": path}


def make_meeting(root: Path, mid: str, lines: list[str], *, folder: str | None = None) -> Path:
    """A meeting folder with a manifest and a ``Name: text`` transcript."""
    d = root / (folder or mid)
    d.mkdir(parents=True, exist_ok=True)
    (d / "meeting.yaml").write_text(
        yaml.safe_dump({"id": mid, "pilot": "test", "transcript": "transcript.txt", "date": "2021-05-12",
                        "participants": [{"name": "Anna", "role": "buyer"}, {"name": "Ravi", "role": "supplier"}]}),
        encoding="utf-8",
    )
    (d / "transcript.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return d


GOOD = ["Anna: Welcome, how are things at the factory?", "Ravi: Busy, we have many orders.",
        "Anna: What would help you most?", "Ravi: Fewer last-minute changes."]
