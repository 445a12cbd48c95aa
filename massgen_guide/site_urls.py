"""Where the hosted guide and its repository live, and the URL of each page.

The one setting is `mkdocs.yml`: `site_url: !ENV [SITE_URL, <default>]` and `repo_url: !ENV [REPO_URL, <default>]`,
the environment variable when set (the deploy workflow sets both from the repository it runs in), else the committed
default. The site (canonical links, sitemap, llms.txt), the skill file, the audit's links and the install commands
all read them here, or through the engine, which resolves `!ENV` the same way. A wheel carries the two values as
read when it was built (`massgen_guide/data/site.json`, written by `setup.py`), so an installed `massgen-guide`
links to the same pages without this repository beside it. `MASSGEN_GUIDE_URL` may point the audit's links
elsewhere for a session (e.g. a local `properdocs serve`).
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

import yaml

from massgen_guide.errors import GuideError

ROOT = Path(__file__).resolve().parent.parent
BUILT_SETTINGS = Path(__file__).resolve().parent / "data" / "site.json"
OVERRIDE_SETTING = "MASSGEN_GUIDE_URL"


class _IgnoreTagsLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, whose `!!python/name:` tags are irrelevant here."""


_IgnoreTagsLoader.add_multi_constructor("tag:yaml.org,2002:python/name:", lambda loader, suffix, node: None)


def _env_tag(loader: yaml.SafeLoader, node: yaml.Node) -> object:
    """`!ENV VAR` or `!ENV [VAR, OTHER_VAR, default]`, as MkDocs and ProperDocs read it: the first variable that
    is set wins, else the last item when it is not a variable name that was tried (else None)."""
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    else:
        items = [loader.construct_scalar(child) for child in node.value]
        names, default = (items[:-1], items[-1]) if len(items) > 1 else (items, None)
    for name in names:
        if os.environ.get(str(name)):
            return os.environ[str(name)]
    return default


_IgnoreTagsLoader.add_constructor("!ENV", _env_tag)


def read_config(root: Path = ROOT) -> dict:
    """mkdocs.yml as data (`!ENV` resolved, `!!python/name:` tags ignored)."""
    return yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_IgnoreTagsLoader) or {}


def site_settings(root: Path = ROOT) -> dict[str, str]:
    """`site_url` and `repo_url` from `root/mkdocs.yml` (`SITE_URL`/`REPO_URL` when set), or from the copy a wheel
    carries when there is no mkdocs.yml."""
    return _site_settings(root, os.environ.get("SITE_URL", ""), os.environ.get("REPO_URL", ""))


site_settings.cache_clear = lambda: _site_settings.cache_clear()  # type: ignore[attr-defined]


@lru_cache(maxsize=8)
def _site_settings(root: Path, _site: str, _repo: str) -> dict[str, str]:
    config_file = root / "mkdocs.yml"
    if config_file.is_file():
        config = read_config(root)
        return {key: str(config.get(key) or "") for key in ("site_url", "repo_url")}
    if BUILT_SETTINGS.is_file():
        return json.loads(BUILT_SETTINGS.read_text(encoding="utf-8"))
    return {"site_url": "", "repo_url": ""}


def site_url(root: Path = ROOT) -> str:
    """The hosted guide's base URL: `site_url` in mkdocs.yml (`SITE_URL` when set), with a trailing slash."""
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
