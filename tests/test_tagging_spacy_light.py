"""spaCy is imported without torch (thinc would import it: ~1 s at every start), and torch stays usable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("spacy")

REPO = Path(__file__).resolve().parents[1]


def _run(code: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_tagger_pipeline_loads_without_torch_and_torch_still_imports():
    pytest.importorskip("torch")
    got = _run(
        "import json, sys\n"
        "from pipeline.tagging.nlp import get_nlp\n"
        "doc = get_nlp('en')('We passed the audit. Who told you this?')\n"
        "before = 'torch' in sys.modules\n"
        "import thinc.compat, torch\n"
        "print(json.dumps({'sents': len(list(doc.sents)), 'torch_before': before,\n"
        "                  'thinc_has_torch': thinc.compat.has_torch, 'torch': torch.__version__}))\n"
    )
    assert got["sents"] == 2
    assert got["torch_before"] is False and got["thinc_has_torch"] is False
    assert got["torch"]  # torch itself was not broken by hiding it from thinc


def test_nothing_is_hidden_once_torch_is_loaded():
    pytest.importorskip("torch")
    got = _run(
        "import json, torch\n"
        "from pipeline.tagging.spacy_light import import_spacy\n"
        "import_spacy()\n"
        "import thinc.compat\n"
        "print(json.dumps({'thinc_has_torch': thinc.compat.has_torch}))\n"
    )
    assert got["thinc_has_torch"] is True
