"""Build-time preparation of MassGen facts for the site (one load, shared with mkdocstrings).

`prepare(config)` runs in `on_config`: it resolves the documented MassGen (a bad `MASSGEN_SOURCE` raises a
one-line `GuideError`), loads the modules the site needs once (cached across `properdocs serve` rebuilds), and
hands that load to mkdocstrings' Python handler, so `::: massgen...` blocks render from the same objects
instead of loading the whole package again. The handler's search paths start with the selected MassGen.

`import_python_handler_unvalidated()` runs in `on_startup`: mkdocstrings' Python handler checks its options with
pydantic dataclasses whenever pydantic can be imported, and pydantic is in the venv only because MassGen needs it.
Building those classes costs a build about 0.1 s, so the build imports the handler with pydantic hidden (plain
dataclasses, as on a machine without pydantic); `tests/test_handler_options.py` checks the options with pydantic.

`GUIDE_GENERATION=off` (for the benchmark's baseline build) skips the load: directives then render nothing
and `:::` blocks are stripped (see `generation_enabled`).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from typing import Any

from massgen_guide.checks.api_blocks import BLOCK_RE, api_index, check_api_blocks, link_inline_code
from massgen_guide.errors import GuideError
from massgen_guide.facts.loading import LoadedMassGen, load_massgen
from massgen_guide.site.directives import DIRECTIVE_RE
from massgen_guide.source.selection import SETTING, cache_dir, current_source

GENERATION_SETTING = "GUIDE_GENERATION"
_state: dict[str, Any] = {}


def generation_enabled() -> bool:
    """False when `GUIDE_GENERATION=off`: the baseline build for the benchmark."""
    return os.environ.get(GENERATION_SETTING, "on").strip().lower() not in {"off", "0", "false", "no"}


PYTHON_HANDLER = "mkdocstrings_handlers.python"


def import_python_handler_unvalidated() -> bool:
    """Import mkdocstrings' Python handler with pydantic hidden, so its options are plain dataclasses; False (and
    nothing done) when the handler is already imported or not installed, or when the build does not use
    mkdocstrings (its plugin, loaded with the config, is not imported)."""
    if PYTHON_HANDLER in sys.modules or "mkdocstrings" not in sys.modules:
        return False
    if importlib.util.find_spec(PYTHON_HANDLER) is None:
        return False
    hidden = "pydantic" not in sys.modules
    saved = sys.modules.get("pydantic")
    sys.modules["pydantic"] = None  # type: ignore[assignment]  (`import pydantic` raises ImportError)
    try:
        importlib.import_module(PYTHON_HANDLER)
    finally:
        if hidden:
            del sys.modules["pydantic"]
        else:
            sys.modules["pydantic"] = saved  # type: ignore[assignment]
    return True


def prepare(config: Any) -> LoadedMassGen | None:
    """Resolve the source, load the facts and share the load with mkdocstrings (if it is configured)."""
    configured = str((config.get("extra") or {}).get("massgen_source") or "").strip()
    if configured and not os.environ.get(SETTING, "").strip():
        os.environ[SETTING] = configured  # mkdocs.yml's `extra.massgen_source`, when the variable is not set
    source = current_source()
    if not generation_enabled():
        _state["loaded"] = None
        return None
    loaded = load_massgen(source)
    _state["loaded"] = loaded
    _state["index"] = None  # rebuilt from the pages on first use in this build
    share_with_mkdocstrings(config, loaded)
    return loaded


def share_with_mkdocstrings(config: Any, loaded: LoadedMassGen) -> bool:
    """Give mkdocstrings' Python handler our griffe collections and the selected MassGen's search path."""
    plugins = config.get("plugins") if hasattr(config, "get") else None
    plugin = plugins.get("mkdocstrings") if plugins else None
    if plugin is None:
        return False
    handler = plugin.get_handler("python")
    _cache_compiled_templates(handler)
    handler._modules_collection = loaded.modules_collection  # noqa: SLF001  (the handler reads these first)
    handler._lines_collection = loaded.lines_collection  # noqa: SLF001
    search_path = str(loaded.source.search_path)
    paths = [p for p in handler._paths if p != search_path]  # noqa: SLF001
    handler._paths = [search_path, *paths]  # noqa: SLF001
    return True


def _cache_compiled_templates(handler: Any) -> None:
    """Keep the handler's compiled Jinja templates in the guide's cache folder (one folder per Jinja version):
    each build otherwise compiles its eighty templates again. A cache folder that cannot be written only costs
    that time."""
    import jinja2

    class _BestEffortCache(jinja2.FileSystemBytecodeCache):
        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except OSError:
                pass

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            try:
                super().dump_bytecode(bucket)
            except OSError:
                pass

    env = getattr(handler, "env", None)
    if env is None or env.bytecode_cache is not None:
        return
    folder = cache_dir() / "mkdocstrings-templates" / jinja2.__version__
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return
    env.bytecode_cache = _BestEffortCache(str(folder))


def loaded_facts() -> LoadedMassGen:
    """The load made by `prepare` for this build (or a fresh cached load outside a build)."""
    loaded = _state.get("loaded")
    return loaded if loaded is not None else load_massgen()


def _docs_pages(config: Any) -> dict[str, str]:
    docs_dir = Path(config["docs_dir"])
    return {p.relative_to(docs_dir).as_posix(): p.read_text(encoding="utf-8") for p in sorted(docs_dir.rglob("*.md"))}


def strip_generated(markdown: str) -> str:
    """The page without generated content (`GUIDE_GENERATION=off`): directive lines and `:::` blocks removed."""
    out, skipping = [], False
    for line in markdown.splitlines(keepends=True):
        stripped = line.strip()
        if skipping and (not stripped or line.startswith((" ", "\t"))):
            continue
        skipping = False
        if DIRECTIVE_RE.match(stripped):
            continue
        if BLOCK_RE.match(line.rstrip("\n")):
            skipping = True
            continue
        out.append(line)
    return "".join(out)


def link_html_block(block: str, page: str, config: Any) -> str:
    """A generated HTML block's `<code>Name</code>` linked to the rendered API entry Name names (as `process_page`
    links inline code)."""
    if _state.get("loaded") is None:
        return block
    return link_inline_code(block, _api_index(config), html=True)


def _api_index(config: Any) -> Any:
    index = _state.get("index")
    if index is None:
        index = _state["index"] = api_index(_docs_pages(config), _state["loaded"])
    return index


def process_page(markdown: str, page: str, config: Any) -> str:
    """After directive expansion: check the page's `:::` blocks against MassGen and link inline code that names a
    rendered API entry (autorefs then resolves the links; an unknown explicit target fails the strict build)."""
    loaded = _state.get("loaded")
    if loaded is None:
        return markdown
    problems = check_api_blocks(markdown, page, loaded)
    if problems:
        raise GuideError(problems[0])
    return link_inline_code(markdown, _api_index(config))
