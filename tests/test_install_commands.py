"""The install commands, the pre-commit entry and the GitHub Actions job the pages show (`massgen_guide.site.install`,
rendered by `guide:install*`, `guide:precommit-config` and `guide:actions-step`), checked like the pages' own
shell and YAML blocks."""

from __future__ import annotations

from pathlib import Path

import yaml

from massgen_guide.checks.fence_checks import check_shell_command, shell_commands
from massgen_guide.site import install
from massgen_guide.source.selection import current_source

ROOT = Path(__file__).resolve().parent.parent


def problems(lines: list[str]) -> list[str]:
    source = current_source()
    return [p for p in (check_shell_command(c, ROOT, source) for c in shell_commands("\n".join(lines))) if p]


def test_every_install_command_is_accepted() -> None:
    assert problems(install.install_commands() + install.wheel_commands() + install.checkout_commands()
                    + install.conformance_commands()) == []
    assert problems(['uvx --from "git+x" massgen-guide audit --nope']) == [
        "`massgen-guide audit --nope`: not accepted by the command's parser"]


def test_the_commands_read_the_repository_from_mkdocs_yml(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_url: https://guide.test/\n", encoding="utf-8")
    assert install.pip_spec(tmp_path) == "git+REPO_URL"
    assert "`repo_url` is not set in `mkdocs.yml`" in install.placeholder_note(tmp_path)
    (tmp_path / "mkdocs.yml").write_text("site_url: https://guide.test/\nrepo_url: https://git.test/guide/\n",
                                         encoding="utf-8")
    from massgen_guide.site_urls import site_settings

    site_settings.cache_clear()
    assert install.pip_spec(tmp_path) == "git+https://git.test/guide"
    assert install.placeholder_note(tmp_path) == ""
    assert install.install_commands(tmp_path)[0].splitlines()[1] == 'pipx install "git+https://git.test/guide"'


def test_the_precommit_entry_names_this_repositorys_hook() -> None:
    config = yaml.safe_load(install.precommit_config())
    (repo,) = config["repos"]
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert repo["repo"] == install.repository()
    assert [h["id"] for h in repo["hooks"]] == [hooks[0]["id"]] == [install.HOOK_ID]
    assert repo["rev"]


def test_the_actions_job_runs_accepted_commands() -> None:
    job = yaml.safe_load(install.actions_step())["audit-backends"]
    checkout, audit = job["steps"]
    assert checkout["with"]["fetch-depth"] == 0
    assert problems(audit["run"].splitlines()) == []
    assert "--changed $(git diff --name-only" in audit["run"]


def test_the_wheel_name_is_the_one_a_build_makes() -> None:
    from massgen_guide import __version__

    assert install.wheel_name() == f"massgen_backend_guide-{__version__}-py3-none-any.whl"
