"""Where MassGen lists its providers: the discovery on the pinned MassGen and on mutated copies, and the check of
our explanations (`massgen_guide/data/listing_sites.yaml`) both ways."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from massgen_guide.facts.listing_data import check_listing_sites, discover_in_source, listing_data
from massgen_guide.facts.listing_sites import Discovery, discover, vocabulary_of
from massgen_guide.source.selection import MassGenSource, resolve_source
from tests.test_facts.facts_helpers import edit

PAGE = "docs/reference/listing-sites.md"
DATA = "massgen_guide/data/listing_sites.yaml"

# The modules the listing-sites issue names (found by the trial agents and a scan of 0.1.97).
NAMED_MODULES = {
    "massgen/cli/backends.py", "massgen/backend/capabilities.py", "massgen/config_builder.py",
    "massgen/frontend/displays/_textual_provider_model.py", "massgen/frontend/web/server.py",
    "massgen/utils/model_catalog.py", "massgen/utils/model_matcher.py", "massgen/token_manager/token_manager.py",
    "massgen/dspy_paraphraser.py", "massgen/config_validator.py", "massgen/agent_config.py",
    "massgen/tool/_multimodal_tools/understand_image.py", "massgen/tool/_multimodal_tools/understand_video.py",
    "massgen/tool/_multimodal_tools/image_backends.py", "massgen/backend/_context_errors.py",
    "massgen/backend/chat_completions.py", "massgen/utils/__init__.py", "massgen/cli/entrypoint.py",
}

# Hand-checked in MassGen 0.1.97's source: the sites (path::scope::what, without "massgen/") that name each type.
# Some sites name a type by the API-key variable its create_backend branch reads (claude is "anthropic" with
# ANTHROPIC_API_KEY in the --setup wizard); the wrappers, whose branches read no key, are never named that way.
HAND_CHECKED = {
    "claude": {
        "agent_config.py::AgentConfig.for_research_task::compares backend",
        "agent_config.py::AgentConfig.for_computational_task::compares backend",
        "agent_config.py::AgentConfig.for_analytical_task::compares backend",
        "config_builder.py::<module>::DOCKER_BACKEND_DEFAULTS",
        "config_builder.py::<module>::HEADLESS_BACKEND_PRIORITY",
        "config_builder.py::ConfigBuilder.interactive_api_key_setup::all_providers",
        "config_builder.py::ConfigBuilder.modify_cloned_agent::compares backend_type",
        "config_builder.py::ConfigBuilder.apply_preset_to_agent::compares backend_type",
        "config_builder.py::ConfigBuilder.customize_agent::compares backend_type",
        "config_builder.py::ConfigBuilder._create_env_template::env_var_info",
        "dspy_paraphraser.py::create_dspy_lm_from_backend_config::provider_map",
        "dspy_paraphraser.py::create_dspy_lm_from_backend_config::env_keys",
        "backend/_context_errors.py::get_provider_from_error::provider_patterns",
        "backend/capabilities.py::<module>::BACKEND_CAPABILITIES",
        "backend/capabilities.py::<module>::_DISPLAY_NAME_TO_BACKEND_TYPE",
        "cli/backends.py::create_backend::compares backend_type",
        "cli/backends.py::<module>::reads keys",
        "cli/backends.py::create_agents_from_config::compares backend_type_lower",
        "cli/backends.py::create_agents_from_config::provider_map",
        "cli/entrypoint.py::main_parser::text",
        "frontend/displays/_textual_provider_model.py::<module>::_BACKEND_PROVIDER_SLUGS",
        "frontend/displays/_textual_provider_model.py::<module>::_PROVIDER_NAME_SLUGS",
        "token_manager/token_manager.py::TokenCostCalculator._map_provider_to_litellm::mapping",
        "token_manager/token_manager.py::TokenCostCalculator._normalize_provider::provider_map",
        "tool/_multimodal_tools/image_backends.py::<module>::reads keys",
        "tool/_multimodal_tools/understand_image.py::understand_image::compares normalized_backend_type",
        "tool/_multimodal_tools/understand_video.py::<module>::reads keys",
        "tool/_multimodal_tools/understand_video.py::understand_video::compares selected_backend",
        "utils/__init__.py::<module>::MODEL_MAPPINGS",
    },
    "claude_code": {
        "agent_config.py::AgentConfig.for_research_task::compares backend",
        "agent_config.py::AgentConfig.for_computational_task::compares backend",
        "agent_config.py::AgentConfig.for_analytical_task::compares backend",
        "config_builder.py::<module>::QUICKSTART_PROVIDER_PRIORITY",
        "config_builder.py::ConfigBuilder.get_quickstart_reasoning_profile::compares normalized_backend",
        "config_builder.py::ConfigBuilder.interactive_api_key_setup::all_providers",
        "config_builder.py::ConfigBuilder.modify_cloned_agent::compares backend_type",
        "config_builder.py::ConfigBuilder.apply_preset_to_agent::compares backend_type",
        "config_builder.py::ConfigBuilder.customize_agent::compares backend_type",
        "config_validator.py::ConfigValidator._validate_backend::compares backend_type",
        "backend/capabilities.py::<module>::BACKEND_CAPABILITIES",
        "backend/capabilities.py::<module>::AGENT_FRAMEWORK_BACKENDS",
        "backend/capabilities.py::<module>::_DISPLAY_NAME_TO_BACKEND_TYPE",
        "cli/backends.py::create_backend::compares backend_type",
        "cli/backends.py::create_agents_from_config::compares backend_type_lower",
        "frontend/displays/_textual_provider_model.py::<module>::_BACKEND_PROVIDER_SLUGS",
        "frontend/displays/_textual_provider_model.py::<module>::_PROVIDER_NAME_SLUGS",
        "frontend/web/server.py::create_app.get_providers::compares backend_type",
        "token_manager/token_manager.py::TokenCostCalculator._map_provider_to_litellm::mapping",
        "tool/_multimodal_tools/image_backends.py::<module>::reads keys",
        "tool/_multimodal_tools/understand_image.py::understand_image::compares normalized_backend_type",
    },
    "grok": {
        "agent_config.py::AgentConfig.for_research_task::compares backend",
        "agent_config.py::AgentConfig.for_computational_task::compares backend",
        "agent_config.py::AgentConfig.for_analytical_task::compares backend",
        "config_builder.py::<module>::HEADLESS_BACKEND_PRIORITY",
        "config_builder.py::ConfigBuilder.interactive_api_key_setup::all_providers",
        "config_builder.py::ConfigBuilder.modify_cloned_agent::compares backend_type",
        "config_builder.py::ConfigBuilder.apply_preset_to_agent::compares backend_type",
        "config_builder.py::ConfigBuilder.customize_agent::compares backend_type",
        "config_builder.py::ConfigBuilder._create_env_template::env_var_info",
        "backend/capabilities.py::<module>::BACKEND_CAPABILITIES",
        "backend/capabilities.py::<module>::_DISPLAY_NAME_TO_BACKEND_TYPE",
        "cli/backends.py::create_backend::compares backend_type",
        "cli/backends.py::<module>::reads keys",
        "cli/backends.py::create_agents_from_config::compares backend_type_lower",
        "cli/entrypoint.py::main_parser::text",
        "cli/entrypoint.py::_cli_main_continued::cloud_providers",
        "frontend/displays/_textual_provider_model.py::<module>::_BACKEND_PROVIDER_SLUGS",
        "frontend/displays/_textual_provider_model.py::<module>::_PROVIDER_NAME_SLUGS",
        "token_manager/token_manager.py::TokenCostCalculator._map_provider_to_litellm::mapping",
        "token_manager/token_manager.py::TokenCostCalculator._normalize_provider::provider_map",
        "tool/_multimodal_tools/image_backends.py::<module>::reads keys",
        "tool/_multimodal_tools/understand_image.py::understand_image::compares normalized_backend_type",
        "tool/_multimodal_tools/understand_video.py::<module>::reads keys",
        "tool/_multimodal_tools/understand_video.py::understand_video::compares selected_backend",
        "tool/_multimodal_tools/generation/_base.py::<module>::BACKEND_API_KEYS",
        "utils/__init__.py::<module>::MODEL_MAPPINGS",
    },
    "chatcompletion": {
        "dspy_paraphraser.py::create_dspy_lm_from_backend_config::provider_map",
        "dspy_paraphraser.py::create_dspy_lm_from_backend_config::compares backend_type",
        "backend/capabilities.py::<module>::BACKEND_CAPABILITIES",
        "backend/capabilities.py::<module>::_DISPLAY_NAME_TO_BACKEND_TYPE",
        "backend/chat_completions.py::ChatCompletionsBackend.get_provider_name::returns",
        "cli/backends.py::create_backend::compares backend_type",
        "cli/backends.py::create_agents_from_config::compares backend_type_lower",
        "frontend/displays/_textual_provider_model.py::<module>::_BACKEND_PROVIDER_SLUGS",
        "frontend/displays/_textual_provider_model.py::<module>::_PROVIDER_NAME_SLUGS",
        "frontend/web/server.py::create_app.get_providers::compares backend_type",
    },
    "codex": {
        "config_builder.py::<module>::QUICKSTART_PROVIDER_PRIORITY",
        "config_builder.py::ConfigBuilder.get_quickstart_reasoning_profile::compares normalized_backend",
        "config_builder.py::ConfigBuilder.interactive_api_key_setup::all_providers",
        "config_validator.py::ConfigValidator._validate_backend::compares backend_type",
        "backend/capabilities.py::<module>::BACKEND_CAPABILITIES",
        "backend/capabilities.py::<module>::AGENT_FRAMEWORK_BACKENDS",
        "cli/backends.py::create_backend::compares backend_type",
        "frontend/displays/_textual_provider_model.py::<module>::_BACKEND_PROVIDER_SLUGS",
        "frontend/web/server.py::create_app.get_providers::compares backend_type",
        "tool/_multimodal_tools/image_backends.py::<module>::reads keys",
        "tool/_multimodal_tools/understand_image.py::understand_image::compares normalized_backend_type",
    },
}
# Spot checks for two more types: sites that must, and must not, name them.
CLAUDE_IN = {"config_builder.py::ConfigBuilder.interactive_api_key_setup::all_providers": "key",
             "utils/__init__.py::<module>::MODEL_MAPPINGS": "type",
             "tool/_multimodal_tools/understand_image.py::understand_image::compares normalized_backend_type": "type"}
CLAUDE_CODE_IN = {"backend/capabilities.py::<module>::AGENT_FRAMEWORK_BACKENDS": "type",
                  "frontend/web/server.py::create_app.get_providers::compares backend_type": "type",
                  "config_validator.py::ConfigValidator._validate_backend::compares backend_type": "type"}
CLAUDE_CODE_NOT_IN = {"utils/__init__.py::<module>::MODEL_MAPPINGS",
                      "backend/chat_completions.py::ChatCompletionsBackend.get_provider_name::returns"}


@pytest.fixture(scope="module")
def pinned(installed_source: MassGenSource) -> Discovery:
    return discover_in_source(installed_source)


def _types_at(discovery: Discovery, backend_type: str) -> dict[str, str]:
    out = {}
    for site in discovery.sites:
        mention = site.mention_of(backend_type, discovery.vocabulary)
        if mention:
            out[site.key.removeprefix("massgen/")] = mention[0]
    return out


def test_finds_every_named_module(pinned: Discovery) -> None:
    assert NAMED_MODULES <= {site.path for site in pinned.sites}
    assert pinned.skipped == []


def test_the_pinned_sites_are_all_explained(pinned: Discovery) -> None:
    assert check_listing_sites(pinned, listing_data()) == []


@pytest.mark.parametrize("backend_type", sorted(HAND_CHECKED))
def test_the_matrix_agrees_with_a_hand_check(pinned: Discovery, backend_type: str) -> None:
    assert set(_types_at(pinned, backend_type)) == HAND_CHECKED[backend_type]


def test_spot_checks_for_claude_and_claude_code(pinned: Discovery) -> None:
    claude, claude_code = _types_at(pinned, "claude"), _types_at(pinned, "claude_code")
    assert {k: claude[k] for k in CLAUDE_IN} == CLAUDE_IN
    assert {k: claude_code[k] for k in CLAUDE_CODE_IN} == CLAUDE_CODE_IN
    assert not CLAUDE_CODE_NOT_IN & set(claude_code)


def _discover(root: Path) -> Discovery:
    return discover_in_source(resolve_source(str(root)))


def test_a_site_that_gains_a_type_changes_its_row(massgen_copy: Path) -> None:
    key = "frontend/displays/_textual_provider_model.py::<module>::_BACKEND_PROVIDER_SLUGS"
    assert key not in _types_at(_discover(massgen_copy), "copilot")
    edit(massgen_copy, "massgen/frontend/displays/_textual_provider_model.py", '    "codex": "openai",\n',
         '    "codex": "openai",\n    "copilot": "github",\n')
    assert _types_at(_discover(massgen_copy), "copilot")[key] == "type"


def test_a_new_listing_dict_must_be_explained(massgen_copy: Path) -> None:
    edit(massgen_copy, "massgen/utils/model_matcher.py", "\ndef ", '\nNEW_PROVIDER_LABELS = {"claude": "C", '
         '"openai": "O", "grok": "G", "gemini": "G2"}\n\n\ndef ')
    lines = (massgen_copy / "massgen/utils/model_matcher.py").read_text().splitlines()
    line = next(i for i, text in enumerate(lines, 1) if text.startswith("NEW_PROVIDER_LABELS"))
    assert check_listing_sites(_discover(massgen_copy), listing_data()) == [
        f"{PAGE}: MassGen lists providers at massgen/utils/model_matcher.py:{line} (dict `NEW_PROVIDER_LABELS`), "
        f"which {DATA} does not explain: add `massgen/utils/model_matcher.py::<module>::NEW_PROVIDER_LABELS` with "
        "role, requires, what and why"]


def test_an_explained_site_that_disappears_is_reported(massgen_copy: Path) -> None:
    path = massgen_copy / "massgen/frontend/displays/_textual_provider_model.py"
    text = path.read_text()
    start = text.index("_PROVIDER_NAME_SLUGS")
    end = text.index("}\n", start) + 2
    path.write_text(text[:start] + "_PROVIDER_NAME_SLUGS: dict[str, str] = {}\n" + text[end:])
    assert check_listing_sites(_discover(massgen_copy), listing_data()) == [
        f"{PAGE}: {DATA} explains listing site "
        "`massgen/frontend/displays/_textual_provider_model.py::<module>::_PROVIDER_NAME_SLUGS`, which MassGen no "
        "longer has (no construct `_PROVIDER_NAME_SLUGS` there names at least 4 backend types, 4 key variables or 5 provider "
        "names)"]


def test_a_syntax_error_skips_one_file_and_the_rest_runs(massgen_copy: Path) -> None:
    edit(massgen_copy, "massgen/config_builder.py", "\nclass ConfigBuilder", "\ndef broken(:\n    pass\n\n\nclass ConfigBuilder")
    lines = (massgen_copy / "massgen/config_builder.py").read_text().splitlines()
    line = lines.index("def broken(:") + 1
    found = _discover(massgen_copy)
    assert found.skipped == [f"massgen/config_builder.py:{line}: skipped (syntax error: invalid syntax)"]
    assert "massgen/config_builder.py" not in {s.path for s in found.sites}
    assert "massgen/backend/capabilities.py::<module>::BACKEND_CAPABILITIES" in found.by_key()
    # its explained sites are not reported as gone: the file could not be read
    assert check_listing_sites(found, listing_data()) == []


UNUSUAL = '''
import os
from dataclasses import dataclass

A, B = "claude", "openai"
PAIRS = [(t, f"{t}-label") for t in ("claude", "openai", "grok", "gemini")]
MERGED = {**{"claude": 1}, "openai": 2, "grok": 3, "gemini": 4, **dict(codex=5)}
STARRED = [*PAIRS, "codex", "claude", "openai", "grok"]
LAMBDA = lambda kind=("claude", "openai", "grok", "gemini"): kind
SLICE = "claudeopenai"[1:3]
BYTES = {b"claude": 1, b"openai": 2, b"grok": 3, b"gemini": 4}
KEYS = os.environ["OPENAI_API_KEY"], os.environ.get("XAI_API_KEY"), os.getenv(key := "X")
MORE = os.environ["ANTHROPIC_API_KEY"] + os.getenv("GEMINI_API_KEY", "")


@dataclass
class Kinds:
    kinds: tuple = ("claude", "openai", "grok", "gemini")

    def pick(self, kind):
        match kind:
            case "claude" | "openai":
                return 1
            case {"grok": _} | ["gemini", *_]:
                return 2
            case Kinds(kinds=("codex",)):
                return 3
        if (n := len(kind)) > 3 and kind not in {"claude"}:
            return n
        return f"{kind!r:>{10}}"


async def agen():
    async with open("x") as f, open("y"):
        yield [x async for x in f if x in ("claude", "openai")]
'''


def test_discovery_never_crashes_on_unusual_constructs(tmp_path: Path) -> None:
    package = tmp_path / "massgen"
    (package / "odd").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "odd" / "constructs.py").write_text(textwrap.dedent(UNUSUAL))
    (package / "odd" / "latin1.py").write_bytes(b'NAMES = ["claude", "openai", "grok", "gemini", "\xe9"]\n')
    (package / "odd" / "nul.py").write_bytes(b'X = ["claude", "openai", "grok", "gemini"]\x00\n')
    vocabulary = vocabulary_of({"claude", "openai", "grok", "gemini", "codex"}, {},
                               {"openai": ["OPENAI_API_KEY"], "grok": ["XAI_API_KEY"], "claude": ["ANTHROPIC_API_KEY"],
                                "gemini": ["GEMINI_API_KEY"]})
    found = discover(package, vocabulary)
    keys = {site.key for site in found.sites}
    assert "massgen/odd/constructs.py::<module>::MERGED" in keys
    assert "massgen/odd/constructs.py::<module>::STARRED" in keys
    assert "massgen/odd/constructs.py::Kinds.pick::compares kind" in keys
    assert "massgen/odd/latin1.py::<module>::NAMES" in keys
    assert "massgen/odd/constructs.py::<module>::BYTES" not in keys  # bytes are not names
    reads = found.by_key()["massgen/odd/constructs.py::<module>::reads keys"]  # os.environ[...] counts as a read
    assert reads.keys == {"OPENAI_API_KEY": 12, "XAI_API_KEY": 12, "ANTHROPIC_API_KEY": 13, "GEMINI_API_KEY": 13}
    assert [line for line in found.skipped if line.startswith("massgen/odd/nul.py")] == [
        "massgen/odd/nul.py: skipped (syntax error: source code string cannot contain null bytes)"]


def test_the_data_file_is_checked(tmp_path: Path, pinned: Discovery) -> None:
    bad = tmp_path / "listing_sites.yaml"
    bad.write_text("requirements: {}\nroles: {}\nsites: {}\n")
    from massgen_guide.errors import GuideError

    with pytest.raises(GuideError, match=r"^massgen_guide/data/listing_sites.yaml: `requirements:` lacks always, "):
        listing_data(bad)
    text = Path(__file__).resolve().parents[2].joinpath(DATA).read_text()
    bad.write_text(re.sub(r"requires: multimodal", "requires: sometimes", text, count=1))
    with pytest.raises(GuideError, match=r"requires 'sometimes', not one of always, api-key"):
        listing_data(bad)
    bad.write_text(text.replace("capability: image_understanding", "capability: [image_understanding]", 1))
    with pytest.raises(GuideError, match=r"has capability \['image_understanding'\]; give one capability name"):
        listing_data(bad)


def test_per_file_results_are_reused_across_vocabularies_only_where_no_changed_word_occurs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy with a backend added has a vocabulary one type larger: the files that do not mention the new words
    keep their cached sites, and a file that does is scanned again (here it becomes a site: four types)."""
    from massgen_guide.facts import listing_sites

    monkeypatch.setenv("MASSGEN_GUIDE_CACHE", str(tmp_path / "cache"))
    package = tmp_path / "massgen"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "plain.py").write_text('KINDS = ["claude", "openai", "grok", "gemini"]\n')
    (package / "mentions.py").write_text('KINDS = ["claude", "openai", "grok", "acme"]\n')
    keys = {"openai": ["OPENAI_API_KEY"], "grok": ["XAI_API_KEY"]}
    before = vocabulary_of({"claude", "openai", "grok", "gemini"}, {}, keys)
    after = vocabulary_of({"claude", "openai", "grok", "gemini", "acme"}, {}, {**keys, "acme": ["ACME_API_KEY"]})
    assert [s.key for s in discover(package, before).sites] == ["massgen/plain.py::<module>::KINDS"]
    scanned: list[str] = []
    real = listing_sites._sites_of_file
    monkeypatch.setattr(listing_sites, "_sites_of_file", lambda rel, *a: scanned.append(rel) or real(rel, *a))
    (package / "__init__.py").write_text("# touched: the whole-tree cache misses\n")
    found = discover(package, after)
    assert scanned == ["massgen/__init__.py", "massgen/mentions.py"]
    assert [s.key for s in found.sites] == ["massgen/mentions.py::<module>::KINDS", "massgen/plain.py::<module>::KINDS"]
    monkeypatch.setenv("MASSGEN_GUIDE_CACHE", str(tmp_path / "cold"))
    assert discover(package, after).sites == found.sites
