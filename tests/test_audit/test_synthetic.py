"""The audit on a synthetic MassGen checkout with known gaps: each gap is found, nothing else is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from massgen_guide.audit.results import CANNOT_CHECK, MISSING, NOT_APPLICABLE, PASS
from massgen_guide.audit.auditor import run_audit, source_for
from massgen_guide.facts.checklist import load_checklist
from massgen_guide.site_urls import site_url

from .conftest import run_cli, synthetic_files, tree_hash, write_tree

POINT_IDS = {p.id for p in load_checklist().points}


def audit(tree: Path, backend_type: str | None, all_types: bool = False):
    return run_audit(source_for(str(tree)), backend_type, all_types=all_types)


def statuses(report) -> dict[str, str]:
    return {r.point.id: r.status for r in report.results}


def failures(report) -> set[str]:
    return {r.point.id for r in report.failures}


@pytest.mark.parametrize("backend_type, expected", [
    ("good", set()),
    ("unexported", {"export"}),
    ("nocaps", {"capabilities", "config-validation", "auth-env-var"}),
    ("nofactory", {"create-backend"}),
    ("noconfig", {"example-configs"}),
    ("nativecli", {"native-tool-mixin"}),
])
def test_each_gap_is_found_and_nothing_else(fake_massgen: Path, backend_type: str, expected: set[str]) -> None:
    run = audit(fake_massgen, backend_type)
    (report,) = run.reports
    assert failures(report) == expected
    assert run.exit_code == (1 if expected else 0)
    # every point is reported, exactly once
    assert [r.point.id for r in report.results] == [p.id for p in load_checklist().points]
    # a checkout has docs/ and scripts/: nothing is "cannot check"
    assert CANNOT_CHECK not in statuses(report).values()


def test_findings_carry_the_evidence(fake_massgen: Path) -> None:
    (report,) = audit(fake_massgen, "unexported").reports
    export = next(r for r in report.results if r.point.id == "export")
    assert export.detail == "UnexportedBackend: not imported and not in __all__ in massgen/backend/__init__.py"
    create = next(r for r in report.results if r.point.id == "create-backend")
    text = (fake_massgen / "massgen/cli/backends.py").read_text().splitlines()
    line = next(i for i, l in enumerate(text, 1) if 'backend_type == "unexported"' in l)
    assert [str(e) for e in create.evidence] == [f'massgen/cli/backends.py:{line} (branch "unexported" builds UnexportedBackend)']

    (report,) = audit(fake_massgen, "nofactory").reports
    create = next(r for r in report.results if r.point.id == "create-backend")
    assert create.detail == 'create_backend has no branch for "nofactory" (it raises "Unsupported backend type")'
    # the class is still found from the module named after the type
    assert statuses(report)["backend-module"] == PASS

    (report,) = audit(fake_massgen, "nativecli").reports
    mixin = next(r for r in report.results if r.point.id == "native-tool-mixin")
    assert mixin.status == MISSING and mixin.required
    assert mixin.detail.startswith("NativeCliBackend does not inherit NativeToolBackendMixin")
    assert 'capabilities filesystem_support is "native"' in mixin.detail
    # API-only points do not apply to a CLI wrapper
    assert statuses(report)["formatter"] == NOT_APPLICABLE
    assert statuses(report)["sandbox-test-script"] == PASS
    assert statuses(report)["hook-test-script"] == NOT_APPLICABLE


def test_all_lists_registered_types(fake_massgen: Path) -> None:
    run = audit(fake_massgen, None, all_types=True)
    # create_backend branches plus BACKEND_CAPABILITIES keys
    assert [r.backend_type for r in run.reports] == ["good", "nativecli", "nocaps", "noconfig", "nofactory", "unexported"]
    assert run.exit_code == 1
    assert {r.backend_type for r in run.reports if not r.failures} == {"good"}


def test_cli_exit_codes_and_formats(fake_massgen: Path) -> None:
    before = tree_hash(fake_massgen)
    ok = run_cli("good", "--massgen", str(fake_massgen))
    assert ok.returncode == 0, ok.stderr
    assert ok.stderr == ""
    assert "summary: 28 pass, 0 missing, 13 not applicable, 0 cannot check; 0 required point(s) missing" in ok.stdout
    gap = run_cli("noconfig", "--massgen", str(fake_massgen), "--format", "json")
    assert gap.returncode == 1, gap.stderr
    data = json.loads(gap.stdout)
    assert data["exit_code"] == 1
    assert data["backends"][0]["missing_required"] == ["example-configs"]
    result = next(r for r in data["backends"][0]["results"] if r["id"] == "example-configs")
    assert result["url"] == site_url() + "phases/configs-and-docs/"
    assert result["detail"] == "no YAML under massgen/configs/ uses type: noconfig"
    md = run_cli("--all", "--massgen", str(fake_massgen), "--format", "markdown")
    assert md.returncode == 1
    assert md.stdout.splitlines()[2].startswith("| `good` | + | + |")
    assert tree_hash(fake_massgen) == before, "the audit modified the tree"


def test_syntax_error_is_reported_and_the_rest_goes_on(fake_massgen: Path) -> None:
    (fake_massgen / "massgen/backend/nofactory.py").write_text("class NoFactoryBackend(:\n", encoding="utf-8")
    result = run_cli("good", "--massgen", str(fake_massgen))
    assert result.returncode == 0
    assert result.stderr.strip().splitlines() == [
        "massgen-guide: warning: massgen/backend/nofactory.py:1: syntax error (invalid syntax); "
        "points that read it cannot be checked"]
    assert "Traceback" not in result.stderr
    # the broken backend itself: its class-based points cannot be checked, the registry points still can
    (report,) = audit(fake_massgen, "nofactory").reports
    st = statuses(report)
    assert st["backend-module"] == CANNOT_CHECK
    assert st["required-methods"] == CANNOT_CHECK
    assert st["capabilities"] == PASS
    assert st["create-backend"] == MISSING


def test_installed_package_layout_cannot_check_repo_points(tmp_path: Path) -> None:
    """A bare `massgen` package (no docs/ or scripts/ beside it) reports the repository points as cannot check."""
    files = {k: v for k, v in synthetic_files().items() if k.startswith("massgen/")}
    write_tree(tmp_path / "site-packages", files)
    (report,) = audit(tmp_path / "site-packages" / "massgen", "good").reports
    st = statuses(report)
    for pid in ("schema-docs", "user-guide-docs", "backend-tables", "hook-test-script"):
        assert st[pid] == CANNOT_CHECK, pid
    assert not report.failures


def test_older_layout_two_exclusion_lists(fake_massgen: Path) -> None:
    """Before massgen/backend/_excluded_params.py existed, the two lists had to be kept in sync by hand."""
    (fake_massgen / "massgen/backend/_excluded_params.py").unlink()
    base = fake_massgen / "massgen/backend/base.py"
    base.write_text(base.read_text().replace("from ._excluded_params import BASE_EXCLUDED_CONFIG_PARAMS\n", "")
                    .replace("return set(BASE_EXCLUDED_CONFIG_PARAMS)", 'return {"cwd", "type", "agent_id"}'))
    handler = fake_massgen / "massgen/api_params_handler/_api_params_handler_base.py"
    handler.write_text(handler.read_text().replace("from ..backend._excluded_params import BASE_EXCLUDED_CONFIG_PARAMS\n", "")
                       .replace('set(BASE_EXCLUDED_CONFIG_PARAMS) | {"upload_files"}', '{"cwd", "type", "upload_files"}'))
    (report,) = audit(fake_massgen, "good").reports
    shared = next(r for r in report.results if r.point.id == "excluded-params-shared")
    assert shared.status == MISSING
    assert shared.detail == "the two exclusion lists differ: agent_id"


HOOK_METHODS = """
    def supports_mcp_server_hooks(self) -> bool:
        return True

    def get_hook_dir(self):
        return self.cwd / ".nativecli"

    def write_post_tool_use_hook(self, content, tool_matcher="*", ttl_seconds=30.0):
        pass

    def read_unconsumed_hook_content(self):
        return None

    def clear_hook_files(self):
        pass
