"""Page generators: facts pages."""

from __future__ import annotations

from ..directives import DirectiveCall, generator

# PLACEHOLDERS: the owner of this module replaces each with a real generator.


@generator("stream-chunk-fields")
def placeholder_stream_chunk_fields(call: DirectiveCall) -> str:
    return '!!! warning "Not generated yet"\n    `guide:stream-chunk-fields` has no generator yet.\n'


@generator("chunk-types")
def placeholder_chunk_types(call: DirectiveCall) -> str:
    return '!!! warning "Not generated yet"\n    `guide:chunk-types` has no generator yet.\n'


@generator("filesystem-support")
def placeholder_filesystem_support(call: DirectiveCall) -> str:
    return '!!! warning "Not generated yet"\n    `guide:filesystem-support` has no generator yet.\n'


@generator("backend-capabilities-fields")
def placeholder_backend_capabilities_fields(call: DirectiveCall) -> str:
    return '!!! warning "Not generated yet"\n    `guide:backend-capabilities-fields` has no generator yet.\n'


@generator("hook-types")
def placeholder_hook_types(call: DirectiveCall) -> str:
    return '!!! warning "Not generated yet"\n    `guide:hook-types` has no generator yet.\n'


@generator("builtin-hooks")
def placeholder_builtin_hooks(call: DirectiveCall) -> str:
    return '!!! warning "Not generated yet"\n    `guide:builtin-hooks` has no generator yet.\n'


@generator("formatters")
def placeholder_formatters(call: DirectiveCall) -> str:
    return '!!! warning "Not generated yet"\n    `guide:formatters` has no generator yet.\n'


@generator("api-params-handlers")
def placeholder_api_params_handlers(call: DirectiveCall) -> str:
    return '!!! warning "Not generated yet"\n    `guide:api-params-handlers` has no generator yet.\n'


@generator("system-prompt-sections")
def placeholder_system_prompt_sections(call: DirectiveCall) -> str:
    return '!!! warning "Not generated yet"\n    `guide:system-prompt-sections` has no generator yet.\n'


@generator("backend-types")
def placeholder_backend_types(call: DirectiveCall) -> str:
    return '!!! warning "Not generated yet"\n    `guide:backend-types` has no generator yet.\n'


@generator("reference-backends")
def placeholder_reference_backends(call: DirectiveCall) -> str:
    return '!!! warning "Not generated yet"\n    `guide:reference-backends` has no generator yet.\n'

