"""Page generators: facts pages. Every table is read from MassGen's source through `massgen_guide.facts`."""

from __future__ import annotations

from collections.abc import Iterable

from massgen_guide import tables
from massgen_guide.errors import GuideError
from massgen_guide.facts import backends, chunks, explanations, registries
from massgen_guide.facts.links import Evidence, source_url
from massgen_guide.facts.loading import LoadedMassGen
from massgen_guide.md_text import code as _md_code
from massgen_guide.site.build_facts import generation_enabled, loaded_facts
from massgen_guide.site.directives import DirectiveCall, generator
from massgen_guide.tables import code as _code
from massgen_guide.tables import inline as _cell
from massgen_guide.tables import join


def table(call: DirectiveCall, headers: list[str], rows: Iterable[list], name: str = "") -> str:
    """The table (one model) in both renderings: HTML for the site, Markdown for the llms files."""
    model = tables.table(headers, name=name or call.name)
    for row in rows:
        model.add(*row)
    return tables.embed(model, call.page)


def _facts() -> LoadedMassGen:
    return loaded_facts()


def _ev(loaded: LoadedMassGen, evidence: Evidence | None) -> tables.Part:
    """A link showing `path:line` (or a dash)."""
    if not evidence:
        return tables.text("—")
    return tables.link(_code(evidence.label()), source_url(loaded.source, evidence.path, evidence.line))


def _page_name(call: DirectiveCall) -> str:
    return f"docs/{call.page}"


def _fail_on(problems: list[str]) -> None:
    if problems:
        more = f" (and {len(problems) - 1} more: run `massgen-guide facts --check`)" if len(problems) > 1 else ""
        raise GuideError(problems[0] + more)


def _short(path: str) -> str:
    return path.rsplit(".", 1)[-1]


@generator("stream-chunk-fields")
def stream_chunk_fields(call: DirectiveCall) -> str:
    if not generation_enabled():
        return ""
    loaded = _facts()
    fields = chunks.stream_chunk_fields(loaded)
    explained = explanations.chunk_explanations()
    _fail_on(explanations.check_chunk_fields(fields, explained, page=_page_name(call)))
    rows = [[_code(f.name), _code(f.annotation), "required" if f.default is None else _code(f.default),
             _cell(explained.fields[f.name]), _ev(loaded, Evidence("massgen/backend/base.py", f.line))]
            for f in fields]
    return table(call, ["Field", "Type", "Default", "What it carries", "Source"], rows)


def _short_ev(loaded: LoadedMassGen, evidence: Evidence) -> tables.Part:
    """A compact link: `codex.py:1520`, the full path in its title."""
    url = source_url(loaded.source, evidence.path, evidence.line)
    return tables.link(_code(f'{evidence.path.rsplit("/", 1)[-1]}:{evidence.line}'), url, evidence.path)


@generator("chunk-types")
def chunk_types(call: DirectiveCall) -> str:
    if not generation_enabled():
        return ""
    loaded = _facts()
    types = chunks.chunk_types(loaded)
    explained = explanations.chunk_explanations()
    _fail_on(explanations.check_chunk_types(types, explained, page=_page_name(call)))
    limit = int(call.arg("places", "2"))
    rows = []
    for fact in types:
        places = join([_short_ev(loaded, e) for e in fact.productions[:limit]])
        if len(fact.productions) > limit:
            places.append(tables.text(f" and {len(fact.productions) - limit} more"))
        status = [tables.text(f"{fact.status} ("), _code(fact.enum_member), tables.text(")")] if fact.enum_member \
            else tables.text(fact.status)
        in_backends = sum(1 for e in fact.productions if e.path.startswith(explanations.BACKEND_DIR))
        count = f"{len(fact.productions)} ({in_backends} in backends)" if fact.productions else "0"
        rows.append([_code(fact.value), status, tables.text(count), places or "—", _cell(explained.types[fact.value])])
    in_both = sum(1 for t in types if t.status == "both")
    only_enum = sum(1 for t in types if t.status == "enum only")
    only_emitted = sum(1 for t in types if t.status == "emitted only")
    summary = (f"{len(types)} chunk types: {in_both} declared and constructed, {only_enum} declared in "
               f"`ChunkType` only, {only_emitted} constructed without being declared.\n\n")
    return summary + table(call, ["Type", "Declared / emitted (`ChunkType` member)", "Constructions",
                                  "Where (file:line)", "Meaning"], rows)


def _enum_table(call: DirectiveCall, loaded: LoadedMassGen, members: list[registries.EnumMember]) -> str:
    return table(call, ["Member", "Value", "Source"],
                 [[_code(m.name), _code(repr(m.value)), _ev(loaded, m.evidence)] for m in members])


@generator("filesystem-support")
def filesystem_support(call: DirectiveCall) -> str:
    if not generation_enabled():
        return ""
    loaded = _facts()
    return _enum_table(call, loaded, registries.filesystem_support(loaded))


@generator("hook-types")
def hook_types(call: DirectiveCall) -> str:
    if not generation_enabled():
        return ""
    loaded = _facts()
    return _enum_table(call, loaded, registries.hook_types(loaded))


@generator("backend-capabilities-fields")
def backend_capabilities_fields(call: DirectiveCall) -> str:
    if not generation_enabled():
        return ""
    loaded = _facts()
    rows = [[_code(f.name), _code(f.annotation), "required" if f.default is None else _code(f.default),
             _ev(loaded, f.evidence)] for f in registries.backend_capabilities_fields(loaded)]
    return table(call, ["Field", "Type", "Default", "Source"], rows)


