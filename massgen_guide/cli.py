"""The `massgen-guide` command line: every sub-command's arguments, in one place.

Each command names the function that does its work (`module:function`, in the layer the command belongs to).
That module is imported only when the command runs, so `massgen-guide audit` never imports griffe, the claims
checker or the site generators, and `--help` imports nothing but this module.

Exit codes, for every command: 0 done (or nothing out of date), 1 a check found something, 2 bad input (one line
on stderr, no traceback), 130 interrupted.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import importlib
import os
import sys

from massgen_guide.errors import GuideError

MASSGEN_HELP = ("a MassGen git checkout (or its massgen/ folder); default: MASSGEN_SOURCE, else the current "
                "directory when it is a MassGen checkout, else the installed massgen package")


def add_massgen_option(parser: argparse.ArgumentParser) -> None:
    """The `--massgen PATH` option of every command that reads MassGen's source."""
    parser.add_argument("--massgen", metavar="PATH", help=MASSGEN_HELP)


def add_quiet_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quiet", "-q", action="store_true",
                        help="no progress on stderr (progress is also off when stderr is not a terminal)")


def scaffold_kinds() -> list[str]:
    """The kinds `massgen-guide new` knows, from the scaffolder's data file (read without importing it)."""
    from massgen_guide.facts.data_files import load_yaml
    from massgen_guide.paths import DATA_DIR

    data = load_yaml((DATA_DIR / "scaffold.yaml").read_text(encoding="utf-8")) or {}
    return list(data.get("kinds") or {})


