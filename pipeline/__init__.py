"""dialoog's domain: types, ingestion, tagging, metrics, lessons, reports, store.

Pure Python; no Prefect here (see ``flows``) and no model weights (see ``models``).
"""

from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("dialoog")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.1.0"