@generator("builtin-hooks")
def builtin_hooks(call: DirectiveCall) -> str:
    if not generation_enabled():
        return ""
    loaded = _facts()
    rows = []
    for hook in registries.builtin_hooks(loaded):
        kinds = sorted({kind for kind, _ in hook.registrations})
        where = join([_ev(loaded, e) for _, e in hook.registrations[:2]])
        if len(hook.registrations) > 2:
            where.append(tables.text(f" and {len(hook.registrations) - 2} more"))
        rows.append([_code(hook.name), _code(hook.module or "?"), _ev(loaded, hook.evidence),
                     join([_code(f"HookType.{k}") for k in kinds]) or "not registered by MassGen itself",
                     where or "—"])
    return table(call, ["Hook class", "Module", "Defined at", "Registered as", "Registered at"], rows)


def _class_table(call: DirectiveCall, loaded: LoadedMassGen, facts: list[registries.ClassFact]) -> str:
    rows = [[_code(f.name), _code(f.path.rsplit(".", 1)[0]), join([_code(b) for b in f.bases]) or "—",
             _ev(loaded, f.evidence)] for f in facts]
    return table(call, ["Class", "Module", "Bases", "Source"], rows)


@generator("formatters")
def formatters(call: DirectiveCall) -> str:
    if not generation_enabled():
        return ""
    loaded = _facts()
    return _class_table(call, loaded, registries.formatter_classes(loaded))


@generator("api-params-handlers")
def api_params_handlers(call: DirectiveCall) -> str:
    if not generation_enabled():
        return ""
    loaded = _facts()
    return _class_table(call, loaded, registries.api_params_handler_classes(loaded))


@generator("system-prompt-sections")
def system_prompt_sections(call: DirectiveCall) -> str:
    if not generation_enabled():
        return ""
    loaded = _facts()
    rows = [[_code(s.cls.name), "—" if s.title is None else tables.text(s.title),
             "—" if s.priority is None else _code(s.priority), "—" if s.xml_tag is None else _code(s.xml_tag),
             _ev(loaded, s.cls.evidence)] for s in registries.system_prompt_sections(loaded)]
    return table(call, ["Section class", "Title", "Priority", "XML tag", "Source"], rows)


@generator("backend-types")
def backend_types(call: DirectiveCall) -> str:
    if not generation_enabled():
        return ""
    loaded = _facts()
    branches = registries.create_backend_types(loaded)
    capability_keys = dict(registries.backend_capabilities_keys(loaded))
    names = list(dict.fromkeys([b.backend_type for b in branches] + list(capability_keys)))
    by_type = {b.backend_type: b for b in branches}
    rows = []
    for name in names:
        branch = by_type.get(name)
        rows.append([_code(name),
                     _ev(loaded, branch.evidence) if branch else tables.text("no branch"),
                     _code(branch.creates) if branch and branch.creates else "—",
                     _ev(loaded, capability_keys[name]) if name in capability_keys else tables.text("no entry")])
    return table(call, ["Backend type", "`create_backend` branch", "Creates", "`BACKEND_CAPABILITIES` entry"], rows)


@generator("reference-backends")
def reference_backends(call: DirectiveCall) -> str:
    if not generation_enabled():
        return ""
    loaded = _facts()
    modules = backends.backend_modules(loaded)
    explained = explanations.backend_explanations()
    _fail_on(explanations.check_reference_backends(modules, explained, page=_page_name(call)))
    rows = []
    for module in modules:
        link_text = tables.link(_code(module.path.rsplit("/", 1)[-1]), source_url(loaded.source, module.path),
                                module.path)
        for cls in module.classes:
            chain = join([_code(_short(p)) for p in (cls.path, *cls.base_chain)], " → ")
            mixins = join([_code(_short(p)) for p in cls.mixins]) or "—"
            rows.append([link_text, tables.text(module.lines), chain, mixins,
                         _cell(explained[module.module].reference_for)])
    return table(call, ["Module", "Lines", "Class → base classes (MRO)", "Mixins", "A good reference for"], rows)


@generator("stream-chunk-summary")
def stream_chunk_summary(call: DirectiveCall) -> str:
    """A few lines for a phase page: the StreamChunk fields and the chunk types backends yield most, each
    linked to the reference page, whose tables have the rest (the phase pages summarise and link)."""
    if not generation_enabled():
        return ""
    loaded = _facts()
    fields = chunks.stream_chunk_fields(loaded)
    types = chunks.chunk_types(loaded)
    limit = int(call.arg("types", "8"))
    reference = call.arg("reference", "../reference/stream-chunks.md")
    in_backends = sorted(
        ((sum(1 for e in t.productions if e.path.startswith(explanations.BACKEND_DIR)), t.value) for t in types),
        key=lambda item: (-item[0], item[1]))
    common = [value for count, value in in_backends if count][:limit]
    required = [f.name for f in fields if f.default is None]
    return (f"`StreamChunk` has {len(fields)} fields: "
            + ", ".join(_md_code(f.name) for f in fields)
            + f" ({', '.join(_md_code(name) for name in required)} required; "
            f"[every field with its type, default and meaning]({reference}#fields)).\n\n"
            f"MassGen's code constructs {len(types)} chunk types; the ones its backends yield most are "
            + ", ".join(_md_code(value) for value in common)
            + f" ([every type, who produces it and what it means]({reference}#chunk-types)).\n")
