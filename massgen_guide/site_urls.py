"""Where the hosted guide and its repository live, and the URL of each page.

The one setting is `mkdocs.yml` (`site_url`, and `repo_url` when set); the skill file, the audit's links, the
install commands and the site itself read it. A wheel carries the two values, as read from `mkdocs.yml` when it
was built (`massgen_guide/data/site.json`, written by `setup.py`), so an installed `massgen-guide` links to the
same pages without this repository beside it. `MASSGEN_GUIDE_URL` may point the audit's links elsewhere for a
session (e.g. a local `mkdocs serve`).
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

import yaml

from .errors import GuideError

ROOT = Path(__file__).resolve().parent.parent
BUILT_SETTINGS = Path(__file__).resolve().parent / "data" / "site.json"
OVERRIDE_SETTING = "MASSGEN_GUIDE_URL"


class _IgnoreTagsLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, whose `!!python/name:` tags are irrelevant here."""


_IgnoreTagsLoader.add_multi_constructor("tag:yaml.org,2002:python/name:", lambda loader, suffix, node: None)


@lru_cache(maxsize=4)
def site_settings(root: Path = ROOT) -> dict[str, str]:
    """`site_url` and `repo_url` from `root/mkdocs.yml`, or from the copy a wheel carries when there is none."""
    config_file = root / "mkdocs.yml"
    if config_file.is_file():
        config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_IgnoreTagsLoader) or {}
        return {key: str(config.get(key) or "") for key in ("site_url", "repo_url")}
    if BUILT_SETTINGS.is_file():
        return json.loads(BUILT_SETTINGS.read_text(encoding="utf-8"))
    return {"site_url": "", "repo_url": ""}


def site_url(root: Path = ROOT) -> str:
    """The hosted guide's base URL: `site_url` in mkdocs.yml, with a trailing slash."""
    url = site_settings(root).get("site_url") or ""
    if not url:
        raise GuideError("mkdocs.yml: site_url is not set; links into the guide need the hosted guide's base URL")
    return url if url.endswith("/") else url + "/"


def repo_url(root: Path = ROOT) -> str | None:
    """This guide's repository (`repo_url` in mkdocs.yml), or None when it is not set."""
    return (site_settings(root).get("repo_url") or "").rstrip("/") or None


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
