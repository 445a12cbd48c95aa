"""Page generators: checklist pages."""

from __future__ import annotations

from ..directives import DirectiveCall, generator

# PLACEHOLDERS: the owner of this module replaces each with a real generator.


@generator("checklist")
def placeholder_checklist(call: DirectiveCall) -> str:
    return '!!! warning "Not generated yet"\n    `guide:checklist` has no generator yet.\n'


@generator("coverage-matrix")
def placeholder_coverage_matrix(call: DirectiveCall) -> str:
    return '!!! warning "Not generated yet"\n    `guide:coverage-matrix` has no generator yet.\n'


@generator("file-summary")
def placeholder_file_summary(call: DirectiveCall) -> str:
    return '!!! warning "Not generated yet"\n    `guide:file-summary` has no generator yet.\n'

