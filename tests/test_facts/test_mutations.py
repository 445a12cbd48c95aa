"""Change a copy of MassGen's source and watch the facts check fail, naming the page and the changed thing."""

from __future__ import annotations

from pathlib import Path

from massgen_guide.checks.facts_in_docs import check_facts
from massgen_guide.facts import backends, chunks, registries
from tests.test_facts.facts_helpers import edit, load_copy


def test_unchanged_copy_has_no_problems(massgen_copy: Path) -> None:
    loaded = load_copy(massgen_copy)
    assert loaded.source.kind == "checkout"
    assert loaded.source.package_dir == (massgen_copy / "massgen").resolve()
    assert check_facts(loaded) == []


def test_removed_stream_chunk_field(massgen_copy: Path) -> None:
    edit(massgen_copy, "massgen/backend/base.py", "    usage: dict[str, Any] | None = None  # Token usage", "    # Token usage")
    loaded = load_copy(massgen_copy)
    assert "usage" not in [f.name for f in chunks.stream_chunk_fields(loaded)]
    assert check_facts(loaded) == [
        "docs/reference/stream-chunks.md: massgen_guide/data/chunk_types.yaml explains StreamChunk field `usage`, "
        "which MassGen's StreamChunk no longer has"]


def test_renamed_record_first_token(massgen_copy: Path) -> None:
    edit(massgen_copy, "massgen/backend/base.py", "def record_first_token(self)", "def record_first_output_token(self)")
    problems = check_facts(load_copy(massgen_copy))
    assert len(problems) == 1
    assert problems[0].startswith("docs/reference/api.md:")
    assert problems[0].endswith("API entry `massgen.backend.base.LLMBackend` lists member `record_first_token`, "
                                f"which MassGen ({massgen_copy}) does not have")


def test_unexplained_chunk_type(massgen_copy: Path) -> None:
    edit(massgen_copy, "massgen/backend/grok.py", '        return "Grok"\n',
         '        return "Grok"\n\n    def _teleport(self):\n'
         '        return StreamChunk(\n            source="grok",\n            type="teleport_status",\n        )\n')
    lines = (massgen_copy / "massgen/backend/grok.py").read_text().splitlines()
    line = lines.index("        return StreamChunk(") + 1
    problems = check_facts(load_copy(massgen_copy))
    assert problems == [f"docs/reference/stream-chunks.md: chunk type `teleport_status` (massgen/backend/grok.py:{line}) "
                        "has no explanation under `types:` in massgen_guide/data/chunk_types.yaml"]


def test_new_chunk_type_enum_member(massgen_copy: Path) -> None:
    edit(massgen_copy, "massgen/stream_chunk/base.py", '    CONTENT = "content"\n',
         '    CONTENT = "content"\n    TELEPORT = "teleport"\n')
    loaded = load_copy(massgen_copy)
    fact = next(t for t in chunks.chunk_types(loaded) if t.value == "teleport")
    assert (fact.enum_member, fact.status) == ("TELEPORT", "enum only")
    assert check_facts(loaded) == ["docs/reference/stream-chunks.md: chunk type `teleport` (ChunkType.TELEPORT) has "
                                   "no explanation under `types:` in massgen_guide/data/chunk_types.yaml"]


def test_changed_backend_base_class(massgen_copy: Path) -> None:
    edit(massgen_copy, "massgen/backend/lmstudio.py", "class LMStudioBackend(ChatCompletionsBackend):",
         "class LMStudioBackend(ResponseBackend):")
    edit(massgen_copy, "massgen/backend/lmstudio.py", "from .chat_completions import ChatCompletionsBackend",
         "from .response import ResponseBackend")
    loaded = load_copy(massgen_copy)
    module = next(m for m in backends.backend_modules(loaded) if m.module == "lmstudio")
    assert module.classes[0].mro[0] == "massgen.backend.response.ResponseBackend"
    assert check_facts(loaded) == [
        "docs/reference/reference-backends.md: LMStudioBackend (massgen/backend/lmstudio.py:28) now subclasses "
        "(ResponseBackend); massgen_guide/data/reference_backends.yaml was written for (ChatCompletionsBackend): "
        "review `lmstudio`"]


def test_new_backend_module_needs_an_entry(massgen_copy: Path) -> None:
    (massgen_copy / "massgen/backend/teleport.py").write_text(
        "from .chat_completions import ChatCompletionsBackend\n\n\nclass TeleportBackend(ChatCompletionsBackend):\n"
        "    def get_provider_name(self) -> str:\n        return 'Teleport'\n")
    problems = check_facts(load_copy(massgen_copy))
    assert problems == ["docs/reference/reference-backends.md: backend module massgen/backend/teleport.py has no "
                        "entry in massgen_guide/data/reference_backends.yaml"]


def test_registries_follow_the_source(massgen_copy: Path) -> None:
    edit(massgen_copy, "massgen/cli/backends.py", '    elif backend_type == "zai":', '    elif backend_type in ("zai", "zhipu"):')
    edit(massgen_copy, "massgen/backend/base.py", '    MCP = "mcp"', '    MCP = "mcp"\n    REMOTE = "remote"')
    loaded = load_copy(massgen_copy)
    assert "zhipu" in [b.backend_type for b in registries.create_backend_types(loaded)]
    assert [m.name for m in registries.filesystem_support(loaded)] == ["NONE", "NATIVE", "MCP", "REMOTE"]
