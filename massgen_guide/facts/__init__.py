"""The facts layer: what the site states about MassGen, read statically from MassGen's source.

- `loading`: one griffe load of the modules the site needs, cached in-process (keyed on the source and mtimes).
- `chunks`: StreamChunk fields, the `ChunkType` enum and a scan of chunk constructions across the package.
- `registries`: enums, dataclass fields, registries and class families (hooks, formatters, prompt sections).
- `backends`: the backend modules in `massgen/backend/` with their classes, bases and mixins.
- `explanations`: our data files (`massgen_guide/data/*.yaml`) and their completeness checks.
- `links`: file:line evidence turned into links.
- `apiref`: the `::: path` API entries on pages, their check against MassGen, and prose cross-references.
- `scan_cache`, `ast_util`: whole-package scans memoised on mtimes; reading function bodies with `ast`.
- `check`: every check at once (`check_facts`), used by the build, the CLI and the tests.
"""

from __future__ import annotations

from .loading import LoadedMassGen, load_massgen

__all__ = ["LoadedMassGen", "load_massgen"]
