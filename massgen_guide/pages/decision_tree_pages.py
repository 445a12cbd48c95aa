"""Page generators: decision_tree_pages."""

from __future__ import annotations

from ..directives import DirectiveCall, generator  # noqa: F401
