"""The build keeps every page's claims report in its cache (`keep_reports_in`), so that the claims-report page
reads what either of the build's processes checked instead of checking the pages again."""

from __future__ import annotations

import pytest

from massgen_guide.checks.claims.check import PageReport, check_markdown, keep_reports_in

PAGE = "# A page\n\nThe base class is `LLMBackend`.\n"


@pytest.fixture
def store():
    kept: dict[tuple[str, str], PageReport] = {}
    calls: list[str] = []

    def keep(key, check):
        page, markdown, folder, version = key
        calls.append(page)
        assert folder.endswith("massgen") and version  # the indexed MassGen is part of the key
        if (page, markdown) not in kept:
            kept[(page, markdown)] = check()
        return kept[(page, markdown)]

    keep_reports_in(keep)
    yield kept, calls
    keep_reports_in(None)


def test_a_checked_page_is_kept_and_a_kept_report_is_read(index, source, store) -> None:
    kept, calls = store
    report = check_markdown(PAGE, "docs/store-a.md", index, source)
    assert kept[("docs/store-a.md", PAGE)] is report and calls == ["docs/store-a.md"]
    assert [f.text for f in report.findings] == ["LLMBackend"]

    planted = PageReport("docs/store-b.md")  # what another process wrote: read, not checked again
    kept[("docs/store-b.md", PAGE)] = planted
    assert check_markdown(PAGE, "docs/store-b.md", index, source) is planted


def test_without_a_store_the_page_is_checked(index, source) -> None:
    report = check_markdown(PAGE, "docs/store-c.md", index, source)
    assert [f.text for f in report.findings] == ["LLMBackend"]


def test_the_builds_store_keeps_a_report_on_disk_and_survives_a_damaged_file(tmp_path, monkeypatch) -> None:
    from massgen_guide.checks.claims.check import Finding
    from massgen_guide.site import directives, hooks

    monkeypatch.setenv("MASSGEN_GUIDE_CACHE", str(tmp_path / "cache"))
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n")
    report = PageReport("docs/a.md")
    report.findings.append(Finding("docs/a.md", 3, "reference", "class", "LLMBackend", "verified",
                                   evidence="massgen/backend/base.py:1"))
    checks: list[str] = []

    def check() -> PageReport:
        checks.append("checked")
        return report

    key = ("docs/a.md", PAGE, "/x/massgen", "0.1.97")
    directives.start_build(tmp_path / "docs", tmp_path / "mkdocs.yml")
    try:
        first = hooks._stored_report(key, check)
        again = hooks._stored_report(key, check)  # as the other process of the build reads it: from the file
        assert checks == ["checked"] and again == first == report and again is not report
        [kept] = (tmp_path / "cache" / "claims-report-of").rglob("*.md")
        kept.write_bytes(b"not a pickle")
        assert hooks._stored_report(key, check) == report and checks == ["checked", "checked"]
    finally:
        directives.end_build()
