"""Build-time preparation of MassGen facts for the site (one load, shared with mkdocstrings)."""

from __future__ import annotations

from typing import Any

from .source import current_source


def prepare(config: Any) -> None:
    """Resolve the documented MassGen (a bad setting raises a one-line GuideError)."""
    current_source()
