"""docs/reference/reference-backends.md: modules, line counts, classes, bases and MRO against the imported
backend modules."""

from __future__ import annotations

import inspect
from pathlib import Path

from massgen_guide.facts import backends


def test_backend_modules_match_the_imported_package(facts, backend_package) -> None:
    from massgen.backend.base import LLMBackend

    real = {}
    for name, module in backend_package.items():
        classes = [c for _, c in inspect.getmembers(module, inspect.isclass)
                   if c.__module__ == module.__name__ and issubclass(c, LLMBackend) and c is not LLMBackend]
        if classes:
            real[name] = classes
    ours = {m.module: m for m in backends.backend_modules(facts)}
    assert set(ours) == set(real)
    for name, classes in real.items():
        module = ours[name]
        path = Path(backend_package[name].__file__)
        assert module.lines == len(path.read_text(encoding="utf-8").splitlines())
        assert module.path == f"massgen/backend/{path.name}"
        assert [c.name for c in module.classes] == [c.__name__ for c in sorted(classes, key=lambda c: inspect.getsourcelines(c)[1])]
        for cls in classes:
            static = next(c for c in module.classes if c.name == cls.__name__)
            assert static.bases == tuple(b.__name__ for b in cls.__bases__)
            massgen_mro = tuple(f"{k.__module__}.{k.__qualname__}" for k in cls.__mro__[1:]
                                if k.__module__.startswith("massgen."))
            assert static.mro == massgen_mro


def test_table_has_a_row_per_backend_class(render, facts) -> None:
    table = render("reference-backends")
    modules = backends.backend_modules(facts)
    rows = [line for line in table.splitlines() if line.startswith("| [`")]
    assert len(rows) == sum(len(m.classes) for m in modules)
    chat = next(row for row in rows if row.startswith("| [`chat_completions.py`]("))
    assert ("https://github.com/massgen/MassGen/blob/v0.1.97/massgen/backend/chat_completions.py "
            '"massgen/backend/chat_completions.py")') in chat
    assert ("| `ChatCompletionsBackend` → `CustomToolAndMCPBackend` → `LLMBackend` | `StreamingBufferMixin` |"
            in chat)
    grok = next(row for row in rows if row.startswith("| [`grok.py`]("))
    assert "| `GrokBackend` → `ResponseBackend` → `CustomToolAndMCPBackend` → `LLMBackend` |" in grok
