"""Where the hosted guide lives, and the URL of each of its pages.

The one setting is `site_url` in `mkdocs.yml`; the skill file, the audit's links and the site itself read it.
`MASSGEN_GUIDE_URL` may point the audit's links elsewhere for a session (e.g. a local `properdocs serve`).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import yaml

from .errors import GuideError

ROOT = Path(__file__).resolve().parent.parent
OVERRIDE_SETTING = "MASSGEN_GUIDE_URL"


class _IgnoreTagsLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, whose `!!python/name:` tags are irrelevant here."""


_IgnoreTagsLoader.add_multi_constructor("tag:yaml.org,2002:python/name:", lambda loader, suffix, node: None)


@lru_cache(maxsize=4)
def site_url(root: Path = ROOT) -> str:
    """The hosted guide's base URL: `site_url` in mkdocs.yml, with a trailing slash."""
    config = yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_IgnoreTagsLoader)
    url = (config or {}).get("site_url") or ""
    if not url:
        raise GuideError("mkdocs.yml: site_url is not set; links into the guide need the hosted guide's base URL")
    return url if url.endswith("/") else url + "/"


def guide_url() -> str:
    """The base for links printed by commands: `MASSGEN_GUIDE_URL` when set, else `site_url`."""
    base = os.environ.get(OVERRIDE_SETTING) or site_url()
    return base if base.endswith("/") else base + "/"


def page_url(base: str, page: str, anchor: str = "") -> str:
    """The URL MkDocs (use_directory_urls) gives a docs/ page, plus an optional anchor."""
    path, _, page_anchor = page.partition("#")
    if path == "index.md":
        url = base
    elif path.endswith("/index.md"):
        url = base + path[: -len("index.md")]
    else:
        url = base + path[: -len(".md")] + "/"
    anchor = anchor or page_anchor
    return url + (f"#{anchor}" if anchor else "")
