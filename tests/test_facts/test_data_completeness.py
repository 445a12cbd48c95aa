"""The data files explain exactly what the source has: checked both ways, with messages naming page and thing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from massgen_guide.checks.facts_in_docs import check_facts
from massgen_guide.errors import GuideError
from massgen_guide.facts import backends, chunks, explanations


def test_installed_massgen_has_no_problems(installed_facts) -> None:
    assert check_facts(installed_facts) == []


def test_an_unexplained_chunk_type_is_reported(installed_facts) -> None:
    data = explanations.chunk_explanations()
    del data.types["mcp_status"]
    problems = explanations.check_chunk_types(chunks.chunk_types(installed_facts), data)
    assert len(problems) == 1
    assert problems[0].startswith("docs/reference/stream-chunks.md: chunk type `mcp_status` (massgen/")
    assert "has no explanation under `types:` in massgen_guide/data/chunk_types.yaml" in problems[0]


def test_a_stale_chunk_type_explanation_is_reported(installed_facts) -> None:
    data = explanations.chunk_explanations()
    data.types["teleport"] = "Not a MassGen chunk type."
    problems = explanations.check_chunk_types(chunks.chunk_types(installed_facts), data)
    assert problems == ["docs/reference/stream-chunks.md: massgen_guide/data/chunk_types.yaml explains chunk type "
                        "`teleport`, which MassGen neither declares in ChunkType nor constructs any more"]


def test_a_stale_field_explanation_is_reported(installed_facts) -> None:
    data = explanations.chunk_explanations()
    data.fields["teleport"] = "x"
    del data.fields["usage"]
    problems = explanations.check_chunk_fields(chunks.stream_chunk_fields(installed_facts), data)
    assert problems == [
        "docs/reference/stream-chunks.md: StreamChunk field `usage` (massgen/backend/base.py:74) has no explanation "
        "under `fields:` in massgen_guide/data/chunk_types.yaml",
        "docs/reference/stream-chunks.md: massgen_guide/data/chunk_types.yaml explains StreamChunk field "
        "`teleport`, which MassGen's StreamChunk no longer has",
    ]


def test_reference_backends_checked_both_ways(installed_facts) -> None:
    data = explanations.backend_explanations()
    del data["grok"]
    data["teleport"] = explanations.BackendExplanation("teleport", "TeleportBackend", ("LLMBackend",), "x")
    problems = explanations.check_reference_backends(backends.backend_modules(installed_facts), data)
    assert problems == [
        "docs/reference/reference-backends.md: backend module massgen/backend/grok.py has no entry in "
        "massgen_guide/data/reference_backends.yaml",
        "docs/reference/reference-backends.md: massgen_guide/data/reference_backends.yaml describes backend module "
        "massgen/backend/teleport.py, which MassGen no longer has (or which no longer defines a backend)",
    ]


def test_broken_data_files_are_one_line_errors(tmp_path: Path) -> None:
    bad = tmp_path / "chunk_types.yaml"
    bad.write_text("fields: [unclosed\n")
    with pytest.raises(GuideError, match=r"^massgen_guide/data/chunk_types.yaml is not valid YAML"):
        explanations.chunk_explanations(bad)
    bad.write_text(yaml.safe_dump({"types": {"content": "x"}}))
    with pytest.raises(GuideError, match="must have the mappings `fields:` and `types:`"):
        explanations.chunk_explanations(bad)
    with pytest.raises(GuideError, match="chunk_types_missing.yaml is missing"):
        explanations.chunk_explanations(tmp_path / "chunk_types_missing.yaml")


def test_orchestrator_level_explanations_are_held_to_it(installed_facts) -> None:
    data = explanations.chunk_explanations()
    data.types["reasoning_done"] = "Orchestrator-level: wrongly said."
    problems = explanations.check_chunk_types(chunks.chunk_types(installed_facts), data)
    assert len(problems) == 1
    assert re.fullmatch(r"docs/reference/stream-chunks\.md: massgen_guide/data/chunk_types\.yaml calls chunk type "
                        r"`reasoning_done` orchestrator-level, but massgen/backend/\w+\.py:\d+ constructs it in a "
                        r"backend", problems[0]), problems[0]
    orchestrator_level = [v for v, text in explanations.chunk_explanations().types.items()
                          if text.startswith(explanations.ORCHESTRATOR_LEVEL)]
    assert "agent_restart" in orchestrator_level and "token_usage_update" in orchestrator_level


def _reasoning_done_keywords(module: Path) -> list[set[str]]:
    """The keywords of each `reasoning_done` chunk constructed in a MassGen module (read, not imported)."""
    import ast

    found = []
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and any(
                k.arg == "type" and ("REASONING_DONE" in ast.unparse(k.value) or ast.unparse(k.value) == "'reasoning_done'")
                for k in node.keywords):
            found.append({k.arg for k in node.keywords if k.arg} | {f"{k.arg}={ast.unparse(k.value)}" for k in node.keywords
                                                                   if k.arg == "content"})
    return found


def test_reasoning_done_text_is_as_the_backends_send_it() -> None:
    """chunk_types.yaml says ResponseBackend fills `reasoning_text` on `reasoning_done` and ChatCompletionsBackend
    sends an empty `content` without it; the two examples that emit it follow one each."""
    from massgen_guide.source.selection import installed_package_dir

    backend = installed_package_dir() / "backend"
    response = _reasoning_done_keywords(backend / "response.py")
    assert response and all("reasoning_text" in kw for kw in response)
    chat = _reasoning_done_keywords(backend / "chat_completions.py")
    assert chat and all("reasoning_text" not in kw and "content=''" in kw for kw in chat)
    snippets = Path(__file__).parents[2] / "snippets"
    cli, custom = (_reasoning_done_keywords(snippets / f) for f in ("cli_wrapper_backend.py", "custom_api_backend.py"))
    assert cli and all("reasoning_text" in kw for kw in cli)
    assert custom and all("content=''" in kw and "reasoning_text" not in kw for kw in custom)
    text = yaml.safe_load((Path(__file__).parents[2] / "massgen_guide/data/chunk_types.yaml").read_text())
    said = " ".join(text["types"]["reasoning_done"].split())
    assert "`ResponseBackend` puts the whole reasoning into `reasoning_text`" in said
    assert "`ChatCompletionsBackend` sends the chunk with an empty `content` and no `reasoning_text`" in said
