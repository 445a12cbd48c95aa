"""Page generators: decision tree pages."""

from __future__ import annotations

from ..directives import DirectiveCall, generator

# PLACEHOLDERS: the owner of this module replaces each with a real generator.


@generator("decision-tree")
def placeholder_decision_tree(call: DirectiveCall) -> str:
    return '!!! warning "Not generated yet"\n    `guide:decision-tree` has no generator yet.\n'

