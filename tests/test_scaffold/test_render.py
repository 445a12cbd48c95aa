"""One source of truth: what `new` writes is the worked example in snippets/, modulo names."""

from __future__ import annotations

import ast
import re

import pytest

from massgen_guide.facts.scaffold_data import scaffold_data
from massgen_guide.scaffold import render
from massgen_guide.scaffold.spec import SNIPPETS, build_spec

from .conftest import KINDS


def back_to_example(text: str, spec, names: dict[str, str], rewrites: dict[str, str]) -> str:
    """Undo the renaming: the new names back to the example's (longest first), then the rewrites backwards."""
    for old, new in sorted(names.items(), key=lambda item: len(spec.fill(item[1])), reverse=True):
        text = text.replace(spec.fill(new), old)
    for old, new in rewrites.items():
        text = text.replace(spec.fill(new).replace(spec.name, "\0"), old).replace("\0", spec.name)
    return text


@pytest.mark.parametrize("kind", KINDS)
def test_rendered_files_are_the_examples_modulo_names(kind: str) -> None:
    # a name that occurs nowhere in the examples, so undoing the renaming is exact
    spec = build_spec("zorblax", kind, provider="Zorblax Cloud")
    k = spec.kind
    for entry in k.files:
        rendered = render.render_snippet(entry["snippet"], spec)
        ast.parse(rendered)
        assert "--8<--" not in rendered and "# (1)!" not in rendered
        assert "snippets" not in rendered.replace("massgen/tests", "")
        example = render.strip_markers((SNIPPETS / entry["snippet"]).read_text(encoding="utf-8"))
        names = dict(k.names)
        rewrites = {old: new for old, new in k.rewrites.items()}
        undone = rendered
        for old, new in rewrites.items():  # rewrites first (they may hold the new name), then the names
            undone = undone.replace(spec.fill(new), "\1" + str(list(rewrites).index(old)) + "\1")
        undone = back_to_example(undone, spec, names, {})
        for i, old in enumerate(rewrites):
            undone = undone.replace(f"\1{i}\1", old)
        assert undone == example, entry["snippet"]


def test_markers_are_stripped_and_nothing_else() -> None:
    text = 'x = 1  # (1)!\n    # --8<-- [start:init]\ny = 2  # a comment\n# --8<-- [end:init]\n'
    assert render.strip_markers(text) == "x = 1\ny = 2  # a comment\n"


@pytest.mark.parametrize("kind", ["openai-compatible", "custom-api"])
def test_create_backend_branch_is_the_registration_example(kind: str) -> None:
    spec = build_spec("zorblax", kind, provider="Zorblax")
    branch = render.branch_text(spec)
    lines = branch.splitlines(keepends=True)
    assert lines[1] == "        from ..backend.zorblax import ZorblaxBackend\n" and lines[2] == "\n"
    without_import = "".join([lines[0], *lines[3:]]).rstrip("\n") + "\n"
    example = render.strip_markers(render.section("registration.py", "create-backend-branch"))
    names = {"Skyline": "Zorblax", "skyline": "zorblax", "SKYLINE": "ZORBLAX"}
    for old, new in names.items():
        example = example.replace(old, new)
    assert without_import == example
    assert 'kwargs.pop("api_key", None) or os.getenv("ZORBLAX_API_KEY")' in branch


def test_options_reach_the_rendered_code() -> None:
    spec = build_spec("acme", "openai-compatible", provider="Acme Cloud", env_var="ACME_KEY",
                      base_url="https://llm.acme.test/v2", models=["a-1", "a-2"], prices=["a-1=1/2"])
    backend = render.render_snippet("openai_compatible_backend.py", spec)
    assert 'DEFAULT_BASE_URL = "https://llm.acme.test/v2"' in backend
    assert 'return "Acme Cloud"' in backend
    branch = render.branch_text(spec)
    assert 'os.getenv("ACME_KEY")' in branch and '_api_key_error_message("Acme Cloud", "ACME_KEY"' in branch
    entry = render.capabilities_entry(spec)
    assert 'models=["a-1", "a-2"],' in entry and 'default_model="a-1",' in entry and 'env_var="ACME_KEY",' in entry
    assert render.pricing_entry(spec, "") == ('"Acme Cloud": {\n'
                                              '    "a-1": ModelPricing(0.001, 0.002),  # $1/MTok input, $2/MTok output\n'
                                              '},\n')


def test_every_kind_names_a_snippet_and_a_test_template_that_exist() -> None:
    for kind in scaffold_data().kinds.values():
        for entry in kind.files:
            assert (SNIPPETS / entry["snippet"]).is_file()
        assert (render.TEMPLATES / kind.test).is_file()


