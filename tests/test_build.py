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
