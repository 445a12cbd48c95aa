"""Everything the site build does beyond stock MkDocs, called from `hooks/guide.py`.

- `on_config`: resolve which MassGen is documented and share one static load with mkdocstrings; give the theme
  the documented MassGen's version and repository (the header shows them: `overrides/partials/source.html`).
- `on_page_markdown`: check snippet includes, check the prose's references and claims (rendering the claims),
  then expand `<!-- guide:... -->` directives and link API names.
- `on_page_content`: break opportunities (`<wbr>`) in table code (`massgen_guide.html_breaks`).
- `on_build_error`: end the build's caching scope.
- `on_post_build`: `llms.txt`, `llms-full.txt` and a Markdown file per page (`massgen_guide.llms_txt`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

from . import html_breaks, llms_txt, site_facts
from .claims import check_page_for_build
from .claims.shown import add_anchors
from .directives import end_build, expand_directives, start_build
from .errors import GuideError
from .facts.links import REPOSITORY
from .source import current_source

SNIPPET_RE = re.compile(r"""^\s*(?:-{1,}8<-{1,}|;-{1,}8<-{1,})\s+["']([^"']+)["']\s*$""")
_state: dict[str, Any] = {}


def on_startup(command: str, dirty: bool) -> None:
    _state["command"] = command


def on_config(config: Any) -> Any:
    start_build(Path(config["docs_dir"]), Path(config["config_file_path"]))
    try:
        site_facts.prepare(config)
        version = current_source().version
    except GuideError as exc:
        raise PluginError(str(exc)) from None
    config["extra"]["massgen_version"] = version
    config["extra"]["massgen_repo"] = REPOSITORY
    return config


def check_snippet_includes(markdown: str, page: str, base: Path) -> None:
    """Fail with page and line when a `--8<--` include names a missing file or section."""
    for number, line in enumerate(markdown.splitlines(), start=1):
        match = SNIPPET_RE.match(line)
        if not match:
            continue
        target = match.group(1)
        path_part, _, section = target.partition(":")
        if re.fullmatch(r"\d+(:\d+)?(,\d+(:\d+)?)*", section or "x"):
            section = ""  # line ranges, not a named section
        path = base / path_part
        if not path.is_file():
            raise GuideError(f"docs/{page}:{number}: snippet include {path_part!r} does not exist")
        if section:
            text = path.read_text(encoding="utf-8")
            if f"--8<-- [start:{section}]" not in text or f"--8<-- [end:{section}]" not in text:
                raise GuideError(f"docs/{page}:{number}: snippet {path_part!r} has no section {section!r}")


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    src = page.file.src_uri
    try:
        check_snippet_includes(markdown, src, Path(config["config_file_path"]).parent)
        markdown = check_page_for_build(markdown, src)  # references and claims (strict); claims become text
        if not site_facts.generation_enabled():  # GUIDE_GENERATION=off: the benchmark's baseline
            return site_facts.strip_generated(markdown)
        markdown = expand_directives(markdown, src, site_url=config.get("site_url") or "")
        _state.setdefault("pages", {})[src] = (page, markdown)
        return site_facts.process_page(markdown, src, config)
    except GuideError as exc:
        raise PluginError(str(exc)) from None


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    html = add_anchors(html)  # blocks that show a sentence's behaviour get the id its link points to
    # The engine collected the page's anchors while rendering, before this hook: tell it about the new ids, or
    # its anchor validation reports every `#shows-NAME` link as broken
    if getattr(page, "present_anchor_ids", None) is not None:
        page.present_anchor_ids.update(re.findall(r'id="(shows-[\w-]+)"', html))
    return html_breaks.add_breaks(html)  # table code wraps only at `/ . _` and CamelCase boundaries


def on_nav(nav: Any, config: Any, files: Any) -> Any:
    _state["nav"] = nav
    return nav


def on_env(env: Any, config: Any, files: Any) -> Any:
    return env


def on_build_error(error: Exception) -> None:
    end_build()  # a failed build caches nothing from here on (and `properdocs serve` starts the next one afresh)


def on_post_build(config: Any) -> None:
    end_build()
    from .facts.loading import load_massgen

    base = Path(config["config_file_path"]).parent
    find = load_massgen().find
    pages = {src: llms_txt.LlmsPage(src, str(page.title or src), page.url, llms_txt.llms_markdown(md, base, find))
             for src, (page, md) in _state.get("pages", {}).items()}
    llms_txt.write_llms_files(Path(config["site_dir"]), config["site_name"], config.get("site_description") or "",
                              config.get("site_url") or "", llms_txt.nav_sections(_state["nav"]), pages)
