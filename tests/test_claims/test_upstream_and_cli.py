"""The upstream skill file checked, the command line, the generated pages and the committed versions data."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from massgen_guide.checks.claims.check import check_docs
from massgen_guide.checks.claims.report import markdown_upstream, totals
from massgen_guide.checks.claims.upstream import SKILL_PATH, check_upstream
from massgen_guide.checks.claims.versions import DATA_FILE, failure_key, load_data, markdown_versions, results_for
from massgen_guide.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def upstream(source, index):
    return check_upstream(source, index)


def _failed(report, line):
    return [f for f in report.failures if f.line == line]


def test_upstream_finds_what_the_code_contradicts(upstream):
    text = (Path(upstream.findings[0].page) if False else None)
    by_text = {(f.line, f.text): f for f in upstream.failures}
    described = "\n".join(f.describe() for f in upstream.failures)
    # a moved path: massgen/cli.py is a package now
    assert "reference `massgen/cli.py` (path): no such file or folder in massgen 0.1.97; closest: massgen/cli/" \
        in described
    # a folder that is a module
    assert "`massgen/mcp_tools/hooks/` (path): no such folder in massgen 0.1.97; closest: massgen/mcp_tools/hooks.py" \
        in described
    # a wrong hook type
    hook = [f for f in upstream.failures if f.kind == "hook-type"]
    assert [f.text for f in hook] == ["hook HumanInputHook is registered as PreToolUse"]
    assert hook[0].message == "HumanInputHook is registered as PostToolUse"
    assert hook[0].evidence.startswith("massgen/orchestrator_collaborators/midstream_injection_hook_installer.py:")
    # line counts off by 2x and more
    grok = [f for f in upstream.failures if f.kind == "lines" and "grok.py" in f.text]
    assert grok and "massgen/backend/grok.py has 36 lines" in grok[0].message
    # the two excluded-params lists are one definition now
    derived = [f for f in upstream.failures if f.kind == "derived"]
    assert derived and "BASE_EXCLUDED_CONFIG_PARAMS" in derived[0].message
    assert derived[0].evidence.startswith("massgen/backend/_excluded_params.py:")
    # missing chunk types
    table = [f for f in upstream.failures if f.kind == "chunk-table"]
    assert table and '"mcp_status"' not in table[0].message  # the table lists mcp? no: check a known omission
    assert '"media"' in table[0].message
    assert by_text


def test_upstream_counts(upstream):
    s = upstream.summary()
    assert s["references"] >= 200 and s["references_verified"] >= 200
    assert s["references_failed"] >= 8 and s["claims"] >= 15 and s["claims_failed"] >= 5
    print(f"\nupstream SKILL.md: {s}")


def test_upstream_page_has_line_code_and_evidence(upstream, source):
    page = markdown_upstream(upstream, source)
    assert "### `SKILL.md:" in page
    assert "- **Upstream says** (line " in page and "- **The code says**: " in page and "- **Evidence**: `massgen/" in page
    assert "MassGen **0.1.97**" in page


def test_our_docs_hold_and_counts(source, index):
    reports = check_docs(ROOT / "docs", source, index)
    failures = [f.describe() for r in reports for f in r.failures]
    assert failures == []
    t = totals(reports)
    assert t["references"] > 300 and t["references_verified"] > 300
    print(f"\nguide docs: {t}")


def test_cli_claims_json(capsys):
    assert main(["claims", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["massgen"]["version"] == "0.1.97"
    assert data["totals"]["references_failed"] == 0
    assert any(p["page"] == "docs/phases/hooks.md" for p in data["pages"])


def test_cli_claims_fails_on_a_broken_page(tmp_path, capsys):
    (tmp_path / "p.md").write_text("# P\n\n`massgen/backend/nope.py`\n")
    assert main(["claims", "--docs", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "FAILED: docs/p.md:3: reference `massgen/backend/nope.py` (path): no such file or folder" in out


def test_cli_malformed_claim_is_one_line(tmp_path, capsys):
    (tmp_path / "p.md").write_text("# P\n\n[[claim: this is not a claim]]\n")
    assert main(["claims", "--docs", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("massgen-guide: error: docs/p.md:3: malformed claim") and "\n" not in err


def test_cli_bad_input(tmp_path, capsys):
    assert main(["claims", "--docs", str(tmp_path / "missing")]) == 2
    assert main(["versions", "--releases", "latest"]) == 2
    err = capsys.readouterr().err
    assert "--docs" in err and "is not a release version" in err


def test_cli_upstream_text(capsys):
    assert main(["upstream"]) == 0
    out = capsys.readouterr().out
    assert f"FAILED: {SKILL_PATH}:" in out and out.strip().splitlines()[-1].startswith("total: references")
    assert main(["upstream", "--strict"]) == 1


def test_cli_versions_offline_from_the_cache(tmp_path, source, capsys, monkeypatch):
    """A release already in the cache is read without the network (here: the installed package, linked in)."""
    cache = tmp_path / "cache"
    (cache / "releases" / "0.1.97").mkdir(parents=True)
    os.symlink(source.package_dir, cache / "releases" / "0.1.97" / "massgen")
    monkeypatch.setenv("MASSGEN_GUIDE_CACHE", str(cache))
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("`StreamChunk` and [[claim: CodexBackend subclasses LLMBackend]].\n")
    (docs / "b.md").write_text("`HookType.PRE_TOOL_US`\n")
    out = tmp_path / "v.json"
    assert main(["versions", "--releases", "0.1.97", "--docs", str(docs), "--output", str(out)]) == 0
    data = json.loads(out.read_text())
    pages = data["results"]["0.1.97"]["pages"]
    assert pages["docs/a.md"]["holds"] and pages["docs/a.md"]["claims"] == 1
    assert not pages["docs/b.md"]["holds"]
    assert "massgen 0.1.97: 1/2 pages hold" in capsys.readouterr().out
    page = markdown_versions(data)
    assert "| `docs/a.md` | ✅ |" in page and "| `docs/b.md` | ❌ 1 |" in page


def test_committed_versions_data_covers_five_releases():
    data = load_data()
    releases = data["releases"]
    assert releases[0] == "0.1.97" and len(releases) >= 5
    assert data["generated"].endswith("UTC")
    for release in releases:
        assert data["results"][release]["pages"], release


def test_committed_pinned_column_agrees_with_a_fresh_run(source):
    """The pinned release's column of the committed data must match a fresh run against the installed package."""
    data = load_data()
    committed = data["results"]["0.1.97"]["pages"]
    fresh = results_for(source, ROOT / "docs")["pages"]
    stale = sorted(set(committed) ^ set(fresh))
    assert not stale, f"pages added/removed since {DATA_FILE.name} was generated: {stale}; regenerate it"
    for page, result in fresh.items():
        assert committed[page]["holds"] == result["holds"], page
        assert committed[page]["failures"] == result["failures"], page


