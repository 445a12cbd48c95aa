"""For each kind: scaffold `acme` with --write into a git copy of the pinned MassGen, then prove it.

The audit passes; the diff only inserts lines; a second run changes nothing and says so per site; the scaffolded
tests, MassGen's own registry tests and MassGen's config validation pass on the copy (run by MassGen's interpreter
in a subprocess with PYTHONPATH at the copy, so this module never imports MassGen itself).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from massgen_guide.audit.auditor import run_audit, source_for
from massgen_guide.audit.results import MISSING, PASS
from massgen_guide.scaffold.render import strip_markers
from massgen_guide.scaffold.spec import SNIPPETS, build_spec

from .conftest import KINDS, PRICE, git, linked_copy, run_new

EXPECTED = {
    # kind: (files created, files edited, points that must PASS)
    "openai-compatible": (3, 5, {"create-backend", "capabilities", "export", "listed-for-api-key-backends",
                                 "auth-env-var", "pricing", "tests", "example-configs", "config-validation"}),
    "custom-api": (5, 8, {"create-backend", "capabilities", "export", "listed-for-api-key-backends", "auth-env-var",
                          "pricing", "formatter", "api-params-handler", "formatter-export", "handler-export",
                          "excluded-params-test", "tests", "example-configs", "streaming-buffer"}),
    "cli-wrapper": (4, 6, {"create-backend", "capabilities", "export", "pricing", "stateful-contract", "tests",
                           "streaming-buffer", "example-configs", "agent-framework-backends"}),
    "sdk-wrapper": (4, 5, {"create-backend", "capabilities", "export", "pricing", "stateful-contract", "tests",
                           "streaming-buffer", "example-configs", "agent-framework-backends"}),
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


def new(*args: str) -> tuple[str, float]:
    """`massgen-guide new ARGS` in-process; (stdout, seconds); fails the test unless it exits 0."""
    import contextlib
    import io

    from massgen_guide.cli import main

    stdout, stderr = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(["new", *args])
    assert code == 0, stderr.getvalue()
    return stdout.getvalue(), time.perf_counter() - start


@pytest.fixture(scope="module")
def copies(tmp_path_factory: pytest.TempPathFactory, massgen_base: Path) -> dict[str, tuple[str, Path, str, float]]:
    """kind -> (kind, root, output, seconds) after `new acme --kind KIND --price ... --write` into a fresh copy."""
    out = {}
    for kind in KINDS:
        root = linked_copy(massgen_base, tmp_path_factory.mktemp(kind) / "MassGen")
        out[kind] = (kind, root, *new("acme", "--kind", kind, "--massgen", str(root), "--price", PRICE, "--write"))
    return out


# The MassGen-side checks run on ONE copy holding a backend of every kind and the four worked examples scaffolded
# under their own names (one MassGen import for all): type -> (kind, extra arguments, the fake's final answer).
HTTP_ANSWER = "The answer is 42."
BACKENDS = {
    "acme_openai": ("openai-compatible", (), HTTP_ANSWER),
    "acme_custom": ("custom-api", (), HTTP_ANSWER),
    "acme_cli": ("cli-wrapper", ("--env-var", "ACME_CLI_KEY"), "Four. (the fake CLI's answer)"),
    "acme_sdk": ("sdk-wrapper", (), "Four. (the fake SDK's answer)"),
    "skyline": ("openai-compatible", (), HTTP_ANSWER),
    "nimbus": ("custom-api", (), HTTP_ANSWER),
    "fake_cli": ("cli-wrapper", ("--provider-name", "Fake CLI"), "Four. (the fake CLI's answer)"),
    "fake_sdk": ("sdk-wrapper", ("--provider-name", "Fake SDK"), "Four. (the fake SDK's answer)"),
}
RUNS = {  # run id -> the two agents' backend types
    "acme_openai": ["acme_openai", "acme_openai"], "acme_custom": ["acme_custom", "acme_custom"],
    "acme_sdk": ["acme_sdk", "acme_sdk"], "skyline": ["skyline", "skyline"], "nimbus": ["nimbus", "nimbus"],
    "fake_sdk": ["fake_sdk", "fake_sdk"],
    # A CLI-wrapper turn starts two Python processes (the fake CLI, MassGen's workflow MCP server): one run with
    # an agent on each CLI-wrapper backend costs half of two runs.
    "acme_cli+fake_cli": ["acme_cli", "fake_cli"],
}
EXAMPLES = {"skyline": "openai_compatible_backend.py", "nimbus": "custom_api_backend.py",
            "fake_cli": "cli_wrapper_backend.py", "fake_sdk": "sdk_wrapper_backend.py"}


@pytest.fixture(scope="module")
def combined(tmp_path_factory: pytest.TempPathFactory, massgen_base: Path) -> Path:
    root = linked_copy(massgen_base, tmp_path_factory.mktemp("combined") / "MassGen")
    for name, (kind, extra, _) in BACKENDS.items():  # --force: the files the previous ones edited are uncommitted
        new(name, "--kind", kind, "--massgen", str(root), *extra, "--write", "--force")
    return root


@pytest.mark.parametrize("name", EXAMPLES)
def test_an_example_scaffolded_under_its_own_name_is_the_example(combined: Path, name: str) -> None:
    """The backend module written for an example's own name is the example file itself: section and annotation
    markers stripped, and only the kind's `rewrites:` (data/scaffold.yaml: the lines that differ inside MassGen,
    such as imports of sibling snippet files) applied."""
    kind_name, extra, _ = BACKENDS[name]
    spec = build_spec(name, kind_name, provider=extra[-1] if extra else None)
    expected = strip_markers((SNIPPETS / EXAMPLES[name]).read_text(encoding="utf-8"))
    for old, new_text in spec.kind.rewrites.items():  # (rewrites apply to every file of the kind)
        expected = expected.replace(old, spec.fill(new_text))
    written = (combined / f"massgen/backend/{name}.py").read_text(encoding="utf-8")
    assert written == expected


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
    # __all__; the filesystem manager's two sets of workspace folder names; the set the capabilities test pins
    # AGENT_FRAMEWORK_BACKENDS to)
    pinned = {"massgen/tests/test_backend_capabilities.py": 1}
    expected = {"custom-api": {"massgen/formatter/__init__.py": 1},
                "cli-wrapper": {"massgen/filesystem_manager/_filesystem_manager.py": 2, **pinned},
                "sdk-wrapper": pinned}
    assert deleted == expected.get(kind, {})


def test_second_run_changes_nothing_and_says_so(scaffolded, capsys) -> None:
    kind, root, _, _ = scaffolded
    before = snapshot(root)
    result = run_new(capsys, "acme", "--kind", kind, "--massgen", str(root), "--price", PRICE, "--write")
    assert result.code == 0, result.err
    block = result.out.partition("Sites:\n")[2].splitlines()
    sites = block[:next(i for i, line in enumerate(block) if not line.startswith("  "))]
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


def test_scaffolded_tests_massgen_registry_tests_and_orchestrator_runs_pass(combined: Path, tmp_path: Path) -> None:
    """MassGen's interpreter, PYTHONPATH at the combined copy, one subprocess: the eight scaffolded backends' own
    tests, MassGen's registry tests, its config validation of the scaffolded configs, and for each of the eight a
    real two-agent orchestrator run (orchestrator_check.py), one of them through MassGen's command line in
    automation mode. Nothing of MassGen is patched: the backends are registered by the scaffolded code."""
    check = tmp_path / "test_config_scaffolded.py"
    check.write_text(CONFIG_CHECK.format(folder=str(combined / "massgen/configs/providers")).replace(
        'glob("*.yaml")', 'glob("*/*.yaml")'))
    run = tmp_path / "test_orchestrator_scaffolded.py"  # outside this repository: no conftest of ours applies
    run.write_text(Path(__file__).with_name("orchestrator_check.py").read_text(encoding="utf-8"))
    tests = [*(str(combined / f"massgen/tests/test_{name}.py") for name in BACKENDS),
             *(str(combined / "massgen/tests" / t) for t in MASSGEN_TESTS), str(check), str(run)]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "MASSGEN_SOURCE"))}
    # the hermetic guard in every Python process of the proof, the collector off while they import
    env["PYTHONPATH"] = str(Path(__file__).with_name("proof_site"))
    timings = tmp_path / "timings.txt"
    env["SCAFFOLD_TIMINGS"] = str(timings)
    env["SCAFFOLD_ORCHESTRATOR"] = json.dumps(
        [{"id": run_id, "kind": BACKENDS[types[0]][0], "types": types, "answer": BACKENDS[types[0]][2]}
         for run_id, types in RUNS.items()])
    env["SCAFFOLD_AUTOMATION"] = "acme_openai"
    start = time.perf_counter()
    done = subprocess.run([sys.executable, str(Path(__file__).with_name("massgen_runner.py")),
                           f"{combined}::{','.join(tests)}"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=1800)
    elapsed = time.perf_counter() - start
    results = [line.split() for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    failures = done.stdout[done.stdout.find("= FAILURES ="):][:8000] if "= FAILURES =" in done.stdout else ""
    assert [code for _, _, code in results] == ["0"], (failures or done.stdout[-8000:]) + done.stderr[-3000:]
    passed = [line for line in done.stdout.splitlines() if line.startswith("PASSED ")]
    for run_id in RUNS:
        assert any(line.endswith(f"::test_two_agents_answer_vote_and_agree[{run_id}]") for line in passed), run_id
    assert any("::test_the_massgen_command_line_in_automation_mode" in line for line in passed)
    runs = dict(line.rsplit(" ", 1) for line in timings.read_text().splitlines())
    assert len(runs) == len(RUNS) + 1, runs
    artifacts = Path(os.environ.get("GUIDE_ARTIFACTS") or Path(os.environ["MASSGEN_GUIDE_TEST_TMP"]) / "artifacts")
    artifacts.mkdir(parents=True, exist_ok=True)
    (artifacts / "orchestrator-timings.txt").write_text(
        timings.read_text() + f"subprocess total {elapsed:.2f}\n", encoding="utf-8")
