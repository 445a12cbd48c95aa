"""The strict build is part of the suite."""

from pathlib import Path


def test_strict_build_produces_every_page(built_site: Path) -> None:
    assert (built_site / "index.html").is_file()
    assert (built_site / "choose-base-class" / "index.html").is_file()
    assert (built_site / "sitemap.xml").is_file()
