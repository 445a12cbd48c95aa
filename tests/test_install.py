"""The light install: this package built as a wheel and installed, with its core dependencies only, into a fresh
venv in a temp dir. MassGen is not installed there, yet the audit of a MassGen tree prints what the full set-up
prints.

One venv per session (module fixture); everything comes from uv's cache, offline (`--offline`), pinned by the
lock (`-c requirements.lock`), so no network is used.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from massgen_guide.source.selection import installed_package_dir

ROOT = Path(__file__).resolve().parent.parent
UV = Path(sys.executable).parent / "uv"
BUILD_INPUTS = ("snippets", "pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "mkdocs.yml", "massgen_guide")
MAX_DISTRIBUTIONS = 15
COPIED_SUFFIXES = (".py", ".yaml", ".yml", ".md")


@dataclass(frozen=True)
class LightVenv:
    python: Path
    command: Path
    distributions: list[str]
    megabytes: float


def run(*cmd: str | Path, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, timeout=600,
                            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    if check and result.returncode != 0:
        pytest.fail(f"{' '.join(map(str, cmd))} exited {result.returncode}:\n{result.stdout}\n{result.stderr}",
                    pytrace=False)
    return result


def build_wheel(work: Path) -> Path:
    """Build the wheel from a copy of the build inputs (the build writes nothing into the repository)."""
    source = work / "source"
    for name in BUILD_INPUTS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            source.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    run(UV, "build", "--wheel", "--offline", "--quiet", "--build-constraint", ROOT / "requirements.lock",
        "--out-dir", work / "dist", source, cwd=work)
    (wheel,) = (work / "dist").glob("*.whl")
    return wheel


def folder_megabytes(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 1e6


@pytest.fixture(scope="module")
def light_venv(tmp_path_factory: pytest.TempPathFactory) -> LightVenv:
    work = tmp_path_factory.mktemp("light-install")
    wheel = build_wheel(work)
    venv = work / "venv"
    run(UV, "venv", "--offline", "--quiet", "--python", sys.executable, venv, cwd=work)
    python = venv / "bin" / "python"
    # bytecode compiled once here: each command below runs with PYTHONDONTWRITEBYTECODE, and would compile again
    run(UV, "pip", "install", "--offline", "--quiet", "--compile-bytecode", "--python", python,
        "-c", ROOT / "requirements.lock", wheel, cwd=work)
    listing = run(python, "-c", "import importlib.metadata as m; print('\\n'.join(sorted(d.metadata['Name'] for d in "
                  "m.distributions())))", cwd=work)
    return LightVenv(python, venv / "bin" / "massgen-guide", listing.stdout.split(), folder_megabytes(venv))


@pytest.fixture(scope="module")
def massgen_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the pinned MassGen's Python, YAML and Markdown files, as a checkout root (no docs/, scripts/ or .git)."""
    root = tmp_path_factory.mktemp("pinned") / "MassGen"

    def ignore(folder: str, names: list[str]) -> set[str]:
        return {n for n in names if n == "__pycache__" or
                (not n.endswith(COPIED_SUFFIXES) and not (Path(folder) / n).is_dir())}

    shutil.copytree(installed_package_dir(), root / "massgen", ignore=ignore)
    return root


def test_the_light_install_has_no_massgen_and_few_distributions(light_venv: LightVenv) -> None:
    imported = run(light_venv.python, "-c", "import massgen", cwd=light_venv.python.parent, check=False)
    assert imported.returncode == 1
    assert "ModuleNotFoundError: No module named 'massgen'" in imported.stderr
    assert "massgen-backend-guide" in light_venv.distributions
    assert len(light_venv.distributions) <= MAX_DISTRIBUTIONS, light_venv.distributions
    for heavy in ("mkdocs", "mkdocs-material", "pytest", "playwright", "litellm", "massgen"):
        assert heavy not in light_venv.distributions
    print(f"light install: {len(light_venv.distributions)} distributions, {light_venv.megabytes:.1f} MB: "
          + ", ".join(light_venv.distributions))


