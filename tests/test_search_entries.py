"""Material's search entries of an unchanged page come from the cache, and equal what the plugin parses."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from material.plugins.search.plugin import SearchIndex
from properdocs.structure.toc import AnchorLink

from massgen_guide.site.search_entries import reuse_search_entries

SETTINGS = {"lang": ["en"], "separator": r"[\s\-]+", "pipeline": ["stemmer"], "fields": {}}
HTML = ("<h1 id='acme'>Acme</h1><p>Stream with tools.</p><h2 id='keys'>Keys</h2><p>ACME_API_KEY is read.</p>"
        "<table data-search-exclude><tr><td>matrix cell</td></tr></table>")


def _page(content: str = HTML, url: str = "phases/acme/") -> SimpleNamespace:
    top = AnchorLink("Acme", "acme", 1)
    top.children.append(AnchorLink("Keys", "keys", 2))
    return SimpleNamespace(url=url, title="Acme", meta={}, toc=[top], content=content)


def _build(pages: list[SimpleNamespace], parsed: list[str], *, reuse: bool = True) -> list[dict]:
    """One build's search index over `pages`: `parsed` gets the URL of each page the plugin really parsed."""
    index = SearchIndex(**SETTINGS)
    parse = index.add_entry_from_context

    def counted(page) -> None:
        parsed.append(page.url)
        parse(page)

    index.add_entry_from_context = counted
    if reuse:
        assert reuse_search_entries({"plugins": {"material/search": SimpleNamespace(search_index=index)}})
    for page in pages:
        index.add_entry_from_context(page)
    return json.loads(index.generate_search_index(None))["docs"]


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MASSGEN_GUIDE_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_an_unchanged_page_is_not_parsed_again_and_its_entries_are_the_same() -> None:
    parsed: list[str] = []
    pages = [_page(), _page("<h1 id='other'>Other</h1><p>Text.</p>", url="other/")]
    plain = _build(pages, [], reuse=False)
    assert [entry["location"] for entry in plain] == ["phases/acme/", "phases/acme/#keys", "other/"]
    assert "matrix cell" not in json.dumps(plain)

    assert _build(pages, parsed) == plain  # the first build parses and keeps
    assert parsed == ["phases/acme/", "other/"]
    assert _build(pages, parsed) == plain  # the next one reuses
    assert parsed == ["phases/acme/", "other/"]


@pytest.mark.parametrize("change", ["content", "anchor", "title", "meta title", "tags", "search", "settings"])
def test_a_change_to_what_the_plugin_reads_parses_the_page_again(change: str, monkeypatch) -> None:
    parsed: list[str] = []
    _build([_page()], parsed)
    page = _page()
    if change == "content":
        page.content = HTML.replace("ACME_API_KEY", "ACME_KEY")
    elif change == "anchor":  # the heading's id, in the HTML and in the table of contents
        page.content = HTML.replace("id='keys'", "id='keys-1'")
        page.toc[0].children[0].id = "keys-1"
    elif change == "title":
        page.title = "Acme Cloud"
    elif change == "meta title":
        page.meta = {"title": "Acme Cloud"}
    elif change == "tags":
        page.meta = {"tags": ["http"]}
    elif change == "search":
        page.meta = {"search": {"boost": 2}}
    else:
        monkeypatch.setitem(SETTINGS, "separator", r"[\s]+")
    entries = _build([page], parsed)
    assert parsed == ["phases/acme/", "phases/acme/"]
    assert entries == _build([page], [], reuse=False)


def test_a_damaged_cache_file_is_parsed_again(_cache: Path) -> None:
    parsed: list[str] = []
    plain = _build([_page()], parsed)
    (kept,) = (_cache / "search-entries").iterdir()
    kept.write_text("{not json", encoding="utf-8")
    assert _build([_page()], parsed) == plain
    assert parsed == ["phases/acme/", "phases/acme/"]


def test_a_value_json_cannot_hold_is_kept_as_material_writes_it() -> None:
    import datetime

    page = _page()
    page.meta = {"search": {"boost": datetime.date(2026, 12, 1)}}
    plain = _build([page], [], reuse=False)
    assert _build([page], []) == plain  # parsed and kept
    assert _build([page], []) == plain  # from the cache
    assert plain[0]["boost"] == "2026-12-01"


def test_the_hooks_file_hands_the_build_its_pre_build_hook() -> None:
    hooks = (Path(__file__).resolve().parent.parent / "hooks" / "guide.py").read_text(encoding="utf-8")
    assert "    on_pre_build,\n" in hooks


def test_a_site_without_search_is_left_alone() -> None:
    assert not reuse_search_entries({"plugins": {"material/tags": SimpleNamespace()}})
