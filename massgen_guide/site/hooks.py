"""Everything the site build does beyond stock MkDocs, called from `hooks/guide.py`.

- `on_startup`: import mkdocstrings' Python handler without pydantic (`massgen_guide.site.build_facts`).
- `on_config`: turn Python's cyclic garbage collector off until the build ends (`massgen_guide.facts.collector`);
  resolve which MassGen is documented and share one static load with mkdocstrings; give the theme
  the documented MassGen's version and repository (the header shows them: `overrides/partials/source.html`).
- `on_serve`, `on_files`: `serve` also watches the snippets and data files; a rebuild after an edit there
  re-renders the pages that read the edited file, `--dirty` or not (`massgen_guide.site.rebuilds`).
- `on_files`: on a cold build, start the second process that checks the pages' claims and generates their
  directives from the last page backwards (`massgen_guide.site.prefetch`).
- `on_pre_build`: Material's search entries of a page whose HTML is unchanged come from the cache
  (`massgen_guide.site.search_entries`).
- `on_page_markdown`: check snippet includes, check the prose's references and claims (rendering the claims),
  then expand `<!-- guide:... -->` directives and link API names. Generated tables come in both renderings
  (`massgen_guide.tables`): the site keeps their HTML, set aside while Python-Markdown converts the page.
- `on_page_content`: the generated tables' HTML put back; break opportunities (`<wbr>`) in table code
  (`massgen_guide.site.html_breaks`).
- `on_env`: the theme's compiled templates kept for the process's next build (`massgen_guide.site.rebuilds`).
- `on_build_error`: end the build's caching scope (and the second process).
- `on_post_build`: `llms.txt`, `llms-full.txt` and a Markdown file per page (`massgen_guide.site.llms_txt`).
"""

from __future__ import annotations

import pickle
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

from massgen_guide import tables
from massgen_guide.checks.claims import check_page_for_build, parse_error_lines, render_claims
from massgen_guide.checks.claims.check import PageReport, keep_reports_in
from massgen_guide.errors import GuideError
from massgen_guide.facts.collector import collector_off_until_resumed, resume_collector
from massgen_guide.facts.links import REPOSITORY
from massgen_guide.site import build_facts as site_facts
from massgen_guide.site import html_breaks, llms_txt, prefetch, rebuilds, search_entries
from massgen_guide.site.directives import (
    cached_bytes_during_build,
    cached_during_build,
    end_build,
    expand_directives,
    start_build,
)
from massgen_guide.source.selection import current_source

SNIPPET_RE = re.compile(r"""^\s*(?:-{1,}8<-{1,}|;-{1,}8<-{1,})\s+["']([^"']+)["']\s*$""")
_state: dict[str, Any] = {}


def on_startup(command: str, dirty: bool) -> None:
    _state["command"] = command
    site_facts.import_python_handler_unvalidated()  # before mkdocstrings' on_config imports it (build_facts)


def on_serve(server: Any, config: Any, builder: Any) -> Any:
    """Watch the snippets and the data files too (those that exist: a copy of the site may have neither)."""
    for folder in _input_watch(config).folders:
        server.watch(str(folder))
    return server


def _input_watch(config: Any) -> rebuilds.InputWatch:
    config_file = Path(config["config_file_path"]).resolve()  # (relative on serve's first build, absolute after)
    watch = _state.get("input_watch")
    if watch is None or watch.base != config_file.parent:
        watch = _state["input_watch"] = rebuilds.InputWatch.for_config(config_file)
    return watch


def on_config(config: Any) -> Any:
    collector_off_until_resumed()  # back on when the build ends (on_post_build, on_build_error)
    start_build(Path(config["docs_dir"]), Path(config["config_file_path"]))
    keep_reports_in(_stored_report)
    try:
        site_facts.prepare(config)
        version = current_source().version
    except GuideError as exc:
        raise PluginError(str(exc)) from None
    config["extra"]["massgen_version"] = version
    config["extra"]["massgen_repo"] = REPOSITORY
    return config


def on_files(files: Any, config: Any) -> Any:
    rerender_pages_reading_changed_inputs(files, _input_watch(config))
    if site_facts.generation_enabled():
        pages = [prefetch.PageSource(f.src_uri, Path(f.abs_src_path)) for f in files.documentation_pages()]
        prefetch.start(pages, render_claims, config.get("site_url") or "", shared=parse_error_lines,
                       check=_claims_checked_for_the_child)
    return files


def rerender_pages_reading_changed_inputs(files: Any, watch: rebuilds.InputWatch) -> list[str]:
    """The pages reading a snippet or data file changed since the last build, made to count as modified (for
    `serve --dirty`, which re-renders only modified pages); returns their source paths."""
    pages = {f.src_uri: f for f in files.documentation_pages() if f.abs_src_path}
    reading = watch.changed_pages({src: Path(f.abs_src_path) for src, f in pages.items()})
    rebuilds.mark_for_rebuild([Path(pages[src].abs_dest_path) for src in reading])
    return reading


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


