"""How each fence of the guide is proven: classification, and the validators for YAML, TOML and shell blocks.

`classify` says which of `run`, `included`, `validated`, `opted-out` a fence is, or why it is none (a failure).
`validate` checks a `validated` fence and returns the problems found (empty when it holds).
"""

from __future__ import annotations

import re
import shlex
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import yaml

from massgen_guide.checks.fences import PYTHON_LANGS, SHELL_LANGS, Fence, find_fences, included_text
from massgen_guide.source.selection import MassGenSource

RUN, INCLUDED, VALIDATED, OPTED_OUT = "run", "included", "validated", "opted-out"
VALIDATED_LANGS = {"yaml", "yml", "toml"} | SHELL_LANGS


@dataclass(frozen=True)
class Verdict:
    kind: str
    """`run`, `included`, `validated`, `opted-out`, or `unproven`."""
    problem: str = ""


def classify(fence: Fence, root: Path) -> Verdict:
    if fence.opted_out:
        if not fence.opt_out_reason:
            return Verdict("unproven", 'opted out without a reason: write title="Not run: <reason>"')
        return Verdict(OPTED_OUT)
    if fence.includes:
        missing = [t for t in fence.includes if not (root / t.split(":", 1)[0]).is_file()]
        if missing:
            return Verdict("unproven", f"includes a missing file: {missing[0]}")
        if fence.lang in PYTHON_LANGS:
            return Verdict(INCLUDED)
        if fence.lang in VALIDATED_LANGS:
            return Verdict(VALIDATED)
        return Verdict("unproven", f"includes into a {fence.lang or 'plain'} block, which nothing checks")
    if fence.lang in PYTHON_LANGS:
        return Verdict(RUN)
    if fence.lang in VALIDATED_LANGS:
        return Verdict(VALIDATED)
    return Verdict("unproven", f"a {fence.lang or 'plain'} block is neither run, validated, nor opted out with a reason")


def docs_fences(root: Path) -> list[Fence]:
    fences: list[Fence] = []
    for page in sorted((root / "docs").rglob("*.md")):
        fences.extend(find_fences(page.read_text(encoding="utf-8"), page.relative_to(root).as_posix()))
    return fences


def fence_text(fence: Fence, root: Path) -> str:
    """The text a reader sees: the body, or the included files' sections."""
    if not fence.includes:
        return fence.body
    return "\n".join(included_text(root, target) for target in fence.includes)


# --- YAML -----------------------------------------------------------------------------------------------------

def validate_yaml(text: str, validator: Callable[[dict], list[str]]) -> list[str]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return [f"YAML does not parse: {str(exc).splitlines()[0]}"]
    if not isinstance(data, dict) or not ({"agent", "agents"} & set(data)):
        return ["YAML is not a complete MassGen config (no `agent:` or `agents:`)"]
    return validator(data)


def massgen_config_validator() -> Callable[[dict], list[str]]:
    """MassGen's own validator, imported on first use (it pulls in MassGen)."""
    from massgen.config_validator import ConfigValidator

    def check(config: dict) -> list[str]:
        result = ConfigValidator().validate_config(config)
        return [f"MassGen's validator: {issue.location}: {issue.message}" for issue in result.errors]

    return check


# --- TOML -----------------------------------------------------------------------------------------------------

def toml_keys(data: dict, depth: int = 0) -> Iterable[str]:
    """Top-level tables and value keys; nested table names (like a server's name) are the user's own."""
    for key, value in data.items():
        if depth == 0 or not isinstance(value, dict):
            yield key
        if isinstance(value, dict):
            yield from toml_keys(value, depth + 1)


def validate_toml(text: str, title: str, source: MassGenSource) -> list[str]:
    """The TOML parses, and each key is a string MassGen's code reads (in the module that writes that file)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return [f"TOML does not parse: {exc}"]
    file_name = Path(title.split()[0]).name if title else ""
    modules = [p for p in (source.package_dir / "backend").glob("*.py")]
    readers = [p for p in modules if file_name and file_name in p.read_text(encoding="utf-8", errors="replace")]
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in (readers or modules)]
    problems = []
    for key in sorted(set(toml_keys(data))):
        if not any(re.search(rf"""["']{re.escape(key)}["']|\[{re.escape(key)}[.\]]|^{re.escape(key)}\s*=""", t, re.M)
                   for t in texts):
            where = ", ".join(p.name for p in readers) or "massgen/backend/"
            problems.append(f"TOML key {key!r} is not read by {where}")
    return problems


# --- shell ----------------------------------------------------------------------------------------------------

DEV_COMMANDS = {"serve", "test", "build", "bench", "lock"}


def shell_commands(text: str) -> list[str]:
    commands, pending = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("$ "):
            line = line[2:]
        if not line or line.startswith("#"):
            continue
        line = re.sub(r"\s+#\s.*$", "", line)
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        commands.append(pending + line)
        pending = ""
    return commands


