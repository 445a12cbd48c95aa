"""The backend modules in `massgen/backend/`: file, size, backend classes, their bases, mixins and MRO."""

from __future__ import annotations

from dataclasses import dataclass

import griffe

from massgen_guide.facts.links import Evidence
from massgen_guide.facts.loading import LoadedMassGen

LLM_BACKEND = "massgen.backend.base.LLMBackend"
BACKEND_PACKAGE = "massgen.backend"


@dataclass(frozen=True)
class BackendClass:
    name: str
    path: str
    evidence: Evidence
    bases: tuple[str, ...]
    """Direct bases as written in the source."""
    mro: tuple[str, ...]
    """The resolved MRO (dotted paths, without the class itself); classes outside the loaded modules (e.g.
    `ABC`) cannot be resolved statically and are left out."""

    @property
    def mixins(self) -> tuple[str, ...]:
        return tuple(p for p in self.mro if p.rsplit(".", 1)[-1].endswith("Mixin"))

    @property
    def base_chain(self) -> tuple[str, ...]:
        """The MRO without the mixins: the chain of base classes up to `LLMBackend`."""
        return tuple(p for p in self.mro if p not in self.mixins)


@dataclass(frozen=True)
class BackendModule:
    module: str
    """Module name, e.g. `chat_completions`."""
    path: str
    """Repository path, e.g. `massgen/backend/chat_completions.py`."""
    lines: int
    classes: tuple[BackendClass, ...]


def _mro(cls: griffe.Class) -> tuple[str, ...]:
    try:
        return tuple(c.path for c in cls.mro())
    except (ValueError, griffe.AliasResolutionError, griffe.CyclicAliasError):
        return tuple(b.path for b in cls.resolved_bases)


def backend_modules(loaded: LoadedMassGen) -> list[BackendModule]:
    """Every module of `massgen/backend/` defining a subclass of `LLMBackend`, sorted by name."""
    package = loaded.get(BACKEND_PACKAGE)
    out = []
    for name, module in sorted(package.modules.items()):
        if module.is_alias or module.filepath is None:
            continue
        classes = []
        for member in module.classes.values():
            if member.is_alias:
                continue
            mro = _mro(member)  # type: ignore[arg-type]
            if LLM_BACKEND not in mro:
                continue
            classes.append(BackendClass(member.name, member.path, Evidence(loaded.relative(member.filepath), member.lineno or 0),
                                        tuple(str(b) for b in member.bases), mro))
        if not classes:
            continue
        rel = loaded.relative(module.filepath)  # type: ignore[arg-type]
        lines = len(loaded.lines_collection[module.filepath]) if module.filepath in loaded.lines_collection \
            else len(module.filepath.read_text(encoding="utf-8").splitlines())  # type: ignore[union-attr]
        out.append(BackendModule(name, rel, lines, tuple(classes)))
    return out
