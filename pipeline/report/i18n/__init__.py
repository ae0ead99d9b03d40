"""UI strings of the reports, one TOML file per language (``en.toml``, ``nl.toml``)."""
