"""For each kind: scaffold `acme` with --write into a git copy of the pinned MassGen, then prove it.

The audit passes; the diff only inserts lines; a second run changes nothing and says so per site; the scaffolded
tests, MassGen's own registry tests and MassGen's config validation pass on the copy (run by MassGen's interpreter
in a subprocess with PYTHONPATH at the copy, so this module never imports MassGen itself).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from massgen_guide.audit.auditor import run_audit, source_for
from massgen_guide.audit.results import MISSING, PASS

from .conftest import KINDS, PRICE, git, git_copy, run_new

EXPECTED = {
    # kind: (files created, files edited, points that must PASS)
    "openai-compatible": (3, 5, {"create-backend", "capabilities", "export", "listed-for-api-key-backends",
                                 "auth-env-var", "pricing", "tests", "example-configs", "config-validation"}),
    "custom-api": (5, 8, {"create-backend", "capabilities", "export", "listed-for-api-key-backends", "auth-env-var",
                          "pricing", "formatter", "api-params-handler", "formatter-export", "handler-export",
                          "excluded-params-test", "tests", "example-configs"}),
    "cli-wrapper": (4, 5, {"create-backend", "capabilities", "export", "pricing", "stateful-contract", "tests",
                           "streaming-buffer", "example-configs"}),
    "sdk-wrapper": (4, 4, {"create-backend", "capabilities", "export", "pricing", "stateful-contract", "tests",
                           "example-configs"}),
}
MASSGEN_TESTS = ("test_backend_capabilities.py", "test_api_params_exclusion.py", "test_config_validator.py",
                 "test_excluded_params_single_source.py")
CONFIG_CHECK = '''
from pathlib import Path

from massgen.config_validator import ConfigValidator


def test_scaffolded_configs_are_valid():
    configs = sorted(Path({folder!r}).glob("*.yaml"))
    assert configs
    for config in configs:
        result = ConfigValidator().validate_config_file(str(config))
        assert not result.has_errors(), result.format_errors()
'''


def snapshot(root: Path) -> dict[str, str]:
    out = {}
    for path in sorted((root / "massgen").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            out[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


@pytest.fixture(scope="module")
def copies(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, Path, str, float]]:
    """kind -> (kind, root, output, seconds) after `new acme --kind KIND --price ... --write` into a fresh copy."""
    import contextlib
    import io

    from massgen_guide.cli import main

    out = {}
    for kind in KINDS:
        root = git_copy(tmp_path_factory.mktemp(kind), python_only=False)
        stdout, stderr = io.StringIO(), io.StringIO()
        start = time.perf_counter()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = main(["new", "acme", "--kind", kind, "--massgen", str(root), "--price", PRICE, "--write"])
        assert code == 0, stderr.getvalue()
        out[kind] = (kind, root, stdout.getvalue(), time.perf_counter() - start)
    return out


@pytest.fixture(params=KINDS)
def scaffolded(request: pytest.FixtureRequest, copies):
    return copies[request.param]


def test_write_reports_every_site_and_the_next_command(scaffolded) -> None:
    kind, root, out, elapsed = scaffolded
    created, edited, _ = EXPECTED[kind]
    assert f"Files created: {created}: massgen/backend/acme.py" in out
    assert f"Files edited: {edited}: massgen/backend/__init__.py" in out
    assert f"Next: massgen-guide audit acme --massgen {root}\n" in out
    assert "already there" not in out
    assert '  added         create_backend branch "acme" (massgen/cli/backends.py)' in out
    assert elapsed < 10


def test_audit_passes(scaffolded) -> None:
    kind, root, _, _ = scaffolded
    run = run_audit(source_for(str(root)), "acme")
    [report] = run.reports
    assert run.exit_code == 0, [(r.point.id, r.detail) for r in report.failures]
    status = {r.point.id: r.status for r in report.results}
    assert {p: status[p] for p in EXPECTED[kind][2]} == {p: PASS for p in EXPECTED[kind][2]}
    assert not [r.point.id for r in report.results if r.status == MISSING and not r.point.advisory]
    if kind in ("openai-compatible", "custom-api"):
        assert status["listed-for-api-key-backends"] == PASS


def test_the_diff_only_inserts_lines(scaffolded) -> None:
    kind, root, _, _ = scaffolded
    numstat = [line.split("\t") for line in git(root, "diff", "--numstat").splitlines()]
    deleted = {path: int(d) for _a, d, path in numstat if d != "0"}
    # the exceptions: containers written on one line gain the element on that line (formatter/__init__.py's
    # __all__; the filesystem manager's two sets of workspace folder names)
    expected = {"custom-api": {"massgen/formatter/__init__.py": 1},
                "cli-wrapper": {"massgen/filesystem_manager/_filesystem_manager.py": 2}}
    assert deleted == expected.get(kind, {})


def test_second_run_changes_nothing_and_says_so(scaffolded, capsys) -> None:
    kind, root, _, _ = scaffolded
    before = snapshot(root)
    result = run_new(capsys, "acme", "--kind", kind, "--massgen", str(root), "--price", PRICE, "--write")
    assert result.code == 0, result.err
    sites = [line for line in result.out.splitlines() if line.startswith("  ")]
    assert sites and all(line.startswith("  already there ") for line in sites), result.out
    assert f"Nothing to do: acme is already scaffolded in {root}." in result.out
    assert snapshot(root) == before


def test_dry_run_prints_the_diff_and_writes_nothing(scaffolded, capsys, tmp_path) -> None:
    kind, root, _, _ = scaffolded
    before = snapshot(root)
    result = run_new(capsys, "zeta", "--kind", kind, "--massgen", str(root))
    assert result.code == 0, result.err
    assert "+++ b/massgen/backend/zeta.py" in result.out and "\nDry run: nothing written. Sites:\n" in result.out
    assert snapshot(root) == before


def test_scaffolded_and_massgen_registry_tests_pass_on_every_copy(copies, tmp_path) -> None:
    """MassGen's interpreter, PYTHONPATH at each copy: the scaffolded tests, MassGen's registry tests, its
    config validation of the scaffolded configs and (openai-compatible) a real two-agent orchestrator run (one subprocess for the four copies, see massgen_runner.py)."""
    args = []
    for kind, root, _, _ in copies.values():
        check = tmp_path / f"test_config_{kind.replace('-', '_')}.py"
        check.write_text(CONFIG_CHECK.format(folder=str(root / "massgen/configs/providers/acme")))
        tests = [str(root / "massgen/tests/test_acme.py"), *(str(root / "massgen/tests" / t) for t in MASSGEN_TESTS),
                 str(check)]
        if kind == "openai-compatible":  # a real multi-agent run on the new backend (see orchestrator_check.py)
            run = tmp_path / "test_orchestrator_acme.py"  # outside this repository: no conftest of ours applies
            run.write_text(Path(__file__).with_name("orchestrator_check.py").read_text(encoding="utf-8"))
            tests.append(str(run))
        args.append(f"{root}::{','.join(tests)}")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "MASSGEN_SOURCE"))}
    env.pop("PYTHONPATH", None)
    timings = tmp_path / "timings.txt"
    env["SCAFFOLD_TIMINGS"] = str(timings)
    done = subprocess.run([sys.executable, str(Path(__file__).with_name("massgen_runner.py")), *args],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900)
    results = [line.split() for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert [(Path(root).name, code) for _, root, code in results] == \
        [(root.name, "0") for _, root, _, _ in copies.values()], done.stdout[-6000:] + done.stderr[-2000:]
    assert "::test_two_agents_answer_vote_and_agree" in done.stdout  # its line in the -rp summary
    orchestrator = float(timings.read_text().split()[-1])
    assert orchestrator < 60
