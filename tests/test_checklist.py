"""The checklist data: complete, consistent with the site and the audit, and bad data refused with a clear line."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from massgen_guide.audit import auditor as audit
from massgen_guide.errors import GuideError
from massgen_guide.facts.checklist import CHECK_KINDS, CONDITION_KINDS, DATA_FILE, load_checklist, parse_checklist
from massgen_guide.source.selection import current_source

ROOT = Path(__file__).resolve().parent.parent
RAW = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))

# The file summary of a backend integration, as verified in MassGen 0.1.97's source (see checklist.yaml notes).
EXPECTED_FILES = {
    "massgen/backend/<name>.py",
    "massgen/formatter/_<name>_formatter.py",
    "massgen/api_params_handler/_<name>_api_params_handler.py",
    "massgen/backend/__init__.py",
    "massgen/cli/backends.py",
    "massgen/backend/capabilities.py",
    "massgen/config_validator.py",
    "massgen/token_manager/token_manager.py",
    "massgen/backend/_excluded_params.py",
    "massgen/backend/base.py",
    "massgen/tests/test_<name>*.py",
    "massgen/configs/providers/<family>/",
    "docs/source/reference/yaml_schema.rst",
    "docs/source/user_guide/backends.rst",
    "docs/scripts/generate_backend_tables.py",
    "massgen/backend/native_tool_mixin.py",
    "massgen/mcp_tools/native_hook_adapters/<name>_adapter.py",
    "scripts/test_hook_backends.py",
    "scripts/test_native_tools_sandbox.py",
    "massgen/formatter/__init__.py",
    "massgen/api_params_handler/__init__.py",
    "massgen/tests/test_api_params_exclusion.py",
}
CONDITIONAL_POINTS = {"streaming-buffer", "native-tool-mixin", "disallowed-tools", "tool-category-overrides",
                      "native-hook-adapter", "multimodal-tools", "docker-network-mode", "hook-test-script",
                      "sandbox-test-script", "formatter-export", "handler-export", "excluded-params-test",
                      "listed-for-api-key-backends", "listed-for-chat-completions-providers",
                      "listed-for-multimodal-tools", "mcp-server-hooks", "agent-framework-backends"}


def nav_pages() -> set[str]:
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    pages: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, str):
            pages.add(node)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)

    walk(config["nav"])
    return pages


def test_every_point_names_a_page_in_the_nav() -> None:
    pages = nav_pages()
    for point in load_checklist().points:
        assert (ROOT / "docs" / point.page).is_file(), point.id
        assert point.page in pages, f"{point.id}: {point.page} is not in mkdocs.yml nav"


def test_every_file_summary_file_appears() -> None:
    files = {path for path, _ in load_checklist().summary_files()}
    assert files == EXPECTED_FILES


def test_the_conditional_points_are_there_and_conditional() -> None:
    checklist = load_checklist()
    ids = {p.id for p in checklist.points}
    assert CONDITIONAL_POINTS <= ids
    for pid in CONDITIONAL_POINTS:
        assert not checklist.point(pid).required, pid
        assert checklist.point(pid).condition is not None


def test_the_massgen_paths_exist_in_the_pinned_massgen() -> None:
    """Every concrete massgen/ path of the checklist (no placeholder) exists in the installed MassGen."""
    source = current_source()
    for point in load_checklist().points:
        if point.file.startswith("massgen/") and "<" not in point.file:
            assert source.path_of(point.file.rstrip("/")).exists(), f"{point.id}: {point.file}"


def test_every_kind_is_implemented_and_used() -> None:
    assert set(CHECK_KINDS) == set(audit.CHECKS)
    assert set(CONDITION_KINDS) == set(audit.CONDITIONS)
    points = load_checklist().points
    assert {p.check.kind for p in points} == set(CHECK_KINDS)
    assert {p.condition.check.kind for p in points if p.condition and p.condition.check} == set(CONDITION_KINDS)


def test_counts() -> None:
    points = load_checklist().points
    assert len(points) == 41
    assert sum(p.required for p in points) == 13
    assert sum(p.advisory for p in points) == 10


def bad(mutate) -> str:
    data = copy.deepcopy(RAW)
    mutate(data)
    with pytest.raises(GuideError) as info:
        parse_checklist(data, DATA_FILE)
    return str(info.value)


def point(data, pid):
    return next(p for p in data["points"] if p["id"] == pid)


def test_bad_data_names_the_file_and_the_point() -> None:
    assert bad(lambda d: point(d, "export").update(phase="nowhere")) == "checklist.yaml: point 'export': unknown phase 'nowhere'"
    assert bad(lambda d: point(d, "export").update(page="phases/missing.md")) == \
        "checklist.yaml: point 'export': page 'phases/missing.md' does not exist under docs/"
    assert bad(lambda d: point(d, "export").update(check={"kind": "guess"})).startswith(
        "checklist.yaml: point 'export': unknown check kind 'guess' (known: ")
    assert bad(lambda d: point(d, "export").pop("title")) == "checklist.yaml: point 'export': missing 'title'"
    assert bad(lambda d: d["points"].append(copy.deepcopy(point(d, "export")))) == \
        "checklist.yaml: point 'export': duplicate id"
    assert bad(lambda d: point(d, "pricing").update(required=True)) == \
        "checklist.yaml: point 'pricing': a point is either required or has a condition, not both"
    assert bad(lambda d: point(d, "export").update(required=False)) == \
        "checklist.yaml: point 'export': needs 'required: true' or a 'condition'"
    assert bad(lambda d: point(d, "schema-docs").update(check={"kind": "repo_text"})) == \
        "checklist.yaml: point 'schema-docs': check kind 'repo_text' needs the parameter 'path'"
    assert bad(lambda d: point(d, "schema-docs").update(check={"kind": "repo_text", "path": "README.md"})) == \
        "checklist.yaml: point 'schema-docs': a repo_text check reads docs/ or scripts/ of a checkout, not 'README.md'"
    assert bad(lambda d: point(d, "formatter-export")["condition"].update(recommended="yes")) == \
        "checklist.yaml: point 'formatter-export': condition 'recommended' must be true or false"
    assert bad(lambda d: point(d, "pricing")["condition"].update(check={"kind": "sometimes"})).startswith(
        "checklist.yaml: point 'pricing': unknown condition check kind 'sometimes'")
    assert bad(lambda d: point(d, "export").update(colour="red")) == "checklist.yaml: point 'export': unknown key(s) colour"
    assert bad(lambda d: d.pop("phases")) == "checklist.yaml: phases: expected a non-empty list"
    assert bad(lambda d: d["points"].append(copy.deepcopy(point(d, "export")) | {"id": "late-export"})) == \
        "checklist.yaml: point 'late-export': phase 'registration' comes before 'hooks' in 'phases': keep the points in phase order"


def test_unreadable_and_invalid_yaml(tmp_path: Path) -> None:
    broken = tmp_path / "checklist.yaml"
    broken.write_text("points: [\n  - id: x\n", encoding="utf-8")
    with pytest.raises(GuideError) as info:
        load_checklist(broken)
    assert str(info.value).startswith("checklist.yaml:")
    assert "not valid YAML" in str(info.value)
    with pytest.raises(GuideError) as info:
        load_checklist(tmp_path / "absent.yaml")
    assert "cannot read the checklist" in str(info.value)


def repeated_phase_labels(labels: list[str]) -> list[str]:
    """Labels whose leading phase number ("1.1", "3-4") is used by another label too."""
    import re

    numbers = [m.group(0) if (m := re.match(r"\d+(?:\.\d+)?(?:-\d+(?:\.\d+)?)?", label)) else label for label in labels]
    return [label for label, number in zip(labels, numbers) if numbers.count(number) > 1]


def test_phase_labels_are_unique_in_the_nav_and_the_checklist() -> None:
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    section = next(item["Phases"] for item in config["nav"] if isinstance(item, dict) and "Phases" in item)
    nav_labels = [title for entry in section for title in entry]
    assert len(nav_labels) >= 10
    assert repeated_phase_labels(nav_labels) == []
    assert repeated_phase_labels([phase.number for phase in load_checklist().phases]) == []
    for entry in section:  # each phase page's heading carries its nav label
        for title, page in entry.items():
            heading = (ROOT / "docs" / page).read_text(encoding="utf-8").splitlines()[0]
            assert heading == f"# {title}", f"{page}: heading {heading!r}, nav label {title!r}"


def test_repeated_phase_labels_are_found() -> None:
    labels = ["1. The backend class", "1. Formatter and API params", "2. Registration", "3-4. Pricing",
              "6. Custom tools", "6. Workflow", "6.1 Other"]
    assert repeated_phase_labels(labels) == ["1. The backend class", "1. Formatter and API params",
                                             "6. Custom tools", "6. Workflow"]
