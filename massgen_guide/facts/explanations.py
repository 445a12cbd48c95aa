"""Our explanations (data files in `massgen_guide/data/`) and their completeness checks against the source.

Each check returns problems as one-line strings naming the page that shows the table, the thing that is
missing or stale, and the data file to edit. The directives raise the first problem as the build error; the
`check_facts` function (module `check`) collects them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from massgen_guide.errors import GuideError
from massgen_guide.facts.backends import BackendModule
from massgen_guide.facts.chunks import ChunkField, ChunkTypeFact
from massgen_guide.facts.data_files import data_name, read_yaml
from massgen_guide.paths import DATA_DIR

CHUNK_TYPES_FILE = DATA_DIR / "chunk_types.yaml"
REFERENCE_BACKENDS_FILE = DATA_DIR / "reference_backends.yaml"
STREAM_CHUNKS_PAGE = "docs/reference/stream-chunks.md"
REFERENCE_BACKENDS_PAGE = "docs/reference/reference-backends.md"
BACKEND_DIR = "massgen/backend/"
ORCHESTRATOR_LEVEL = "Orchestrator-level"
"""An explanation starting with these words claims that no backend constructs the type; the check holds it to that."""


@dataclass(frozen=True)
class ChunkExplanations:
    fields: dict[str, str]
    types: dict[str, str]


def chunk_explanations(path: Path = CHUNK_TYPES_FILE) -> ChunkExplanations:
    data = read_yaml(path)
    fields, types = data.get("fields"), data.get("types")
    if not isinstance(fields, dict) or not isinstance(types, dict):
        raise GuideError(f"{data_name(path)} must have the mappings `fields:` and `types:`")
    return ChunkExplanations({str(k): str(v) for k, v in fields.items()}, {str(k): str(v) for k, v in types.items()})


def check_chunk_fields(fields: list[ChunkField], explained: ChunkExplanations, page: str = STREAM_CHUNKS_PAGE,
                       data: Path = CHUNK_TYPES_FILE) -> list[str]:
    names = [f.name for f in fields]
    problems = [f"{page}: StreamChunk field `{n}` (massgen/backend/base.py:{f.line}) has no explanation under "
                f"`fields:` in {data_name(data)}" for f in fields for n in [f.name] if n not in explained.fields]
    problems += [f"{page}: {data_name(data)} explains StreamChunk field `{n}`, which MassGen's StreamChunk "
                 f"no longer has" for n in explained.fields if n not in names]
    return problems


def check_chunk_types(types: list[ChunkTypeFact], explained: ChunkExplanations, page: str = STREAM_CHUNKS_PAGE,
                      data: Path = CHUNK_TYPES_FILE) -> list[str]:
    values = {t.value for t in types}
    problems = []
    for fact in types:
        if fact.value not in explained.types:
            where = fact.productions[0].label() if fact.productions else f"ChunkType.{fact.enum_member}"
            problems.append(f"{page}: chunk type `{fact.value}` ({where}) has no explanation under `types:` in "
                            f"{data_name(data)}")
    problems += [f"{page}: {data_name(data)} explains chunk type `{v}`, which MassGen neither declares in "
                 f"ChunkType nor constructs any more" for v in explained.types if v not in values]
    for fact in types:
        text = explained.types.get(fact.value, "")
        in_backends = [e for e in fact.productions if e.path.startswith(BACKEND_DIR)]
        if text.startswith(ORCHESTRATOR_LEVEL) and in_backends:
            problems.append(f"{page}: {data_name(data)} calls chunk type `{fact.value}` orchestrator-level, but "
                            f"{in_backends[0].label()} constructs it in a backend")
    return problems


@dataclass(frozen=True)
class BackendExplanation:
    module: str
    cls: str
    bases: tuple[str, ...]
    reference_for: str


def backend_explanations(path: Path = REFERENCE_BACKENDS_FILE) -> dict[str, BackendExplanation]:
    out = {}
    for module, entry in read_yaml(path).items():
        if not isinstance(entry, dict) or not {"class", "bases", "reference_for"} <= set(entry):
            raise GuideError(f"{data_name(path)}: entry `{module}` needs `class`, `bases` and `reference_for`")
        out[str(module)] = BackendExplanation(str(module), str(entry["class"]), tuple(map(str, entry["bases"])),
                                              str(entry["reference_for"]))
    return out


def check_reference_backends(modules: list[BackendModule], explained: dict[str, BackendExplanation],
                             page: str = REFERENCE_BACKENDS_PAGE, data: Path = REFERENCE_BACKENDS_FILE) -> list[str]:
    problems = []
    names = {m.module for m in modules}
    for module in modules:
        entry = explained.get(module.module)
        if entry is None:
            problems.append(f"{page}: backend module {module.path} has no entry in {data_name(data)}")
            continue
        cls = next((c for c in module.classes if c.name == entry.cls), None)
        if cls is None:
            found = ", ".join(c.name for c in module.classes)
            problems.append(f"{page}: {data_name(data)} describes class {entry.cls} in {module.path}, which now "
                            f"defines {found}")
        elif cls.bases != entry.bases:
            problems.append(f"{page}: {cls.name} ({cls.evidence.label()}) now subclasses ({', '.join(cls.bases)}); "
                            f"{data_name(data)} was written for ({', '.join(entry.bases)}): review `{module.module}`")
    problems += [f"{page}: {data_name(data)} describes backend module massgen/backend/{m}.py, which MassGen no "
                 f"longer has (or which no longer defines a backend)" for m in explained if m not in names]
    return problems
