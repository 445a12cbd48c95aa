"""docs/reference/enums-and-registries.md: each table against MassGen itself (imported)."""

from __future__ import annotations

import dataclasses
import inspect
import re

from massgen_guide.facts import registries


def _rows(table: str) -> list[list[str]]:
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in table.splitlines()
            if line.startswith("| `")]


def test_filesystem_support(render, facts, massgen_imported) -> None:
    from massgen.backend.base import FilesystemSupport

    assert [(m.name, m.value) for m in registries.filesystem_support(facts)] == \
        [(m.name, m.value) for m in FilesystemSupport]
    assert [row[0] for row in _rows(render("filesystem-support"))] == [f"`{m.name}`" for m in FilesystemSupport]


def test_hook_types(render, facts, massgen_imported) -> None:
    from massgen.mcp_tools.hooks import HookType

    assert [(m.name, m.value) for m in registries.hook_types(facts)] == [(m.name, m.value) for m in HookType]
    assert len(_rows(render("hook-types"))) == len(HookType)


def test_backend_capabilities_fields(render, facts, massgen_imported) -> None:
    from massgen.backend.capabilities import BackendCapabilities

    real = dataclasses.fields(BackendCapabilities)
    ours = registries.backend_capabilities_fields(facts)
    def spelled(annotation: object) -> str:  # the module has no `from __future__ import annotations`
        return annotation if isinstance(annotation, str) else annotation.__name__ if isinstance(annotation, type) \
            else str(annotation)

    assert [(f.name, f.annotation) for f in ours] == [(f.name, spelled(f.type)) for f in real]
    for mine, theirs in zip(ours, real):
        assert mine.default == (None if theirs.default is dataclasses.MISSING else repr(theirs.default))
    assert [row[0] for row in _rows(render("backend-capabilities-fields"))] == [f"`{f.name}`" for f in real]


def test_backend_types(render, facts, massgen_imported) -> None:
    from massgen.backend.capabilities import BACKEND_CAPABILITIES
    from massgen.cli.backends import create_backend

    assert [k for k, _ in registries.backend_capabilities_keys(facts)] == list(BACKEND_CAPABILITIES)
    source = inspect.getsource(create_backend)
    compared = re.findall(r'^\s*(?:if|elif) backend_type == "(\w+)"', source, re.MULTILINE)
    ours = [b.backend_type for b in registries.create_backend_types(facts)]
    assert ours == compared
    rows = _rows(render("backend-types"))
    assert {row[0].strip("`") for row in rows} == set(ours) | set(BACKEND_CAPABILITIES)
    no_branch = {row[0].strip("`") for row in rows if row[1] == "no branch"}
    assert no_branch == set(BACKEND_CAPABILITIES) - set(ours)


def _subclasses(base: type) -> set[type]:
    found, todo = set(), [base]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return found


def test_formatters_and_params_handlers(render, facts, massgen_imported) -> None:
    import massgen.api_params_handler  # noqa: F401
    import massgen.formatter  # noqa: F401
    from massgen.api_params_handler._api_params_handler_base import APIParamsHandlerBase
    from massgen.formatter._formatter_base import FormatterBase

    for base, ours, package in ((FormatterBase, registries.formatter_classes(facts), "massgen.formatter."),
                                (APIParamsHandlerBase, registries.api_params_handler_classes(facts),
                                 "massgen.api_params_handler.")):
        real = {f"{c.__module__}.{c.__qualname__}" for c in _subclasses(base) | {base}
                if c.__module__.startswith(package)}
        assert {c.path for c in ours} == real
    assert len(_rows(render("formatters"))) == len(registries.formatter_classes(facts))
    assert len(_rows(render("api-params-handlers"))) == len(registries.api_params_handler_classes(facts))


def test_system_prompt_sections(render, facts, massgen_imported) -> None:
    import massgen.system_prompt_sections as module

    real = {c.__name__: inspect.getsourcelines(c)[1] for c in _subclasses(module.SystemPromptSection)
            if c.__module__ == module.__name__}
    ours = {s.cls.name: s.cls.evidence.line for s in registries.system_prompt_sections(facts)}
    assert ours == real
    identity = next(s for s in registries.system_prompt_sections(facts) if s.cls.name == "AgentIdentitySection")
    assert (identity.title, identity.priority, identity.xml_tag) == ("Agent Identity", 1, "agent_identity")
    assert len(_rows(render("system-prompt-sections"))) == len(real)


def test_builtin_hooks(render, facts, massgen_imported) -> None:
    import massgen.mcp_tools.hooks as hooks

    real = {c.__name__ for c in _subclasses(hooks.FunctionHook) | {hooks.FunctionHook} if c.__module__ == hooks.__name__}
    ours = registries.builtin_hooks(facts)
    assert {h.name for h in ours if h.module == hooks.__name__} == real
    by_name = {h.name: {k for k, _ in h.registrations} for h in ours}
    # Each registration read from the source is a real HookType member.
    assert set().union(*by_name.values()) <= {m.name for m in hooks.HookType}
    assert by_name["RoundTimeoutPreHook"] == {"PRE_TOOL_USE"}
    assert by_name["MidStreamInjectionHook"] == {"POST_TOOL_USE"}
    for hook in ours:
        if hook.module and hook.module != hooks.__name__:
            imported = __import__(hook.module, fromlist=[hook.name])
            assert issubclass(getattr(imported, hook.name), hooks.FunctionHook), hook.name
    assert "`HookType.PRE_TOOL_USE`" in render("builtin-hooks")
