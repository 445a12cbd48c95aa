"""Material's search entries for a page, reused while the page's HTML is unchanged.

Material's search plugin parses each page's HTML into sections (`SearchIndex.add_entry_from_context`) on every
build. On this site that takes about a third of a warm build: the generated tables make long pages. A page's
entries depend on these inputs:

- its HTML, table of contents, URL and title;
- its `title`, `tags` and `search` metadata;
- the plugin's settings; Material's, Python's (its HTML parser) and jieba's versions (Material segments Chinese
  text when jieba is installed).

`reuse_search_entries` wraps the build's search index. A page whose inputs are the same as in an earlier build gets
its entries from the cache (`<cache>/search-entries/`, one file per page, overwritten when the page changes), and
the plugin parses only the other pages. The index written at the end is the same either way
(`tests/test_search_entries.py`).
"""

from __future__ import annotations

import hashlib
import json
import sys
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from massgen_guide.source.cache_files import write_atomically
from massgen_guide.source.selection import cache_dir

KIND = "search-entries"


def reuse_search_entries(config: Any) -> bool:
    """Wrap the search index of the build `config` is for; False when the site has no search plugin."""
    index = next((getattr(plugin, "search_index", None) for plugin in config["plugins"].values()
                  if hasattr(plugin, "search_index")), None)
    if index is None or getattr(index, "guide_reuses_entries", False):
        return False
    parse = index.add_entry_from_context
    settings = repr((version("mkdocs-material"), sys.version, _version_of("jieba"),
                     sorted((key, repr(value)) for key, value in index.config.items())))

    def add_entry_from_context(page: Any) -> None:
        key = page_key(page, settings)
        path = cache_dir() / KIND / f"{hashlib.sha256(page.url.encode()).hexdigest()[:32]}.json"
        try:
            kept = json.loads(path.read_bytes())
            if kept["key"] == key:
                index.entries.extend(kept["entries"])
                return
        except (OSError, ValueError, KeyError, TypeError):
            pass  # not cached yet, or damaged: parse
        start = len(index.entries)
        parse(page)
        # default=str, as Material writes the index: a value JSON cannot hold (a date in `search.boost`) as text
        kept = json.dumps({"key": key, "entries": index.entries[start:]}, default=str)
        write_atomically(path, kept.encode("utf-8"))

    index.add_entry_from_context = add_entry_from_context
    index.guide_reuses_entries = True
    return True


def page_key(page: Any, settings: str) -> str:
    """A digest of everything the search plugin reads from the page, and `settings` (the plugin's, with the
    versions its output depends on)."""
    meta = {name: page.meta.get(name) for name in ("title", "tags", "search")}
    parts = (settings, page.url, str(page.title), repr(meta), _toc(page.toc),
             page.content or "")
    return hashlib.sha256(json.dumps(parts, default=repr).encode("utf-8")).hexdigest()


def _toc(items: Any) -> list:
    return [[item.id, item.url, item.title, _toc(item.children)] for item in items or []]


def _version_of(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "not installed"
