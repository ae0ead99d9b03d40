"""Prefect flows and the ``dialoog`` command line, thin over ``pipeline`` and ``models``."""
