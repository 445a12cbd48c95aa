"""`massgen-guide facts [--json] [--check]`: what the facts layer reads from the selected MassGen."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from massgen_guide.checks.facts_in_docs import check_facts
from massgen_guide.facts import backends, chunks, registries
from massgen_guide.facts.loading import load_massgen
from massgen_guide.source.selection import MassGenSource, chosen_source, current_source


def summary(source: MassGenSource | None = None) -> dict[str, Any]:
    """Counts and names of everything the site generates from MassGen's source."""
    source = source or current_source()
    start = time.perf_counter()
    loaded = load_massgen(source)
    types = chunks.chunk_types(loaded)
    return {
        "source": {"kind": source.kind, "label": source.label, "version": source.version,
                   "package_dir": str(source.package_dir)},
        "griffe_load_seconds": round(loaded.seconds, 3),
        "modules_loaded": len(loaded.files),
        "stream_chunk_fields": [f.name for f in chunks.stream_chunk_fields(loaded)],
        "chunk_types": {t.value: {"status": t.status, "constructions": len(t.productions)} for t in types},
        "filesystem_support": [m.name for m in registries.filesystem_support(loaded)],
        "backend_capabilities_fields": [f.name for f in registries.backend_capabilities_fields(loaded)],
        "backend_capabilities_keys": [k for k, _ in registries.backend_capabilities_keys(loaded)],
        "create_backend_types": [b.backend_type for b in registries.create_backend_types(loaded)],
        "hook_types": [m.name for m in registries.hook_types(loaded)],
        "builtin_hooks": {h.name: sorted({k for k, _ in h.registrations}) for h in registries.builtin_hooks(loaded)},
        "formatters": [c.name for c in registries.formatter_classes(loaded)],
        "api_params_handlers": [c.name for c in registries.api_params_handler_classes(loaded)],
        "system_prompt_sections": [s.cls.name for s in registries.system_prompt_sections(loaded)],
        "backend_modules": {m.module: {"lines": m.lines, "classes": [c.name for c in m.classes]}
                            for m in backends.backend_modules(loaded)},
        "problems": check_facts(loaded),
        "seconds": round(time.perf_counter() - start, 3),
    }


def run(args: argparse.Namespace) -> int:
    data = summary(chosen_source(args.massgen))
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        src = data["source"]
        print(f"MassGen {src['version']} ({src['kind']}: {src['label']}) at {src['package_dir']}")
        print(f"griffe load: {data['modules_loaded']} files in {data['griffe_load_seconds']} s")
        print(f"StreamChunk fields: {len(data['stream_chunk_fields'])}")
        counts: dict[str, int] = {}
        for info in data["chunk_types"].values():
            counts[info["status"]] = counts.get(info["status"], 0) + 1
        print(f"chunk types: {len(data['chunk_types'])} ("
              + ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) + ")")
        for name, info in data["chunk_types"].items():
            print(f"  {name:32} {info['status']:13} {info['constructions']}")
        for key in ("filesystem_support", "hook_types", "backend_capabilities_fields", "backend_capabilities_keys",
                    "create_backend_types", "formatters", "api_params_handlers", "system_prompt_sections",
                    "builtin_hooks", "backend_modules"):
            print(f"{key.replace('_', ' ')}: {len(data[key])}")
        print(f"problems: {len(data['problems'])}")
        for problem in data["problems"]:
            print(f"  {problem}")
    if args.check and data["problems"]:
        print(f"massgen-guide facts: {len(data['problems'])} problem(s)", file=sys.stderr)
        return 1
    return 0


__all__ = ["run", "summary"]
