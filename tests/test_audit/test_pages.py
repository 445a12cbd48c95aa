"""The checklist pages are generated from checklist.yaml and the audit of the pinned MassGen."""

from __future__ import annotations

import re
from pathlib import Path

from massgen_guide import md_text
from massgen_guide.facts.checklist import load_checklist
from massgen_guide.site.directives import DirectiveCall, registered_generators

ROOT = Path(__file__).resolve().parents[2]


def generate(name: str, page: str, **args: str) -> str:
    return registered_generators()[name](DirectiveCall(name, dict(args), page, 1))


def test_pages_use_the_directives() -> None:
    assert "<!-- guide:checklist -->" in (ROOT / "docs/checklist.md").read_text()
    assert "<!-- guide:file-summary -->" in (ROOT / "docs/reference/file-summary.md").read_text()
    assert "<!-- guide:coverage-matrix -->" in (ROOT / "docs/reference/coverage.md").read_text()
    audit_page = (ROOT / "docs/audit.md").read_text()
    assert "<!-- guide:audit-example backend=codex format=markdown -->" in audit_page
    assert "<!-- guide:audit-example backend=claude format=text -->" in audit_page


def test_checklist_is_a_task_list_with_every_point_linked() -> None:
    text = generate("checklist", "checklist.md")
    points = load_checklist().points
    tasks = [line for line in text.splitlines() if line.startswith("- [ ] ")]
    assert len(tasks) == len(points)
    for point, task in zip(points, tasks):
        assert f"Audit point `{point.id}`" in task
        assert f"[How to do it]({point.page_target()})" in task
        assert ("(**required**)" in task) == point.required
        if not point.required:
            assert md_text.text(point.condition.text) in task  # escaped for Markdown (`_private` names)


def test_file_summary_lists_every_file_with_relative_links() -> None:
    text = generate("file-summary", "reference/file-summary.md")
    for path, points in load_checklist().summary_files():
        row = next(line for line in text.splitlines() if f"| `{path}` |" in line)
        for p in points:
            assert f"`{p.id}`" in row
            assert f"(../{p.page_target()})" in row


def test_coverage_matrix_cells_link_to_evidence_and_guide() -> None:
    text = generate("coverage-matrix", "reference/coverage.md")
    checklist = load_checklist()
    row = next(line for line in text.splitlines() if "<th scope=\"row\"><code>claude</code></th>" in line)
    cells = re.findall(r'<td class="[^"]*guide-cell[^"]*">.*?</td>', row)
    assert len(cells) == len(checklist.points)
    # the first cell: backend-module passes, with evidence on GitHub at the version tag and a link to its page
    assert "guide-cell--pass" in cells[0]
    assert 'title="claude × backend-module: pass (massgen/backend/claude.py:55)"' in cells[0]
    assert ('<a href="https://github.com/massgen/MassGen/blob/v0.1.97/massgen/backend/claude.py#L55">'
            "<code>massgen/backend/claude.py:55</code></a>") in cells[0]
    assert '<a href="../../phases/backend-class/">How: Write the backend class in its own module</a>' in cells[0]
    rows = re.findall(r'<tr class="guide-matrix-row--(?:missing|complete)"><th scope="row">', text)
    assert len(rows) == 28
    assert f"**28 backend types** × **{len(checklist.points)} points**" in text
    # every phase with points heads a group of columns; every point has a column header naming it
    for phase, points in checklist.by_phase():
        if points:
            assert f'colspan="{len(points)}" scope="colgroup" title="{phase.label}"' in text
    for point in checklist.points:
        assert f"<span>{point.id}</span>" in text
    assert '<input type="checkbox" class="guide-matrix-only-missing">' in text
    assert "- **`antigravity_cli`**" in text  # the findings list


def test_audit_examples_are_real_output() -> None:
    md = generate("audit-example", "audit.md", backend="codex", format="markdown")
    assert md.startswith("**Audit of `codex`** in MassGen 0.1.97 (class `CodexBackend`)")
    assert "| missing (required) | `pricing`:" in md
    assert "[guide](phases/pricing-and-excluded-params.md)" in md
    text = generate("audit-example", "audit.md", backend="claude", format="text")
    assert text.startswith('<pre class="guide-output"><code>audit of backend type &#x27;claude&#x27;')
    assert "/work/" not in text and ".venv" not in text  # no build-machine paths on the site
    js = generate("audit-example", "audit.md", backend="claude_code", format="json", results="2")
    assert "&quot;backend_type&quot;: &quot;claude_code&quot;" in js


def test_guide_url_is_the_site_url(monkeypatch) -> None:
    """The audit's links point at the published site (mkdocs.yml's site_url); MASSGEN_GUIDE_URL overrides it."""
    from massgen_guide.audit.results import page_url
    from massgen_guide.site_urls import OVERRIDE_SETTING, site_url

    point = load_checklist().point("export")
    monkeypatch.delenv(OVERRIDE_SETTING, raising=False)
    assert page_url(point) == site_url() + "phases/registration/"
    monkeypatch.setenv(OVERRIDE_SETTING, "http://127.0.0.1:8000")
    assert page_url(point) == "http://127.0.0.1:8000/phases/registration/"


def test_the_agent_framework_fact_is_stated_once_from_data() -> None:
    """The registration and testing pages render the same checklist point, so they cannot disagree."""
    from massgen_guide.facts.checklist import load_checklist as load

    point = next(p for p in load().points if p.id == "agent-framework-backends")
    for page in ("phases/registration.md", "phases/testing.md"):
        source = (ROOT / "docs" / page).read_text()
        assert "<!-- guide:checklist-point id=agent-framework-backends -->" in source
        assert "needs no change" not in source
    text = generate("checklist-point", "phases/testing.md", id="agent-framework-backends")
    assert point.note in text and "fails" in point.note
    assert text.startswith('!!! note "Checklist: List a CLI or SDK wrapper in AGENT_FRAMEWORK_BACKENDS')
