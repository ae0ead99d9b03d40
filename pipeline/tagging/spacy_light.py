"""Import spaCy without torch.

spaCy's machine-learning library, thinc, imports torch whenever it is
installed (``thinc.compat``): about a second of CPU at every start of
``dialoog analyze``/``tag`` and of every batch worker.  The taggers use blank
pipelines (tokenizer, sentencizer, rule matcher) and never touch thinc's torch
layers, so spaCy is imported with torch hidden for that moment.  torch itself
stays importable afterwards (the audio path and the transformers backend import
it as usual); if it is imported already, nothing is hidden.
"""

from __future__ import annotations

import sys
import threading

_lock = threading.Lock()


def import_spacy():
    """``import spacy``, without thinc importing torch (see the module docstring)."""
    with _lock:
        if "spacy" in sys.modules or "torch" in sys.modules:
            import spacy

            return spacy
        sys.modules["torch"] = None  # type: ignore[assignment] - "import torch" raises ImportError
        try:
            import spacy
        finally:
            if "torch" in sys.modules and sys.modules["torch"] is None:
                del sys.modules["torch"]
        return spacy
