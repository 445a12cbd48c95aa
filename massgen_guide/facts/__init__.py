"""The facts layer: what the site states about MassGen, read statically from MassGen's source.

- `loading`: one griffe load of the modules the site needs, cached in-process (keyed on the source and mtimes).
- `chunks`: StreamChunk fields, the `ChunkType` enum and a scan of chunk constructions across the package.
- `registries`: enums, dataclass fields, registries and class families (hooks, formatters, prompt sections).
- `backends`: the backend modules in `massgen/backend/` with their classes, bases and mixins.
- `explanations`: our data files (`massgen_guide/data/*.yaml`) and their completeness checks.
- `links`: file:line evidence turned into links.
- `scan_cache`, `ast_util`: whole-package scans memoised on mtimes; reading function bodies with `ast`.
- `tree`: a MassGen tree read as files and syntax trees (the code-name index the audit's evidence rule uses).
- `checklist`: the integration checklist as typed data (`data/checklist.yaml`).
- `listing_sites`, `listing_data`: where MassGen lists its providers, discovered and explained.
- `price_map`: LiteLLM's price map as the audited tree's environment sees it.
- `collector`: Python's cyclic garbage collector off around the reads that build millions of objects (a load, an
  audit, a site build).

May import `source` only (and `errors`, `paths`). The checks of the pages against these facts live in `checks`.
Importing the package imports none of its modules, so the audit reads `tree` and `checklist` without griffe.
"""