"""
ADAPTER_LINE = '        self._init_native_hook_adapter("massgen.mcp_tools.native_hook_adapters.NativeCliAdapter")\n'


def test_hookless_cli_on_the_mcp_server_route_needs_no_adapter(fake_massgen: Path) -> None:
    """A CLI that cannot run hooks declares supports_mcp_server_hooks and loads no adapter: the adapter point is
    not applicable (an adapter would move it off that route), and the route's file methods are required."""
    path = fake_massgen / "massgen/backend/nativecli.py"
    path.write_text(path.read_text().replace(ADAPTER_LINE, "") + HOOK_METHODS.split("    def get_hook_dir")[0])
    (report,) = audit(fake_massgen, "nativecli").reports
    adapter = next(r for r in report.results if r.point.id == "native-hook-adapter")
    assert adapter.status == NOT_APPLICABLE
    assert adapter.detail.startswith("a hookless tool on the MCP-server hook route (supports_mcp_server_hooks returns "
                                     "True (massgen/backend/nativecli.py:")
    route = next(r for r in report.results if r.point.id == "mcp-server-hooks")
    assert (route.status, route.required) == (MISSING, True)
    assert route.detail.startswith("NativeCliBackend does not define get_hook_dir, write_post_tool_use_hook, "
                                   "read_unconsumed_hook_content, clear_hook_files; supports_mcp_server_hooks returns True")
    path.write_text(path.read_text() + "\n    def get_hook_dir" + HOOK_METHODS.split("    def get_hook_dir")[1])
    (report,) = audit(fake_massgen, "nativecli").reports
    assert statuses(report)["mcp-server-hooks"] == PASS