def scaffolded_paths(command: str) -> set[str]:
    """The files a `massgen-guide new NAME --kind KIND ...` command creates (none for any other command)."""
    try:
        words = shlex.split(command)
    except ValueError:
        return set()
    if words[:2] != ["massgen-guide", "new"]:
        return set()
    from massgen_guide.cli import build_parser
    from massgen_guide.errors import GuideError
    from massgen_guide.scaffold.render import new_files
    from massgen_guide.scaffold.spec import build_spec

    try:
        args = build_parser().parse_args(words[1:])
        spec = build_spec(args.name, args.kind, provider=args.provider_name, env_var=args.env_var,
                          base_url=args.base_url, models=args.models, prices=args.prices)
    except (SystemExit, GuideError):
        return set()  # reported by check_shell_command
    return set(new_files(spec))


def check_shell_command(command: str, root: Path, source: MassGenSource,
                        created: set[str] | frozenset[str] = frozenset()) -> str:
    """One problem sentence, or '' when the command names things that exist (or cannot be checked here).

    `created`: MassGen paths an earlier command of the same block wrote (`massgen-guide new`), which exist then."""
    try:
        words = shlex.split(re.sub(r"\$\([^)]*\)", "SUBSTITUTED", command))  # a $(...) stands for one word
    except ValueError as exc:
        return f"cannot read {command!r}: {exc}"
    while words and re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", words[0]):
        words = words[1:]  # environment assignments
    if not words:
        return ""
    if words[:2] in (["uv", "run"],):
        words = words[2:]
    if words[0] == "uvx" and "massgen-guide" in words:
        words = words[words.index("massgen-guide"):]  # uvx --from SPEC massgen-guide ARGS
    head = words[0]
    if head in {"python3", "python"} and len(words) > 1 and words[1] == "dev.py":
        if len(words) < 3 or words[2] not in DEV_COMMANDS:
            return f"`python3 dev.py` has no command {words[2] if len(words) > 2 else '(none)'!r}"
        return ""
    if head == "massgen-guide" or words[:3] == ["python", "-m", "massgen_guide"]:
        args = words[1:] if head == "massgen-guide" else words[3:]
        from massgen_guide.cli import build_parser

        try:
            build_parser().parse_args(args)
        except SystemExit:
            return f"`massgen-guide {' '.join(args)}`: not accepted by the command's parser"
        return ""
    if head in {"python", "python3"} and len(words) > 1 and words[1].endswith(".py"):
        return check_path(words[1], root, source)
    if head == "pytest" or words[:3] == ["python", "-m", "pytest"]:
        paths = [w for w in words[1:] if not w.startswith("-") and (w.endswith(".py") or "/" in w)]
        return next((p for p in (check_path(w.split("::")[0], root, source) for w in paths
                                 if w.split("::")[0] not in created) if p), "")
    if head == "massgen":
        return ""  # MassGen's console script; its flags are checked by the claims checker where named in prose
    if head in {"pip", "pipx", "pre-commit", "git", "cd", "export", "ls", "cat"} or words[1:3] == ["-m", "pip"]:
        return ""
    return f"unknown command {head!r}"


def check_shell_block(text: str, root: Path, source: MassGenSource) -> list[str]:
    """The problems of a shell block's commands, in order; a `massgen-guide new` creates files for the later ones."""
    problems, created = [], set()
    for command in shell_commands(text):
        problems.append(check_shell_command(command, root, source, created))
        created |= scaffolded_paths(command)
    return [p for p in problems if p]


def check_path(path: str, root: Path, source: MassGenSource) -> str:
    if path.startswith("massgen/"):
        return "" if source.path_of(path).exists() else f"{path} does not exist in MassGen {source.version}"
    if path.startswith(("scripts/", "docs/")) and source.repo_root is None:
        return ""  # repo-only folders: cannot be checked against an installed package
    if path.startswith(("scripts/", "docs/")):
        return "" if source.path_of(path).exists() else f"{path} does not exist in the MassGen checkout"
    return "" if (root / path).exists() else f"{path} does not exist"


def validate(fence: Fence, root: Path, source: MassGenSource,
             yaml_validator: Callable[[dict], list[str]] | None = None) -> list[str]:
    text = fence_text(fence, root)
    if fence.lang in {"yaml", "yml"}:
        return validate_yaml(text, yaml_validator or massgen_config_validator())
    if fence.lang == "toml":
        return validate_toml(text, fence.title, source)
    if fence.lang in SHELL_LANGS:
        return check_shell_block(text, root, source)
    return [f"no validator for {fence.lang!r}"]


def summary(verdicts: Iterable[Verdict]) -> str:
    counts = Counter(v.kind for v in verdicts)
    found = sum(counts.values())
    return (f"docs code blocks: {found} found, {counts[RUN] + counts[INCLUDED]} run "
            f"({counts[INCLUDED]} of them from snippets/), {counts[VALIDATED]} validated, "
            f"{counts[OPTED_OUT]} opted out, {counts['unproven']} unproven")
