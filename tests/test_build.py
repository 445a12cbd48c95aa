"""The strict build is part of the suite."""

import os
from pathlib import Path

import pytest


def test_strict_build_produces_every_page(built_site: Path) -> None:
    assert (built_site / "index.html").is_file()
    assert (built_site / "choose-base-class" / "index.html").is_file()
    assert (built_site / "sitemap.xml").is_file()


def _engine_complaints(log: str) -> list[str]:
    """Lines of a build log that say the engine is the wrong one (MkDocs 1.x's 2.0 warnings, or ProperDocs asking
    for its config file to be named)."""
    markers = ("MkDocs 2.0", "MkDocs may break", "NO_MKDOCS_2_WARNING", "should be renamed to 'properdocs.yml'")
    return [line for line in log.splitlines() if any(marker in line for marker in markers)]


def test_the_engine_is_properdocs_and_quiet(built_site: Path) -> None:
    log = (Path(os.environ["MASSGEN_GUIDE_TEST_TMP"]) / "site.built").read_text(encoding="utf-8")
    assert "Documentation built in" in log, log[-2000:]
    assert not _engine_complaints(log), _engine_complaints(log)


@pytest.mark.parametrize("line", [
    "  To disable this warning, set NO_MKDOCS_2_WARNING=1.",
    "WARNING: MkDocs may break support for all existing plugins and themes soon!",
    "INFO    -  The configuration file 'mkdocs.yml' should be renamed to 'properdocs.yml', OR it should be passed",
])
def test_engine_complaints_are_caught(line: str) -> None:
    assert _engine_complaints(f"INFO - Building\n{line}\nINFO - Documentation built in 9 seconds") == [line]


# ---------------------------------------------------------------------------------------------- one address
def test_site_url_comes_from_one_setting(monkeypatch) -> None:
    """mkdocs.yml's `site_url: !ENV [SITE_URL, default]`: the variable wins, else the committed default."""
    from massgen_guide.site_urls import site_url

    monkeypatch.delenv("SITE_URL", raising=False)
    default = site_url()
    assert default.startswith("https://") and ".github.io/" in default, default
    monkeypatch.setenv("SITE_URL", "https://someone.github.io/fork")
    assert site_url() == "https://someone.github.io/fork/"
    monkeypatch.delenv("SITE_URL")
    assert site_url() == default


def test_the_built_site_uses_the_address_and_names_massgen(built_site: Path) -> None:
    import re

    from massgen_guide.facts.links import REPOSITORY
    from massgen_guide.site_urls import read_config, site_url
    from massgen_guide.source.selection import current_source

    base, repo = site_url(), read_config()["repo_url"]
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{base}">' in home
    sitemap = (built_site / "sitemap.xml").read_text(encoding="utf-8")
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert locs and all(loc.startswith(base) for loc in locs), [loc for loc in locs if not loc.startswith(base)]
    llms = (built_site / "llms.txt").read_text(encoding="utf-8")
    links = re.findall(r"\]\((https?://[^)]+)\)", llms)
    assert links and all(link.startswith(base) for link in links)
    # The header: this repository, and the MassGen release documented (read from the selected MassGen).
    version = current_source().version
    assert f'class="guide-source__repo" href="{repo}"' in home
    assert re.search(rf'class="guide-source__massgen" href="{re.escape(REPOSITORY)}"[^>]*>documents MassGen '
                     rf"{re.escape(version)}</a>", home), "the header does not name the documented MassGen"
    assert 'data-md-component="source"' not in home  # Material would fetch repository facts from GitHub's API
    page = (built_site / "phases" / "auth" / "index.html").read_text(encoding="utf-8")
    assert f'href="{repo}/edit/main/docs/phases/auth.md"' in page, "no edit link for the page"


def test_no_placeholder_address_remains() -> None:
    root = Path(__file__).resolve().parent.parent
    skip = {".git", ".venv", "site", "node_modules", "__pycache__", "vendor"}
    offenders = []
    for folder, folders, files in os.walk(root):
        folders[:] = [name for name in folders if name not in skip]
        for name in files:
            path = Path(folder, name)
            if path.suffix not in {".png", ".pyc"} and "example" + ".org" in path.read_text(errors="ignore"):
                offenders.append(path.relative_to(root).as_posix())
    assert not offenders, offenders
