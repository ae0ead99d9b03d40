"""Inline CSS and JavaScript of the HTML reports (embedded, never linked)."""
