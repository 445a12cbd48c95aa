"""How a contributor gets `massgen-guide`, written once for the pages, the skill file and the tests.

Installing from the repository needs its address: that is `repo_url` in `mkdocs.yml` (`site_urls.repo_url`), the
one place it is written. While it is unset the commands show `REPO_URL` and say so.

The package installed is the light core (griffe, PyYAML, Markdown): no MassGen, no docs tool chain. The
commands that read MassGen take `--massgen PATH`, or use the current directory when it is a MassGen checkout.
"""

from __future__ import annotations

from pathlib import Path

from massgen_guide import __version__
from massgen_guide.site_urls import ROOT, repo_url

DISTRIBUTION = "massgen-backend-guide"
REPO_PLACEHOLDER = "REPO_URL"
HOOK_ID = "massgen-backend-audit"


def repository(root: Path = ROOT) -> str:
    """This guide's repository URL, or `REPO_URL` while `repo_url` is not set in mkdocs.yml."""
    return repo_url(root) or REPO_PLACEHOLDER


def pip_spec(root: Path = ROOT) -> str:
    """What pip, pipx and uvx install from: the repository's default branch."""
    return f"git+{repository(root)}"


def wheel_name() -> str:
    return f"{DISTRIBUTION.replace('-', '_')}-{__version__}-py3-none-any.whl"


def placeholder_note(root: Path = ROOT) -> str:
    """A sentence for pages while the repository's address is unknown, else ''."""
    if repo_url(root):
        return ""
    return ("`REPO_URL` stands for this guide's Git repository: `repo_url` is not set in `mkdocs.yml`, the one "
            "place the commands read it from.")


def install_commands(root: Path = ROOT) -> list[str]:
    """One command each, under a comment line: install with pipx, run once with uvx, or install into the current
    environment. An entry may span lines: the code blocks showing them stay within 88 columns."""
    spec = pip_spec(root)
    return [
        f'# massgen-guide on your PATH\npipx install "{spec}"',
        f'# or run it once, installing nothing\nuvx --from "{spec}" \\\n    massgen-guide audit my_backend',
        f'# or into the environment you work in\npython3 -m pip install "{spec}"',
    ]


def conformance_commands(root: Path = ROOT) -> list[str]:
    """The conformance kit runs MassGen: install the package with its extra where MassGen is installed."""
    return [
        "# in your MassGen environment",
        f'GUIDE="{pip_spec(root)}"',
        f'python3 -m pip install "{DISTRIBUTION}[conformance] @ $GUIDE"',
    ]


def wheel_commands() -> list[str]:
    """Build a wheel in a clone of this repository, then install it anywhere."""
    return [
        "python3 -m pip wheel --no-deps --wheel-dir dist .   # in a clone of this repository",
        f"pipx install dist/{wheel_name()}",
    ]


def checkout_commands() -> list[str]:
    """Running the audit in a MassGen checkout: the current directory is the tree read."""
    return [
        "cd ~/src/MassGen                                  # your MassGen checkout, any branch",
        "massgen-guide audit my_backend                    # reads the current directory",
        "massgen-guide audit my_backend --massgen ~/src/MassGen   # or name it from anywhere",
    ]


def precommit_config(root: Path = ROOT) -> str:
    """The `.pre-commit-config.yaml` entry a MassGen maintainer adds."""
    return (
        "repos:\n"
        f"  - repo: {repository(root)}\n"
        "    rev: main  # or a commit; `pre-commit autoupdate` pins the newest tag\n"
        "    hooks:\n"
        f"      - id: {HOOK_ID}\n"
    )


def actions_step(root: Path = ROOT) -> str:
    """A GitHub Actions job auditing the backends a pull request touches."""
    return (
        "audit-backends:\n"
        "  runs-on: ubuntu-latest\n"
        "  steps:\n"
        "    - uses: actions/checkout@v4\n"
        "      with:\n"
        "        fetch-depth: 0  # the base branch, to compare the registries with\n"
        "    - name: Audit the backends this pull request touches\n"
        "      run: |\n"
        f'        pipx install "{pip_spec(root)}"\n'
        '        massgen-guide audit --base "origin/${{ github.base_ref }}" \\\n'
        '          --changed $(git diff --name-only "origin/${{ github.base_ref }}...HEAD")\n'
    )