def test_native_tools_without_any_hook_route(fake_massgen: Path) -> None:
    """Neither an adapter nor the MCP-server route: no MassGen hook fires, so the adapter point applies."""
    path = fake_massgen / "massgen/backend/nativecli.py"
    path.write_text(path.read_text().replace(ADAPTER_LINE, "        # no _init_native_hook_adapter here\n"))
    (report,) = audit(fake_massgen, "nativecli").reports
    adapter = next(r for r in report.results if r.point.id == "native-hook-adapter")
    assert (adapter.status, adapter.required) == (MISSING, True)
    assert adapter.detail == (
        "NativeCliBackend never calls _init_native_hook_adapter; native tools and no hook route: without an "
        "adapter, or supports_mcp_server_hooks for a tool that cannot run hooks, no MassGen hook fires")
    assert statuses(report)["mcp-server-hooks"] == NOT_APPLICABLE


def test_agent_framework_set_and_the_test_that_pins_it(fake_massgen: Path) -> None:
    """A wrapper in AGENT_FRAMEWORK_BACKENDS passes while no test pins the set; once MassGen's capabilities test
    asserts the exact set, a wrapper missing from the test's expected set fails, naming the line."""
    (report,) = audit(fake_massgen, "nativecli").reports
    point = next(r for r in report.results if r.point.id == "agent-framework-backends")
    assert point.status == PASS
    assert point.detail.startswith("massgen/tests/test_backend_capabilities.py does not pin the set")
    (fake_massgen / "massgen/tests/test_backend_capabilities.py").write_text(
        "from massgen.backend.capabilities import AGENT_FRAMEWORK_BACKENDS\n\n\n"
        "def test_all_agent_framework_backends():\n"
        '    """AGENT_FRAMEWORK_BACKENDS == {\\"nativecli\\"} is only a docstring."""\n'
        '    expected_frameworks = {"other_cli"}\n'
        "    assert AGENT_FRAMEWORK_BACKENDS == expected_frameworks\n")
    (report,) = audit(fake_massgen, "nativecli").reports
    point = next(r for r in report.results if r.point.id == "agent-framework-backends")
    # recommended for a wrapper: a miss is reported, not required (only MassGen's setup screens read the set)
    assert (point.status, point.required) == (MISSING, False)
    assert point.detail.startswith("nativecli: not in the set massgen/tests/test_backend_capabilities.py:7 pins "
                                   "AGENT_FRAMEWORK_BACKENDS to; a CLI or SDK wrapper (")
    caps = fake_massgen / "massgen/backend/capabilities.py"
    caps.write_text(caps.read_text().replace('frozenset({"nativecli"})', "frozenset()"))
    (report,) = audit(fake_massgen, "nativecli").reports
    point = next(r for r in report.results if r.point.id == "agent-framework-backends")
    assert point.detail.startswith("nativecli: not in AGENT_FRAMEWORK_BACKENDS (massgen/backend/capabilities.py) "
                                   "and not in the set")
    assert statuses(report)["agent-framework-backends"] == MISSING


