"""Page generators for getting the tool (`massgen_guide.site.install`), so every page shows the same commands.

- `guide:install`: install from the repository with pipx, uvx or pip.
- `guide:install-wheel`: build a wheel in a clone and install it.
- `guide:install-checkout`: run the audit in a MassGen checkout.
- `guide:install-conformance`: the package with its `[conformance]` extra, in MassGen's environment.
- `guide:precommit-config`: the `.pre-commit-config.yaml` entry for a MassGen checkout.
- `guide:actions-step`: a GitHub Actions job auditing the backends a pull request touches.

The commands are tested in `tests/test_install_commands.py` (parsed by the command's own parser, the hook id
checked against `.pre-commit-hooks.yaml`); the wheel route is the one `tests/test_install.py` runs.
"""

from __future__ import annotations

from massgen_guide.site import install
from massgen_guide.site.directives import DirectiveCall, generator


def fence(lang: str, lines: list[str] | str, title: str = "") -> str:
    body = lines if isinstance(lines, str) else "\n".join(lines) + "\n"
    head = f'```{lang} title="{title}"' if title else f"```{lang}"
    return f"{head}\n{body}```\n"


def with_note(markdown: str) -> str:
    note = install.placeholder_note()
    return markdown + (f"\n{note}\n" if note else "")


@generator("install")
def install_from_repository(call: DirectiveCall) -> str:
    return with_note(fence("bash", install.install_commands()))


@generator("install-wheel")
def install_from_wheel(call: DirectiveCall) -> str:
    return fence("bash", install.wheel_commands())


@generator("install-checkout")
def run_in_a_checkout(call: DirectiveCall) -> str:
    return fence("bash", install.checkout_commands())


@generator("install-conformance")
def install_for_conformance(call: DirectiveCall) -> str:
    return with_note(fence("bash", install.conformance_commands()))


@generator("precommit-config")
def precommit_config(call: DirectiveCall) -> str:
    return fence("yaml", install.precommit_config(), ".pre-commit-config.yaml")


@generator("actions-step")
def actions_step(call: DirectiveCall) -> str:
    return fence("yaml", install.actions_step(), ".github/workflows/*.yml (a job)")