def add_facts(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("facts", help="print what the guide reads from MassGen's source",
                            description="What the facts layer reads from the selected MassGen, and whether the "
                            "guide's data files and API entries agree with it.")
    add_massgen_option(parser)
    parser.add_argument("--json", action="store_true", help="print the whole summary as JSON")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when a data file or an API entry is out of step with MassGen")
    parser.set_defaults(run="massgen_guide.checks.facts_report:run")


def add_audit(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "audit", help="check a MassGen tree for one backend type's integration points",
        description="Check a MassGen tree (static analysis only) for the integration points of a backend type. "
        "Exit 0 when no required point is missing, 1 when one is, 2 on bad input.")
    parser.add_argument("backend_type", nargs="?", metavar="BACKEND_TYPE", help="the YAML backend type, e.g. claude")
    add_massgen_option(parser)
    parser.add_argument("--all", action="store_true", dest="all_types",
                        help="audit every backend type MassGen registers and print the matrix")
    parser.add_argument("--changed", nargs="*", metavar="FILE",
                        help="audit the backend types these changed files touch (the pre-commit hook's entry): "
                        "a massgen/backend/<name>.py, or a type added to or changed in create_backend or "
                        "BACKEND_CAPABILITIES (compared with --base)")
    parser.add_argument("--base", default="HEAD", metavar="REV",
                        help="with --changed: the git revision the registries are compared with (default: HEAD)")
    parser.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    add_quiet_option(parser)
    parser.set_defaults(run="massgen_guide.audit.command:main")


def add_claims(sub: argparse._SubParsersAction) -> None:
    claims = sub.add_parser("claims", help="check every code reference and claim in the guide's pages against the "
                            "selected MassGen")
    add_massgen_option(claims)
    claims.add_argument("--format", choices=("text", "json"), default="text")
    claims.add_argument("--docs", help="the docs folder to check (default: this guide's docs/)")
    claims.add_argument("--binding", action="store_true", help="print the binding report instead: which "
                        "behavioural sentences of the behaviour pages a claim or an executed block binds")
    claims.set_defaults(run="massgen_guide.checks.claims.commands:run_claims")

    upstream = sub.add_parser("upstream", help="check the backend-integrator SKILL.md shipped inside the "
                              "selected MassGen")
    add_massgen_option(upstream)
    upstream.add_argument("--format", choices=("text", "json"), default="text")
    upstream.add_argument("--strict", action="store_true", help="exit 1 when anything in it is out of date")
    upstream.set_defaults(run="massgen_guide.checks.claims.commands:run_upstream")

    versions = sub.add_parser("versions", help="run the checks against several MassGen releases from PyPI "
                              "(wheels downloaded without dependencies into the cache)")
    versions.add_argument("--releases", nargs="+", metavar="VERSION",
                          help="the releases to check (default: the releases the versions page reports)")
    versions.add_argument("--output", help="write the results as JSON here (the versions page renders "
                          "massgen_guide/data/versions_report.json)")
    versions.add_argument("--format", choices=("text", "json"), default="text")
    versions.add_argument("--docs", help="the docs folder to check (default: this guide's docs/)")
    add_quiet_option(versions)
    versions.set_defaults(run="massgen_guide.checks.claims.commands:run_versions")


def add_skill(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("skill", help="generate the Claude skill file (SKILL.md) from the guide")
    parser.add_argument("--output", "-o", help="where to write it (default: skills/backend-integrator/SKILL.md)")
    parser.add_argument("--check", action="store_true", help="exit 1 when the file differs from a fresh generation")
    add_massgen_option(parser)
    parser.set_defaults(run="massgen_guide.site.skill:run")


def add_new(sub: argparse._SubParsersAction) -> None:
    kinds = scaffold_kinds()
    parser = sub.add_parser(
        "new", help="scaffold a complete backend into a MassGen tree (a diff unless --write)",
        description="Scaffold a backend of one kind into a MassGen tree: the backend module (rendered from the "
        "guide's worked example), exports, create_backend branch, capabilities entry, listing sites, pricing, an "
        "example config and offline tests. Prints a unified diff and changes nothing unless --write.")
    parser.add_argument("name", metavar="NAME", help="the new backend type, a lowercase identifier, e.g. acme")
    parser.add_argument("--kind", required=True, metavar="|".join(kinds), help=f"one of {', '.join(kinds)}")
    parser.add_argument("--massgen", metavar="PATH", help="the MassGen tree to write into (a checkout or its "
                        "massgen/ folder); default: MASSGEN_SOURCE, else the current directory when it is a "
                        "MassGen checkout, else the installed package (which --write refuses without --force)")
    parser.add_argument("--provider-name", metavar="NAME", help="the display name (capabilities provider_name; an API kind's get_provider_name returns it too; "
                        "default: the type, capitalized when it is one word: Acme)")
    parser.add_argument("--env-var", metavar="VAR", help="API-key variable, the capabilities entry's env_var "
                        "(API kinds: the one create_backend reads, default NAME_API_KEY; wrappers: the one their "
                        "CLI or SDK reads a key from, as codex's OPENAI_API_KEY, default none)")
    parser.add_argument("--base-url", metavar="URL", help="the provider's default base URL (API kinds only)")
    parser.add_argument("--model", action="append", metavar="ID", dest="models",
                        help="a model id (repeat; the first is the default model)")
    parser.add_argument("--price", action="append", metavar="MODEL=INPUT/OUTPUT", dest="prices",
                        help="USD per million input/output tokens, added to PROVIDER_PRICING (repeat)")
    parser.add_argument("--write", action="store_true", help="write the files (default: print the diff only)")
    parser.add_argument("--force", action="store_true",
                        help="write into the installed package, or over uncommitted changes")
    parser.set_defaults(run="massgen_guide.scaffold.command:main")


COMMANDS = (add_facts, add_audit, add_claims, add_skill, add_new)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="massgen-guide",
        description="Tools of the MassGen Backend Integrator Guide. MASSGEN_SOURCE chooses the MassGen read "
        "(installed, a release version, or a checkout path).",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for add in COMMANDS:
        add(subparsers)
    return parser


def command_function(target: str):
    """The function a command names as `module:function`, imported now."""
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = command_function(args.run)(args)
    except GuideError as exc:
        print(f"massgen-guide: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("massgen-guide: interrupted", file=sys.stderr)
        return 130
    return int(code or 0)


def run() -> None:
    """The `massgen-guide` process: `main`, then the exit handlers and a flush of the standard streams, then the
    end of the process without the interpreter's tear-down. Tearing down frees every object the command read, one
    by one (a parsed MassGen is millions of them: about a second of `audit --all`'s two), only for the process to
    end; a last cyclic collection would walk them all first.

    Nothing else of a normal exit happens: a command finishes its own threads and process pools before it returns
    (each uses them in a `with` block today)."""
    code = main()
    gc.disable()
    atexit._run_exitfuncs()  # what a normal exit runs (logging's flush, finalizers of temporary files)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):  # the reader went away (`| head`), or the stream was closed
            pass
        except OSError:  # e.g. a full disk: the output is incomplete, which a normal exit reports with 120
            code = code or 120
    os._exit(code)


if __name__ == "__main__":
    run()
