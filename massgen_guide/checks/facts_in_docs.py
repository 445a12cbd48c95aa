"""Every facts check at once: used by `massgen-guide facts --check`, the tests and the benchmark."""

from __future__ import annotations

from pathlib import Path

from massgen_guide.checks.api_blocks import check_api_blocks
from massgen_guide.facts import backends, chunks, explanations, listing_data
from massgen_guide.facts.loading import LoadedMassGen
from massgen_guide.paths import DOCS_DIR


def check_facts(loaded: LoadedMassGen, docs_dir: Path = DOCS_DIR) -> list[str]:
    """All problems, one line each, naming the page and the missing or stale thing (empty when all is well)."""
    chunk_data = explanations.chunk_explanations()
    problems = explanations.check_chunk_fields(chunks.stream_chunk_fields(loaded), chunk_data)
    problems += explanations.check_chunk_types(chunks.chunk_types(loaded), chunk_data)
    problems += explanations.check_reference_backends(backends.backend_modules(loaded),
                                                      explanations.backend_explanations())
    problems += listing_data.check_listing_sites(listing_data.discover_in_source(loaded.source),
                                                 listing_data.listing_data())
    for page in sorted(docs_dir.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        if ":::" in text:
            problems += check_api_blocks(text, page.relative_to(docs_dir).as_posix(), loaded)
    return problems
