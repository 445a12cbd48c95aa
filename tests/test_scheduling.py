"""tests/scheduling.py: which unit a test belongs to, the order units start in, and its two checks (a worker that
keeps MassGen out refuses to import it; a test requesting `massgen_imported` must be listed), each made to fail
in a throwaway pytest project."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests import scheduling

ROOT = Path(__file__).resolve().parent.parent


def test_units() -> None:
    assert scheduling.unit_of("docs/phases/hooks.md::line 12") == scheduling.MASSGEN_UNIT
    assert scheduling.unit_of("tests/test_examples/test_faults.py::test_fault[stall-nimbus]") == scheduling.MASSGEN_UNIT
    assert scheduling.unit_of("tests/test_browser.py::test_diagrams_render_as_svg") == "tests/test_browser.py"
    assert scheduling.unit_of("tests/test_hermetic.py::test_connect_to_another_address_is_refused") == \
        "tests/test_hermetic.py"
    assert scheduling.unit_of("tests/test_hermetic.py::test_massgen_price_lookup_does_not_reach_the_network") == \
        scheduling.MASSGEN_UNIT
    # the scaffolder's modules share one session-scoped MassGen copy: one unit
    assert {scheduling.unit_of(f"tests/test_scaffold/{m}.py::t") for m in ("test_bad_input", "test_kinds")} == \
        {"tests/test_scaffold/test_kinds.py"}


def test_order_puts_the_browser_pass_first_then_the_listed_units_then_the_rest() -> None:
    units = ["tests/test_checklist.py", scheduling.MASSGEN_UNIT, "tests/test_browser.py", "tests/test_agents.py"]
    assert sorted(units, key=scheduling._priority) == [
        "tests/test_browser.py", scheduling.MASSGEN_UNIT, "tests/test_agents.py", "tests/test_checklist.py"]


def run_pytest(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    env["PYTHONPATH"] = str(ROOT)
    cmd = [sys.executable, "-m", "pytest", "-p", "tests.scheduling", "-p", "no:cacheprovider",
           "-p", "no:langsmith_plugin", "-p", "no:textual-snapshot", "-p", "no:syrupy", "-q", *args]
    # (a temp folder of its own: a session in the shared numbered folders deletes older sessions' folders on exit)
    cmd += ["--basetemp", str(project / ".inner-tmp")]
    return subprocess.run(cmd, cwd=project, capture_output=True, text=True, env=env, timeout=120)


def test_a_worker_refuses_massgen_to_an_unlisted_test(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "test_light.py").write_text(
        "import importlib.util\n\n\n"
        "def test_finding_the_package_is_allowed():\n"
        "    assert importlib.util.find_spec('massgen') is not None\n\n\n"
        "def test_importing_it_is_not():\n"
        "    import massgen.backend.base  # noqa: F401\n")
    result = run_pytest(tmp_path, "-n", "1", "-rf")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "1 failed, 1 passed" in output, output
    assert ("ImportError: tests/scheduling.py: test_light.py::test_importing_it_is_not imports MassGen, but it is "
            "not listed in NEEDS_MASSGEN, so it ran on a worker that keeps MassGen out (importing it costs "
            "seconds); add it to NEEDS_MASSGEN") in output, output


def test_an_unlisted_test_requesting_massgen_imported_stops_the_run(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "conftest.py").write_text(
        "import pytest\n\n\n@pytest.fixture\ndef massgen_imported():\n    return None\n")
    (tmp_path / "test_heavy.py").write_text("def test_needs_it(massgen_imported):\n    pass\n")
    result = run_pytest(tmp_path, "--collect-only")
    assert result.returncode == 4, result.stdout + result.stderr
    assert result.stderr.strip() == ("ERROR: tests/scheduling.py: these tests request `massgen_imported` but are not "
                                     "covered by NEEDS_MASSGEN: test_heavy.py::test_needs_it"), result.stderr