def audit_output(command: list[str | Path], massgen_tree: Path, cwd: Path) -> tuple[int, str, str]:
    result = subprocess.run([*map(str, command), "audit", "claude", "--massgen", str(massgen_tree)], cwd=cwd,
                            capture_output=True, text=True, timeout=300)
    return result.returncode, result.stdout, result.stderr


def test_the_audit_prints_what_the_full_set_up_prints(light_venv: LightVenv, massgen_tree: Path,
                                                      tmp_path: Path) -> None:
    light = audit_output([light_venv.command], massgen_tree, tmp_path)
    full = audit_output([sys.executable, "-m", "massgen_guide"], massgen_tree, ROOT)
    assert light == full
    code, stdout, _ = light
    assert code == 0
    assert stdout.startswith(f"audit of backend type 'claude' (class ClaudeBackend) in MassGen 0.1.97 (checkout: "
                             f"{massgen_tree / 'massgen'})")
    # LiteLLM is in neither tree's environment: both read the guide's copy of its price map
    assert "is not in LiteLLM's price map (the guide's copy of LiteLLM " in stdout


def test_commands_that_read_massgen_run_without_it(light_venv: LightVenv, massgen_tree: Path, tmp_path: Path) -> None:
    facts = run(light_venv.command, "facts", "--massgen", massgen_tree, cwd=tmp_path)
    assert facts.stdout.startswith(f"MassGen 0.1.97 (checkout: {massgen_tree}) at {massgen_tree / 'massgen'}")
    upstream = run(light_venv.command, "upstream", cwd=massgen_tree)  # the current directory is the checkout
    assert "massgen/skills/backend-integrator/SKILL.md" in upstream.stdout
    claims = run(light_venv.command, "claims", "--massgen", massgen_tree, cwd=tmp_path, check=False)
    assert (claims.returncode, claims.stdout) == (2, "")
    assert claims.stderr == ("massgen-guide: error: the guide's pages (docs/) are not installed with the package: "
                             "pass --docs FOLDER, or run this in a clone of the guide's repository\n")
    skill = run(light_venv.command, "skill", "--massgen", massgen_tree, cwd=tmp_path, check=False)
    assert (skill.returncode, skill.stdout) == (2, "")
    assert skill.stderr == ("massgen-guide: error: skill: the skill file is generated from the guide's own pages "
                            "(docs/), which the package does not ship: run it in a clone of the guide's repository\n")


def test_without_a_massgen_to_read_the_error_says_where_to_run(light_venv: LightVenv, tmp_path: Path) -> None:
    result = run(light_venv.command, "audit", "claude", cwd=tmp_path, check=False)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == ("massgen-guide: error: no MassGen to read: run this in a MassGen checkout, pass "
                             "--massgen PATH, or set MASSGEN_SOURCE\n")


def test_the_scaffolder_dry_runs_without_massgen(light_venv: LightVenv, massgen_tree: Path, tmp_path: Path) -> None:
    """`massgen-guide new` renders the worked examples, which the wheel carries (setup.py copies snippets/)."""
    before = sorted(p.relative_to(massgen_tree) for p in massgen_tree.rglob("*"))
    result = run(light_venv.command, "new", "acme", "--kind", "custom-api", "--massgen", massgen_tree, cwd=tmp_path)
    assert result.stdout.startswith("--- /dev/null\n+++ b/massgen/backend/acme.py\n")
    assert "+class AcmeBackend(" in result.stdout
    assert "Run again with --write to write these changes." in result.stdout
    full = subprocess.run([sys.executable, "-m", "massgen_guide", "new", "acme", "--kind", "custom-api", "--massgen",
                           str(massgen_tree)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.stdout == full.stdout
    assert sorted(p.relative_to(massgen_tree) for p in massgen_tree.rglob("*")) == before  # a dry run writes nothing
