"""Page directives: the one way a page asks for generated content.

A directive is an HTML comment alone on its line:

    <!-- guide:NAME key=value key2="a value" -->

During a build `expand_directives` replaces it with the Markdown that the generator registered under NAME
returns. An unknown NAME, a bad argument or a generator that raises `GuideError` fails the build with a
message naming the page and line. Generators register themselves with `@generator("NAME")`; the modules
holding them are listed in `GENERATOR_MODULES` and imported once.

Generated Markdown is kept in a disk cache (under the guide's cache folder) keyed by the directive, its page
and a signature of every input a generator can read: the selected MassGen's files, this package's code and
data, `docs/`, `snippets/`, `mkdocs.yml` and the `GUIDE_*`/`MASSGEN_*` settings (sizes and modification
times). Any change to any of them regenerates everything; a generator that fails is never cached.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from massgen_guide.checks.fences import fenced_line_numbers
from massgen_guide.errors import GuideError
from massgen_guide.paths import PROJECT_ROOT
from massgen_guide.source import signatures
from massgen_guide.source.cache_files import write_atomically
from massgen_guide.source.signatures import add_folder

DIRECTIVE_RE = re.compile(r"^<!--\s*guide:(?P<name>[a-z][a-z0-9-]*)(?P<args>(?:\s+[^>]*?)?)\s*-->\s*$")

GENERATOR_MODULES = (
    "massgen_guide.site.pages.facts_pages",
    "massgen_guide.site.pages.decision_tree_pages",
    "massgen_guide.site.pages.checklist_pages",
    "massgen_guide.site.pages.claims_pages",
    "massgen_guide.site.pages.listing_pages",
    "massgen_guide.site.pages.install_pages",
    "massgen_guide.site.pages.scaffold_pages",
)


@dataclass
class DirectiveCall:
    """One directive found on a page."""

    name: str
    args: dict[str, str]
    page: str
    """The page's path relative to `docs/`."""
    line: int
    """1-based line number of the directive on the page."""
    site_url: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    def arg(self, key: str, default: str | None = None) -> str:
        if key in self.args:
            return self.args[key]
        if default is None:
            raise GuideError(f"missing argument {key}=")
        return default


Generator = Callable[[DirectiveCall], str]
_REGISTRY: dict[str, Generator] = {}
_loaded = False


def generator(name: str) -> Callable[[Generator], Generator]:
    """Register a function that turns a `DirectiveCall` into Markdown."""

    def register(function: Generator) -> Generator:
        if name in _REGISTRY and _REGISTRY[name] is not function:
            raise RuntimeError(f"directive {name!r} is registered twice")
        _REGISTRY[name] = function
        return function

    return register


def registered_generators() -> dict[str, Generator]:
    global _loaded
    if not _loaded:
        for module in GENERATOR_MODULES:
            importlib.import_module(module)
        _loaded = True
    return dict(_REGISTRY)


def parse_args(text: str, where: str) -> dict[str, str]:
    args: dict[str, str] = {}
    try:
        parts = shlex.split(text)
    except ValueError as exc:
        raise GuideError(f"{where}: cannot read the directive's arguments ({exc})") from None
    for part in parts:
        key, sep, value = part.partition("=")
        if not sep or not key:
            raise GuideError(f"{where}: directive argument {part!r} is not key=value")
        args[key] = value
    return args


def find_directives(markdown: str, page: str) -> list[DirectiveCall]:
    calls = []
    fenced = fenced_line_numbers(markdown)
    for number, line in enumerate(markdown.splitlines(), start=1):
        if number in fenced:
            continue
        stripped = line.strip()
        match = DIRECTIVE_RE.match(stripped)
        if match:
            where = f"docs/{page}:{number}"
            calls.append(DirectiveCall(match["name"], parse_args(match["args"], where), page, number))
        elif stripped.startswith("<!-- guide:"):
            raise GuideError(f"docs/{page}:{number}: malformed directive {stripped!r}")
    return calls


ROOT = PROJECT_ROOT
OUTPUT_NEUTRAL_SETTINGS = frozenset({"GUIDE_PREFETCH"})
"""Settings that change how a build runs, not what it generates: left out of the inputs' signature."""
_signature: str | None = None
_site: tuple[Path, Path] | None = None
"""The docs folder and config of the build under way; None outside a build (then nothing is cached)."""


def start_build(docs_dir: Path | None = None, config_file: Path | None = None) -> None:
    """A build begins: remember its docs folder and config, and compute the inputs' signature afresh."""
    global _signature, _site
    _signature = None
    _site = (docs_dir or ROOT / "docs", config_file or ROOT / "mkdocs.yml")
    signatures.start_build()


