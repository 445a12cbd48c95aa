"""Enumerations, dataclass fields, registries and class families the pages list."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import griffe

from massgen_guide.errors import GuideError
from massgen_guide.facts.ast_util import call_name, literal, object_ast
from massgen_guide.facts.chunks import enum_members, is_test_file
from massgen_guide.facts.links import Evidence
from massgen_guide.facts.loading import LoadedMassGen
from massgen_guide.facts.scan_cache import cached_scan

FILESYSTEM_SUPPORT = "massgen.backend.base.FilesystemSupport"
HOOK_TYPE = "massgen.mcp_tools.hooks.HookType"
BACKEND_CAPABILITIES_CLASS = "massgen.backend.capabilities.BackendCapabilities"
BACKEND_CAPABILITIES_REGISTRY = "massgen.backend.capabilities.BACKEND_CAPABILITIES"
CREATE_BACKEND = "massgen.cli.backends.create_backend"
FUNCTION_HOOK = "massgen.mcp_tools.hooks.FunctionHook"
HOOKS_MODULE = "massgen.mcp_tools.hooks"
FORMATTER_BASE = "massgen.formatter._formatter_base.FormatterBase"
API_PARAMS_HANDLER_BASE = "massgen.api_params_handler._api_params_handler_base.APIParamsHandlerBase"
SECTION_BASE = "massgen.system_prompt_sections.SystemPromptSection"


@dataclass(frozen=True)
class EnumMember:
    name: str
    value: str
    evidence: Evidence


@dataclass(frozen=True)
class DataField:
    name: str
    annotation: str
    default: str | None
    evidence: Evidence


@dataclass(frozen=True)
class ClassFact:
    """A class found in the loaded modules."""

    path: str
    """Dotted path, e.g. `massgen.formatter._claude_formatter.ClaudeFormatter`."""
    name: str
    evidence: Evidence
    bases: tuple[str, ...]
    """Bases as written in the source."""


def _evidence(loaded: LoadedMassGen, obj: griffe.Object | griffe.Alias) -> Evidence:
    return Evidence(loaded.relative(obj.filepath), obj.lineno or 0)  # type: ignore[arg-type]


def enum_facts(loaded: LoadedMassGen, path: str) -> list[EnumMember]:
    obj = loaded.get(path)
    rel = loaded.relative(obj.filepath)  # type: ignore[arg-type]
    return [EnumMember(name, value, Evidence(rel, line)) for name, value, line in enum_members(loaded, path)]


def filesystem_support(loaded: LoadedMassGen) -> list[EnumMember]:
    return enum_facts(loaded, FILESYSTEM_SUPPORT)


def hook_types(loaded: LoadedMassGen) -> list[EnumMember]:
    return enum_facts(loaded, HOOK_TYPE)


def dataclass_fields(loaded: LoadedMassGen, path: str) -> list[DataField]:
    """The annotated attributes of a dataclass, in order, with defaults as written."""
    cls = loaded.get(path)
    out = []
    for name, member in cls.members.items():
        if member.is_alias or not member.is_attribute or member.annotation is None:
            continue
        default = None if member.value is None else str(member.value)
        out.append(DataField(name, str(member.annotation), default, _evidence(loaded, member)))
    return out


def backend_capabilities_fields(loaded: LoadedMassGen) -> list[DataField]:
    return dataclass_fields(loaded, BACKEND_CAPABILITIES_CLASS)


def backend_capabilities_keys(loaded: LoadedMassGen) -> list[tuple[str, Evidence]]:
    """The keys of the `BACKEND_CAPABILITIES` dict literal, in source order."""
    obj = loaded.get(BACKEND_CAPABILITIES_REGISTRY)
    rel = loaded.relative(obj.filepath)  # type: ignore[arg-type]
    tree = object_ast(obj)
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            return [(k.value, Evidence(rel, k.lineno)) for k in node.keys
                    if isinstance(k, ast.Constant) and isinstance(k.value, str)]
    raise GuideError(f"{BACKEND_CAPABILITIES_REGISTRY} is not a dict literal")


def _backend_type_values(test: ast.AST, variable: str) -> list[str]:
    """String values compared with `variable` in an if/elif test (`==`, `in (...)`, `or` of those)."""
    values: list[str] = []
    if isinstance(test, ast.BoolOp):
        for value in test.values:
            values += _backend_type_values(value, variable)
    elif isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == variable \
            and len(test.ops) == 1:
        right = test.comparators[0]
        if isinstance(test.ops[0], ast.Eq) and isinstance(right, ast.Constant) and isinstance(right.value, str):
            values.append(right.value)
        elif isinstance(test.ops[0], ast.In) and isinstance(right, (ast.Tuple, ast.List, ast.Set)):
            values += [e.value for e in right.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return values


@dataclass(frozen=True)
class BackendTypeBranch:
    backend_type: str
    evidence: Evidence
    creates: str | None
    """The class the branch instantiates when it returns `SomeBackend(...)` directly."""


def create_backend_types(loaded: LoadedMassGen) -> list[BackendTypeBranch]:
    """The backend types `create_backend` accepts, from its `if backend_type == ...` / `elif` branches."""
    func = loaded.get(CREATE_BACKEND)
    rel = loaded.relative(func.filepath)  # type: ignore[arg-type]
    variable = func.parameters[0].name if func.parameters else "backend_type"  # type: ignore[union-attr]
    out: list[BackendTypeBranch] = []
    for node in ast.walk(object_ast(func)):
        if not isinstance(node, ast.If):
            continue
        for value in _backend_type_values(node.test, variable):
            creates = None
            for stmt in ast.walk(ast.Module(body=node.body, type_ignores=[])):
                if isinstance(stmt, ast.Return) and call_name(stmt.value or ast.Pass()):
                    creates = call_name(stmt.value)  # type: ignore[arg-type]
                    break
            out.append(BackendTypeBranch(value, Evidence(rel, node.test.lineno), creates))
    if not out:
        raise GuideError(f"{CREATE_BACKEND} has no `if {variable} == \"...\"` branches")
    return out


def _subclasses(loaded: LoadedMassGen, module_paths: list[str], base: str, *, include_base: bool = False) -> list[ClassFact]:
    """Classes defined in the given modules whose resolved MRO contains `base`."""
    out = []
    for module_path in module_paths:
        module = loaded.get(module_path)
        for member in module.members.values():
            if member.is_alias or not member.is_class:
                continue
            try:
                mro = [c.path for c in member.mro()]
            except (ValueError, griffe.AliasResolutionError, griffe.CyclicAliasError):
                mro = [b.path for b in member.resolved_bases]
            if base in mro or (include_base and member.path == base):
                out.append(ClassFact(member.path, member.name, _evidence(loaded, member),
                                     tuple(str(b) for b in member.bases)))
    return out


def package_modules(loaded: LoadedMassGen, package: str) -> list[str]:
    module = loaded.get(package)
    return sorted(m.path for m in module.modules.values() if not m.is_alias)


def formatter_classes(loaded: LoadedMassGen) -> list[ClassFact]:
    return _subclasses(loaded, package_modules(loaded, "massgen.formatter"), FORMATTER_BASE, include_base=True)


def api_params_handler_classes(loaded: LoadedMassGen) -> list[ClassFact]:
    return _subclasses(loaded, package_modules(loaded, "massgen.api_params_handler"), API_PARAMS_HANDLER_BASE,
                       include_base=True)


@dataclass(frozen=True)
class SectionFact:
    cls: ClassFact
    title: object
    priority: object
    xml_tag: object


def system_prompt_sections(loaded: LoadedMassGen) -> list[SectionFact]:
    """Subclasses of `SystemPromptSection`, with the title, priority and XML tag their `__init__` passes up."""
    out = []
    for fact in _subclasses(loaded, ["massgen.system_prompt_sections"], SECTION_BASE):
        cls = loaded.get(fact.path)
        values: dict[str, object] = {}
        init = cls.members.get("__init__")
        if init is not None and not init.is_alias:
            for node in ast.walk(object_ast(init)):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "__init__":
                    values = {kw.arg: literal(kw.value) for kw in node.keywords if kw.arg}
                    break
        out.append(SectionFact(fact, values.get("title"), values.get("priority"), values.get("xml_tag")))
    return out


@dataclass
class HookFact:
    """A hook class and the hook types MassGen registers it under."""

    name: str
    module: str | None
    evidence: Evidence | None
    registrations: list[tuple[str, Evidence]] = field(default_factory=list)
    """(HookType member, where it is registered)."""


_IMPORT_RE = re.compile(r"register_global_hook\(")


@cached_scan
def _registrations(package_dir: Path) -> list[tuple[str, str, Evidence, dict[str, str]]]:
    """(HookType member, class name or expression, where, imports of the file) of each `register_global_hook`
    call with a literal `HookType.X`, outside tests."""
    root = package_dir.parent
    out = []
    attribute_classes: dict[str, str] = {}
    pending = []
    for path in sorted(package_dir.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if is_test_file(relative):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in re.finditer(r"\.(_?\w+_hook)\s*=\s*(\w+Hook)\(", text):
            attribute_classes.setdefault(match.group(1), match.group(2))
        if not _IMPORT_RE.search(text):
            continue
        tree = ast.parse(text)
        imports = {}
        package = relative.removesuffix(".py").split("/")[:-1]
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                base = package[: len(package) - node.level + 1] if node.level else []
                module = ".".join([*base, *([node.module] if node.module else [])])
                for alias in node.names:
                    imports[alias.asname or alias.name] = module
        for func in ast.walk(tree):
            if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            local: dict[str, str] = {}
            for node in ast.walk(func):
                if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                    name = call_name(node.value)
                    if name:
                        local[node.targets[0].id] = name
            for node in ast.walk(func):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and node.func.attr == "register_global_hook" and len(node.args) >= 2):
                    continue
                kind = node.args[0]
                if not (isinstance(kind, ast.Attribute) and isinstance(kind.value, ast.Name) and kind.value.id == "HookType"):
                    continue
                target = node.args[1]
                name = call_name(target)
                if name is None and isinstance(target, ast.Name):
                    name = local.get(target.id)
                if name is None and isinstance(target, ast.Attribute):
                    pending.append((kind.attr, target.attr, Evidence(relative, node.lineno), imports))
                    continue
                out.append((kind.attr, name or ast.unparse(target), Evidence(relative, node.lineno), imports))
    for kind, attr, evidence, imports in pending:
        out.append((kind, attribute_classes.get(attr, attr), evidence, imports))
    return out


def builtin_hooks(loaded: LoadedMassGen) -> list[HookFact]:
    """Hook classes defined in `massgen/mcp_tools/hooks.py` (subclasses of `FunctionHook`) plus any other class
    MassGen registers with `register_global_hook`, each with the hook types it is registered under."""
    facts: dict[str, HookFact] = {}
    for cls in _subclasses(loaded, [HOOKS_MODULE], FUNCTION_HOOK, include_base=True):
        facts[cls.name] = HookFact(cls.name, HOOKS_MODULE, cls.evidence)
    for kind, name, evidence, imports in _registrations(loaded.source.package_dir):
        if name not in facts:
            module = imports.get(name)
            facts[name] = HookFact(name, module, None)
        facts[name].registrations.append((kind, evidence))
    return sorted(facts.values(), key=lambda h: (h.evidence is None, h.evidence.line if h.evidence else 0, h.name))
