"""Build-time preparation of MassGen facts for the site (one load, shared with mkdocstrings).

`prepare(config)` runs in `on_config`: it resolves the documented MassGen (a bad `MASSGEN_SOURCE` raises a
one-line `GuideError`), loads the modules the site needs once (cached across `mkdocs serve` rebuilds), and
hands that load to mkdocstrings' Python handler, so `::: massgen...` blocks render from the same objects
instead of loading the whole package again. The handler's search paths start with the selected MassGen.

`GUIDE_GENERATION=off` (for the benchmark's baseline build) skips the load: directives then render nothing
and `:::` blocks are stripped (see `generation_enabled`).
"""

from __future__ import annotations

import os
from typing import Any

from .facts.loading import LoadedMassGen, load_massgen
from .source import current_source

GENERATION_SETTING = "GUIDE_GENERATION"
_state: dict[str, Any] = {}


def generation_enabled() -> bool:
    """False when `GUIDE_GENERATION=off`: the baseline build for the benchmark."""
    return os.environ.get(GENERATION_SETTING, "on").strip().lower() not in {"off", "0", "false", "no"}


def prepare(config: Any) -> LoadedMassGen | None:
    """Resolve the source, load the facts and share the load with mkdocstrings (if it is configured)."""
    source = current_source()
    if not generation_enabled():
        _state["loaded"] = None
        return None
    loaded = load_massgen(source)
    _state["loaded"] = loaded
    share_with_mkdocstrings(config, loaded)
    return loaded


def share_with_mkdocstrings(config: Any, loaded: LoadedMassGen) -> bool:
    """Give mkdocstrings' Python handler our griffe collections and the selected MassGen's search path."""
    plugins = config.get("plugins") if hasattr(config, "get") else None
    plugin = plugins.get("mkdocstrings") if plugins else None
    if plugin is None:
        return False
    handler = plugin.get_handler("python")
    handler._modules_collection = loaded.modules_collection  # noqa: SLF001  (the handler reads these first)
    handler._lines_collection = loaded.lines_collection  # noqa: SLF001
    search_path = str(loaded.source.search_path)
    paths = [p for p in handler._paths if p != search_path]  # noqa: SLF001
    handler._paths = [search_path, *paths]  # noqa: SLF001
    return True


def loaded_facts() -> LoadedMassGen:
    """The load made by `prepare` for this build (or a fresh cached load outside a build)."""
    loaded = _state.get("loaded")
    return loaded if loaded is not None else load_massgen()