def end_build() -> None:
    """The build is over: directives expanded from now on (outside a build) are not cached."""
    global _signature, _site
    _signature, _site = None, None
    signatures.end_build()


def inputs_signature() -> str:
    """A digest of everything a generator may read (file sizes and modification times, and the settings)."""
    global _signature
    if _signature is None:
        from massgen_guide.source.selection import cache_dir, current_source

        docs_dir, config = _site or (ROOT / "docs", ROOT / "mkdocs.yml")
        digest = hashlib.sha256()
        folders = (current_source().package_dir, ROOT / "massgen_guide", docs_dir, config.parent / "snippets",
                   ROOT / "snippets")
        for folder in folders:
            add_folder(digest, folder)
        digest.update(str(config).encode() + (config.read_bytes() if config.is_file() else b""))
        for key, value in sorted(os.environ.items()):
            if key.startswith(("GUIDE_", "MASSGEN_")) and key not in OUTPUT_NEUTRAL_SETTINGS:
                digest.update(f"{key}={value}\n".encode())
        digest.update(str(cache_dir()).encode())
        _signature = digest.hexdigest()
    return _signature


def _cache_path(call: DirectiveCall) -> Path:
    from massgen_guide.source.selection import cache_dir

    key = hashlib.sha256(repr((inputs_signature(), call.name, sorted(call.args.items()), call.page,
                               call.line, call.site_url)).encode()).hexdigest()
    return cache_dir() / "directives" / key[:2] / f"{key}.md"


def is_generated(call: DirectiveCall) -> bool:
    """Whether `generate` would read the call's Markdown from the cache (builds only)."""
    return _site is not None and _cache_path(call).is_file()


def generate(function: Generator, call: DirectiveCall) -> str:
    """The generator's Markdown for a call, from the disk cache when every input is unchanged (builds only)."""
    if _site is None:
        return function(call)
    path = _cache_path(call)
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        pass
    text = function(call)
    write_atomically(path, text.encode("utf-8"))  # a read-only cache only costs speed
    return text


def cached_during_build(kind: str, key: tuple, compute: Callable[[], str]) -> str:
    """`compute()`, from the disk cache when the same key was computed under unchanged inputs (builds only; the
    inputs' signature is `generate`'s). For other per-page work of the build that reads only those inputs, such
    as the claims check of a page; a computation that raises is never cached."""
    return cached_bytes_during_build(kind, key, lambda: compute().encode("utf-8")).decode("utf-8")


def cached_bytes_during_build(kind: str, key: tuple, compute: Callable[[], bytes]) -> bytes:
    """`cached_during_build` for bytes (a pickle, for instance)."""
    if _site is None:
        return compute()
    from massgen_guide.source.selection import cache_dir

    digest = hashlib.sha256(repr((inputs_signature(), kind, key)).encode()).hexdigest()
    path = cache_dir() / kind / digest[:2] / f"{digest}.md"
    try:
        return path.read_bytes()
    except OSError:
        pass
    data = compute()
    write_atomically(path, data)
    return data


def _kept(call: DirectiveCall) -> str | None:
    """The call's Markdown from the build cache, None when it is not there (or outside a build)."""
    if _site is None:
        return None
    try:
        return _cache_path(call).read_text(encoding="utf-8")
    except OSError:
        return None


def expand_directives(markdown: str, page: str, site_url: str = "") -> str:
    """Replace every directive on a page by its generated Markdown. The generators are imported only for a call
    the build cache does not hold (a cached call was generated under the same inputs, the guide's code included):
    a warm build imports none of them."""
    calls = {call.line: call for call in find_directives(markdown, page)}
    if not calls:
        return markdown
    generators: dict[str, Generator] | None = None
    out: list[str] = []
    for number, line in enumerate(markdown.splitlines(), start=1):
        call = calls.get(number)
        if call is None:
            out.append(line)
            continue
        call.site_url = site_url
        kept = _kept(call)
        if kept is not None:
            out.append(kept)
            continue
        where = f"docs/{page}:{number}"
        generators = generators if generators is not None else registered_generators()
        function = generators.get(call.name)
        if function is None:
            known = ", ".join(sorted(generators))
            raise GuideError(f"{where}: unknown directive guide:{call.name} (known: {known})")
        try:
            out.append(generate(function, call))
        except GuideError as exc:
            raise GuideError(f"{where}: guide:{call.name}: {exc}") from None
    return "\n".join(out) + ("\n" if markdown.endswith("\n") else "")
