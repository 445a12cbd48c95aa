"""Page generators: claims pages."""

from __future__ import annotations

from ..directives import DirectiveCall, generator

# PLACEHOLDERS: the owner of this module replaces each with a real generator.


@generator("claims-report")
def placeholder_claims_report(call: DirectiveCall) -> str:
    return '!!! warning "Not generated yet"\n    `guide:claims-report` has no generator yet.\n'


@generator("upstream-skill-report")
def placeholder_upstream_skill_report(call: DirectiveCall) -> str:
    return '!!! warning "Not generated yet"\n    `guide:upstream-skill-report` has no generator yet.\n'


@generator("versions-report")
def placeholder_versions_report(call: DirectiveCall) -> str:
    return '!!! warning "Not generated yet"\n    `guide:versions-report` has no generator yet.\n'

