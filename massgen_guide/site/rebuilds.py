"""What one process keeps from a build to the next: `properdocs serve` rebuilds the site in the same process after
every save, and MkDocs starts each rebuild with a new theme environment.

- `keep_compiled_templates(env)`: the theme's Jinja templates, compiled once per process (Jinja's bytecode cache,
  in memory, keyed by each template's name and source: an edited override is compiled again). A one-off build
  compiles each template once either way.
"""

from __future__ import annotations

from typing import Any

import jinja2


class _CompiledTemplates(jinja2.BytecodeCache):
    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self._code.clear()


COMPILED_TEMPLATES = _CompiledTemplates()


def keep_compiled_templates(env: Any) -> Any:
    """The theme environment, with this process's compiled templates (unless it has a bytecode cache of its own)."""
    if getattr(env, "bytecode_cache", None) is None:
        env.bytecode_cache = COMPILED_TEMPLATES
    return env