def on_pre_build(config: Any) -> None:
    search_entries.reuse_search_entries(config)  # Material's search entries of an unchanged page, from the cache


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    src = page.file.src_uri
    try:
        check_snippet_includes(markdown, src, Path(config["config_file_path"]).parent)
        markdown = _checked_claims(markdown, src)  # references and claims (strict); claims become text
        if not site_facts.generation_enabled():  # GUIDE_GENERATION=off: the benchmark's baseline
            return site_facts.strip_generated(markdown)
        markdown = expand_directives(markdown, src, site_url=config.get("site_url") or "")
        _state.setdefault("pages", {})[src] = (page, markdown)  # the llms files keep the tables' Markdown
        markdown, blocks = tables.set_aside(markdown)  # the site, their HTML, put back after the conversion
        _state.setdefault("table_links", {})[src] = (page.url, [h for b in blocks for h in tables.relative_links(b)])
        _state.setdefault("tables", {})[src] = [_api_linked_block(block, src, config) for block in blocks]
        return _api_checked(markdown, src, config)
    except GuideError as exc:
        raise PluginError(str(exc)) from None


def _checked_claims(markdown: str, src: str) -> str:
    """`check_page_for_build`, from the build cache for a page already checked under unchanged inputs, unless
    some MassGen file does not parse (the uncached check warns about it, which a strict build turns into a
    failure)."""
    if cached_during_build("claims-parse-errors", (), parse_error_lines):
        return check_page_for_build(markdown, src)
    return cached_during_build("claims-checked", (src, markdown), lambda: check_page_for_build(markdown, src))


def _stored_report(key: tuple[str, str, str, str], check: Callable[[], PageReport]) -> PageReport:
    """A page's claims report from the build cache (written by whichever of the build's processes checked the
    page first: the claims-report page lists every page's findings)."""
    kept = cached_bytes_during_build("claims-report-of", key, lambda: pickle.dumps(check()))
    try:
        return pickle.loads(kept)
    except Exception:  # noqa: BLE001  (a damaged cache file only costs the check again)
        return check()


def _claims_checked_for_the_child(markdown: str, src: str) -> str:
    """What the cold build's second process does with a page's claims: the build's check when the build will read
    it from the cache, else only their rendering (the build checks such a page itself)."""
    if cached_during_build("claims-parse-errors", (), parse_error_lines):
        return render_claims(markdown)
    return _checked_claims(markdown, src)


def _api_checked(markdown: str, src: str, config: Any) -> str:
    """`site_facts.process_page` (the page's `:::` blocks checked, its inline API names linked), from the build
    cache for the same Markdown under unchanged inputs."""
    return cached_during_build("api-linked", (src, markdown), lambda: site_facts.process_page(markdown, src, config))


def _api_linked_block(block: str, src: str, config: Any) -> str:
    """`site_facts.link_html_block`, from the build cache for the same block under unchanged inputs."""
    return cached_during_build("api-linked-html", (src, block),
                               lambda: site_facts.link_html_block(block, src, config))


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    html = tables.put_back(html, _state.get("tables", {}).pop(page.file.src_uri, []))
    return html_breaks.add_breaks(html)  # table code wraps only at `/ . _` and CamelCase boundaries


def on_nav(nav: Any, config: Any, files: Any) -> Any:
    _state["nav"] = nav
    return nav


def on_env(env: Any, config: Any, files: Any) -> Any:
    return rebuilds.keep_compiled_templates(env)  # serve's rebuilds compile the theme's templates once


def on_build_error(error: Exception) -> None:
    prefetch.stop()
    keep_reports_in(None)
    end_build()  # a failed build caches nothing from here on (and `properdocs serve` starts the next one afresh)
    resume_collector()


def on_post_build(config: Any) -> None:
    prefetch.stop()
    try:
        broken = tables.missing_link_targets(_state.pop("table_links", {}), Path(config["site_dir"]))
        if broken:
            raise PluginError("\n".join(broken))
        base = Path(config["config_file_path"]).parent
        pages = {src: llms_txt.LlmsPage(src, str(page.title or src), page.url, _llms_markdown(src, md, base))
                 for src, (page, md) in _state.get("pages", {}).items()}
    finally:
        keep_reports_in(None)
        end_build()
        resume_collector()
    llms_txt.write_llms_files(Path(config["site_dir"]), config["site_name"], config.get("site_description") or "",
                              config.get("site_url") or "", llms_txt.nav_sections(_state["nav"]), pages)


def _llms_markdown(src: str, markdown: str, base: Path) -> str:
    """The page's Markdown for the llms files, from the build cache for the same Markdown under unchanged
    inputs."""

    def compute() -> str:
        from massgen_guide.facts.loading import load_massgen

        return llms_txt.llms_markdown(markdown, base, load_massgen().find)

    return cached_during_build("llms-page", (src, markdown), compute)
