"""The `massgen-guide` command. Each area adds its sub-commands through a `register(subparsers)` function."""

from __future__ import annotations

import argparse
import importlib
import sys

from massgen_guide.errors import GuideError

COMMAND_MODULES = (
    "massgen_guide.facts_cli",      # facts: print what the facts layer reads from MassGen
    "massgen_guide.audit.command",          # audit: check a MassGen tree for one backend's integration points
    "massgen_guide.claims_cli",     # claims, upstream, versions: check the prose against MassGen
    "massgen_guide.site.skill",          # skill: generate SKILL.md for coding agents
    "massgen_guide.scaffold.command",  # new: scaffold a backend into a MassGen tree
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="massgen-guide",
        description="Tools of the MassGen Backend Integrator Guide. MASSGEN_SOURCE chooses the MassGen read "
        "(installed, a release version, or a checkout path).",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # an area not built yet
            raise
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = args.run(args)
    except GuideError as exc:
        print(f"massgen-guide: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("massgen-guide: interrupted", file=sys.stderr)
        return 130
    return int(code or 0)


if __name__ == "__main__":
    raise SystemExit(main())