def _provider_constant(tree: Path, binding: str) -> None:
    """good's get_provider_name returns a module-level name; PROVIDER_PRICING is keyed "Quill", not "Good" (the
    capabilities provider_name), so only reading the constant finds the prices."""
    backend = tree / "massgen/backend/good.py"
    text = backend.read_text(encoding="utf-8").replace('        return "Good"\n', "        return PROVIDER\n")
    backend.write_text(text.replace("\n\nclass GoodBackend", f"\n{binding}\n\n\nclass GoodBackend"), encoding="utf-8")
    prices = tree / "massgen/token_manager/token_manager.py"
    prices.write_text(prices.read_text(encoding="utf-8").replace('"Good": {', '"Quill": {'), encoding="utf-8")


def test_pricing_reads_a_provider_name_returned_as_a_module_constant(fake_massgen: Path) -> None:
    _provider_constant(fake_massgen, 'PROVIDER = "Quill"')
    (report,) = audit(fake_massgen, "good").reports
    pricing = next(r for r in report.results if r.point.id == "pricing")
    line = (fake_massgen / "massgen/backend/good.py").read_text().splitlines().index('PROVIDER = "Quill"') + 1
    prices = (fake_massgen / "massgen/token_manager/token_manager.py").read_text().splitlines()
    price_line = next(i for i, text in enumerate(prices, 1) if '"Quill": {' in text)
    assert (pricing.status, [str(e) for e in pricing.evidence]) == (PASS, [
        f"massgen/backend/good.py:{line} (get_provider_name returns PROVIDER = 'Quill')",
        f'massgen/token_manager/token_manager.py:{price_line} (PROVIDER_PRICING["Quill"])'])


def test_pricing_does_not_guess_a_constant_that_is_not_one_string(fake_massgen: Path) -> None:
    _provider_constant(fake_massgen, 'PROVIDER = "Quill"\nPROVIDER = PROVIDER.upper()')
    (report,) = audit(fake_massgen, "good").reports
    pricing = next(r for r in report.results if r.point.id == "pricing")
    line = (fake_massgen / "massgen/backend/good.py").read_text().splitlines().index(
        "    def get_provider_name(self) -> str:") + 1
    assert (pricing.status, pricing.detail.split("; ")[0]) == (
        CANNOT_CHECK, f"the provider name cannot be read statically: GoodBackend.get_provider_name "
        f"(massgen/backend/good.py:{line}) returns several names or computes one")


PIN = "from massgen.backend.capabilities import AGENT_FRAMEWORK_BACKENDS\n\n\n"


@pytest.mark.parametrize("body, values", [
    # the name is resolved to its latest assignment above the assert, inside a block or not
    ("def test_a():\n    with x:\n        expected = {'a'}\n        assert AGENT_FRAMEWORK_BACKENDS == expected\n"
     "    expected = {'zz'}\n", {"a"}),
    ("def test_a():\n    expected = {'old'}\n    expected = {'a', 'b'}\n    assert expected == AGENT_FRAMEWORK_BACKENDS\n",
     {"a", "b"}),
    ("def test_a():\n    expected: set[str] = {'a'}\n    assert AGENT_FRAMEWORK_BACKENDS == expected\n", {"a"}),
    ("def test_a():\n    assert AGENT_FRAMEWORK_BACKENDS == frozenset({'a', 'c'})\n", {"a", "c"}),
])
def test_the_pinned_set_is_found_in_each_shape(body: str, values: set[str]) -> None:
    import ast

    from massgen_guide.audit.registry_checks import framework_pin_in

    pin = framework_pin_in(ast.parse(PIN + body))
    assert pin is not None and pin.values == values and pin.literal is not None
    assert {n.value for n in pin.literal.elts} == values


def test_no_pin_and_a_pin_that_is_not_a_literal() -> None:
    import ast

    from massgen_guide.audit.registry_checks import framework_pin_in

    assert framework_pin_in(ast.parse(PIN + "def test_a():\n    assert AGENT_FRAMEWORK_BACKENDS >= {'a'}\n")) is None
    pin = framework_pin_in(ast.parse(PIN + "def test_a():\n    assert AGENT_FRAMEWORK_BACKENDS == load()\n"))
    assert pin is not None and pin.literal is None and pin.values == set()