@pytest.mark.parametrize(("name", "kind", "fake"), [
    ("quill_cli", "cli-wrapper", "fake_quill_cli"), ("acme", "cli-wrapper", "fake_acme_cli"),
    ("quill_sdk", "sdk-wrapper", "fake_quill_sdk"), ("acme", "sdk-wrapper", "fake_acme_sdk"),
])
def test_a_name_ending_with_the_kinds_suffix_does_not_get_it_twice(name: str, kind: str, fake: str) -> None:
    spec = build_spec(name, kind)
    files = render.new_files(spec)
    assert sorted(files) == sorted([f"massgen/backend/{name}.py", f"massgen/tests/{fake}.py",
                                    f"massgen/configs/providers/{name}/{name}_single_agent.yaml",
                                    f"massgen/tests/test_{name}.py"])
    assert f"(massgen/tests/{fake}.py)" in files[f"massgen/tests/test_{name}.py"]
    backend = files[f"massgen/backend/{name}.py"]
    if kind == "cli-wrapper":
        assert f'/ "tests" / "{fake}.py"' in backend
        variables = sorted(set(re.findall(r"\b[A-Z_]+_(?:FAULT|SCENARIO)\b", files[f"massgen/tests/{fake}.py"])))
        prefix = fake.removeprefix("fake_").upper()
        assert variables == [f"{prefix}_FAULT", f"{prefix}_SCENARIO"]
    else:
        assert f"from massgen.tests.{fake} import" in backend


@pytest.mark.parametrize("kind", ["cli-wrapper", "sdk-wrapper"])
def test_env_var_of_a_wrapper_reaches_the_capabilities_entry_and_its_test(kind: str) -> None:
    """As codex's entry names OPENAI_API_KEY, which its CLI reads: --env-var sets a wrapper's env_var."""
    word = "CLI" if kind == "cli-wrapper" else "SDK"
    keyed = build_spec("quill", kind, env_var="QUILL_API_KEY")
    assert '    env_var="QUILL_API_KEY",\n' in render.capabilities_entry(keyed)
    files = render.new_files(keyed)
    assert '    assert caps.env_var == "QUILL_API_KEY"\n' in files["massgen/tests/test_quill.py"]
    config = files["massgen/configs/providers/quill/quill_single_agent.yaml"]
    assert config.splitlines()[1] == f"# The {word} reads QUILL_API_KEY from the environment."
    plain = build_spec("quill", kind)
    assert "    env_var=None,\n" in render.capabilities_entry(plain)
    files = render.new_files(plain)
    assert "    assert caps.env_var is None\n" in files["massgen/tests/test_quill.py"]
    assert files["massgen/configs/providers/quill/quill_single_agent.yaml"].splitlines()[1] == "agent:"


@pytest.mark.parametrize("kind", KINDS)
def test_the_cli_wrappers_example_config_gives_it_a_workspace(kind: str) -> None:
    """The CLI wrapper runs its CLI in the workspace and keeps its state in <workspace>/.NAME, so its config has a
    cwd, as MassGen's codex configs do (`cwd: workspace`); the other kinds have no workspace folder of their own."""
    config = render.config_text(build_spec("quill", kind))
    backend = config.split("  backend:\n", 1)[1].split("  system_message:", 1)[0]
    cwd = "    cwd: workspace\n" if kind == "cli-wrapper" else ""
    assert backend == f'    type: "quill"\n    model: "quill-large"\n{cwd}'


@pytest.mark.parametrize(("name", "kind", "lines"), [
    ("nimbus_v2", "custom-api", ["from massgen.formatter._nimbus_v2_formatter import NimbusV2Formatter",
                                 "from massgen.api_params_handler._nimbus_v2_api_params_handler import "
                                 "NimbusV2APIParamsHandler", '        return "nimbus_v2"']),
    ("skyline_pro", "openai-compatible", ['        return "skyline_pro"']),
    ("acme_fake", "cli-wrapper", ['ACME_FAKE_CLI = Path(__file__).parents[1] / "tests" / "fake_acme_fake_cli.py"']),
    ("acme_fake", "sdk-wrapper", ["from massgen.tests.fake_acme_fake_sdk import Event, FakeClient, AcmeFakeError, "
                                  "Session"]),
])
def test_a_name_holding_the_examples_name_is_not_replaced_twice(name: str, kind: str, lines: list[str]) -> None:
    """The rewrites' new text already holds the new name: the example's names are not replaced inside it again (a
    custom-api backend named nimbus_v2 imported _nimbus_v2_v2_formatter, acme_fake's fake CLI fake_acme_acme_fake)."""
    files = render.new_files(build_spec(name, kind))
    backend = files[f"massgen/backend/{name}.py"].splitlines()
    assert [line for line in lines if line in backend] == lines
    # every sibling module the backend imports is one of the files written
    imported = re.findall(r"^from (massgen\.(?:formatter\._|api_params_handler\._|tests\.)\w+) import",
                          files[f"massgen/backend/{name}.py"], re.MULTILINE)
    assert all(f"{module.replace('.', '/')}.py" in files for module in imported), (imported, sorted(files))