def test_failure_key_has_no_line_number(check):
    report = check("\n\n`NoSuchThingAtAll`\n")
    assert failure_key(report.failures[0]).startswith("reference `NoSuchThingAtAll`: no class or name")


def test_strict_build_fails_at_the_false_claim(tmp_path):
    """A small MkDocs project using the guide's hooks: a false claim stops the build at its page and line."""
    from tests.conftest import run_mkdocs_build

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n\n[[claim: CodexBackend subclasses LLMBackend]] and `StreamChunk`.\n")
    (docs / "wrong.md").write_text("# Wrong\n\nText.\n\nThe hook [[claim: hook HumanInputHook is registered as "
                                   "PreToolUse | runs before the tool]].\n")
    config = tmp_path / "mkdocs.yml"
    # ProperDocs ships no theme of its own: name Material, as the site does.
    config.write_text(f"site_name: t\ndocs_dir: {docs}\nstrict: true\ntheme: {{name: material}}\n"
                      f"hooks:\n  - {ROOT / 'hooks' / 'guide.py'}\n")
    result = run_mkdocs_build(tmp_path / "site", config=config, cwd=ROOT)
    assert result.returncode != 0
    assert "docs/wrong.md:5: claim [[claim: hook HumanInputHook is registered as PreToolUse]] (hook-type): " \
           "HumanInputHook is registered as PostToolUse" in result.stdout + result.stderr
    (docs / "wrong.md").write_text("# Right\n\nThe hook [[claim: hook HumanInputHook is registered as PostToolUse | "
                                   "runs after the tool]].\n")
    result = run_mkdocs_build(tmp_path / "site", config=config, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    html = (tmp_path / "site" / "wrong" / "index.html").read_text()
    assert "The hook runs after the tool." in html and "[[claim" not in html
    home = (tmp_path / "site" / "index.html").read_text()
    assert "<code>CodexBackend</code> subclasses <code>LLMBackend</code>" in home


def test_page_generators():
    from massgen_guide.site.directives import DirectiveCall, registered_generators

    generators = registered_generators()
    report = generators["claims-report"](DirectiveCall("claims-report", {}, "reference/claims-report.md", 9))
    assert "Checked against **massgen 0.1.97** (installed)" in report
    assert "| `docs/phases/hooks.md` |" in report and "## The claim syntax" in report
    assert "`plain-word`" in report  # the ignore rules are documented on the page
    upstream = generators["upstream-skill-report"](DirectiveCall("upstream-skill-report", {}, "x.md", 1))
    assert "## Out of date" in upstream and "HumanInputHook is registered as PostToolUse" in upstream
    versions = generators["versions-report"](DirectiveCall("versions-report", {}, "x.md", 1))
    assert versions.startswith("Generated ") and "| Page | 0.1.97 |" in versions


def test_versions_page_with_a_broken_data_file(tmp_path):
    from massgen_guide.errors import GuideError
    from massgen_guide.site.directives import DirectiveCall, registered_generators

    bad = tmp_path / "v.json"
    bad.write_text("{not json")
    with pytest.raises(GuideError, match=r"v\.json: not valid JSON"):
        registered_generators()["versions-report"](DirectiveCall("versions-report", {"data": str(bad)}, "x.md", 1))
    with pytest.raises(GuideError, match=r"no versions data; run `massgen-guide versions --output"):
        load_data(tmp_path / "missing.json")


def test_upstream_page_for_a_massgen_without_the_skill(tmp_path, monkeypatch, capsys):
    from massgen_guide.site.directives import DirectiveCall, registered_generators

    package = tmp_path / "tiny" / "massgen"
    (package / "backend").mkdir(parents=True)
    (package / "__init__.py").write_text('__version__ = "9.9.9"\n')
    (package / "backend" / "base.py").write_text("class LLMBackend:\n    def stream_with_tools(self):\n        pass\n")
    monkeypatch.setenv("MASSGEN_SOURCE", str(tmp_path / "tiny"))
    page = registered_generators()["upstream-skill-report"](DirectiveCall("upstream-skill-report", {}, "x.md", 1))
    assert page.startswith('!!! info "No skill file in this MassGen"') and "massgen 9.9.9" in page
    assert main(["upstream"]) == 2
    assert "ships no massgen/skills/backend-integrator/SKILL.md" in capsys.readouterr().err
    # the same tiny MassGen, checked: what it has verifies, what it lacks fails
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "p.md").write_text("`LLMBackend.stream_with_tools` and `StreamChunk`\n")
    assert main(["claims", "--docs", str(tmp_path / "docs")]) == 1
    out = capsys.readouterr().out
    assert "massgen 9.9.9" in out and "FAILED: docs/p.md:1: reference `StreamChunk` (class)" in out
