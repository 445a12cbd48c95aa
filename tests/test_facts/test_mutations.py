"""Change a copy of MassGen's source and watch the facts check fail, naming the page and the changed thing.

The facts check reports every problem at once, so the mutations share one copy and one load (a griffe load of a
copy costs seconds): each test finds its own problem in the report, and one test asserts the report holds those
problems and no other."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from massgen_guide.checks.facts_in_docs import check_facts
from massgen_guide.facts import backends, chunks, registries
from massgen_guide.facts.loading import LoadedMassGen
from tests.test_facts.facts_helpers import copy_massgen, edit, load_copy


@dataclass(frozen=True)
class Mutated:
    root: Path
    loaded: LoadedMassGen
    problems: list[str]
    grok_line: int
    """The line of the `return StreamChunk(` that yields the unexplained chunk type."""


@pytest.fixture(scope="module")
def mutated(tmp_path_factory) -> Mutated:
    """One copy of MassGen with every mutation below, loaded once, and its facts check."""
    root = copy_massgen(tmp_path_factory.mktemp("facts-mutated") / "MassGen")
    # a removed StreamChunk field
    edit(root, "massgen/backend/base.py", "    usage: dict[str, Any] | None = None  # Token usage", "    # Token usage")
    # a renamed LLMBackend method that the API page lists
    edit(root, "massgen/backend/base.py", "def record_first_token(self)", "def record_first_output_token(self)")
    # a chunk type yielded by a backend, with no explanation
    edit(root, "massgen/backend/grok.py", '        return "Grok"\n',
         '        return "Grok"\n\n    def _teleport(self):\n'
         '        return StreamChunk(\n            source="grok",\n            type="teleport_status",\n        )\n')
    grok_line = (root / "massgen/backend/grok.py").read_text().splitlines().index("        return StreamChunk(") + 1
    # a new ChunkType member
    edit(root, "massgen/stream_chunk/base.py", '    CONTENT = "content"\n',
         '    CONTENT = "content"\n    TELEPORT = "teleport"\n')
    # a reference backend changes its base class
    edit(root, "massgen/backend/lmstudio.py", "class LMStudioBackend(ChatCompletionsBackend):",
         "class LMStudioBackend(ResponseBackend):")
    edit(root, "massgen/backend/lmstudio.py", "from .chat_completions import ChatCompletionsBackend",
         "from .response import ResponseBackend")
    # a new backend module
    (root / "massgen/backend/teleport.py").write_text(
        "from .chat_completions import ChatCompletionsBackend\n\n\nclass TeleportBackend(ChatCompletionsBackend):\n"
        "    def get_provider_name(self) -> str:\n        return 'Teleport'\n")
    # registries
    edit(root, "massgen/cli/backends.py", '    elif backend_type == "zai":',
         '    elif backend_type in ("zai", "zhipu"):')
    edit(root, "massgen/backend/base.py", '    MCP = "mcp"', '    MCP = "mcp"\n    REMOTE = "remote"')
    loaded = load_copy(root)
    return Mutated(root, loaded, check_facts(loaded), grok_line)


REMOVED_FIELD = ("docs/reference/stream-chunks.md: massgen_guide/data/chunk_types.yaml explains StreamChunk field "
                 "`usage`, which MassGen's StreamChunk no longer has")
NEW_ENUM_MEMBER = ("docs/reference/stream-chunks.md: chunk type `teleport` (ChunkType.TELEPORT) has no explanation "
                   "under `types:` in massgen_guide/data/chunk_types.yaml")
CHANGED_BASE = ("docs/reference/reference-backends.md: LMStudioBackend (massgen/backend/lmstudio.py:28) now subclasses "
                "(ResponseBackend); massgen_guide/data/reference_backends.yaml was written for "
                "(ChatCompletionsBackend): review `lmstudio`")
NEW_MODULE = ("docs/reference/reference-backends.md: backend module massgen/backend/teleport.py has no entry in "
              "massgen_guide/data/reference_backends.yaml")


def renamed_method(mutated: Mutated) -> list[str]:
    return [p for p in mutated.problems if "`record_first_token`" in p]


def unexplained_type(mutated: Mutated) -> str:
    return (f"docs/reference/stream-chunks.md: chunk type `teleport_status` (massgen/backend/grok.py:"
            f"{mutated.grok_line}) has no explanation under `types:` in massgen_guide/data/chunk_types.yaml")


def test_unchanged_copy_has_no_problems(massgen_copy: Path) -> None:
    loaded = load_copy(massgen_copy)
    assert loaded.source.kind == "checkout"
    assert loaded.source.package_dir == (massgen_copy / "massgen").resolve()
    assert check_facts(loaded) == []


def test_each_mutation_is_one_problem_and_there_is_no_other(mutated: Mutated) -> None:
    assert sorted(mutated.problems) == sorted([REMOVED_FIELD, *renamed_method(mutated), unexplained_type(mutated),
                                               NEW_ENUM_MEMBER, CHANGED_BASE, NEW_MODULE]), mutated.problems


def test_removed_stream_chunk_field(mutated: Mutated) -> None:
    assert "usage" not in [f.name for f in chunks.stream_chunk_fields(mutated.loaded)]
    assert REMOVED_FIELD in mutated.problems


def test_renamed_record_first_token(mutated: Mutated) -> None:
    problems = renamed_method(mutated)
    assert len(problems) == 1
    assert problems[0].startswith("docs/reference/api.md:")
    assert problems[0].endswith("API entry `massgen.backend.base.LLMBackend` lists member `record_first_token`, "
                                f"which MassGen ({mutated.root}) does not have")


def test_unexplained_chunk_type(mutated: Mutated) -> None:
    assert unexplained_type(mutated) in mutated.problems


def test_new_chunk_type_enum_member(mutated: Mutated) -> None:
    fact = next(t for t in chunks.chunk_types(mutated.loaded) if t.value == "teleport")
    assert (fact.enum_member, fact.status) == ("TELEPORT", "enum only")
    assert NEW_ENUM_MEMBER in mutated.problems


def test_changed_backend_base_class(mutated: Mutated) -> None:
    module = next(m for m in backends.backend_modules(mutated.loaded) if m.module == "lmstudio")
    assert module.classes[0].mro[0] == "massgen.backend.response.ResponseBackend"
    assert CHANGED_BASE in mutated.problems


def test_new_backend_module_needs_an_entry(mutated: Mutated) -> None:
    assert NEW_MODULE in mutated.problems


def test_registries_follow_the_source(mutated: Mutated) -> None:
    assert "zhipu" in [b.backend_type for b in registries.create_backend_types(mutated.loaded)]
    assert [m.name for m in registries.filesystem_support(mutated.loaded)] == ["NONE", "NATIVE", "MCP", "REMOTE"]
