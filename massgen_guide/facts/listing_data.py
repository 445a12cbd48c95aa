"""Our explanations of MassGen's listing sites (`massgen_guide/data/listing_sites.yaml`), checked both ways.

The discovery (`listing_sites`) finds every place MassGen enumerates providers; the data file says, for each, what
it is for, whether a new backend must appear there (`requires`) and why. A site MassGen gains that the data file
does not explain, and an explained site that MassGen no longer has, are both problems: the strict build stops on
the first, naming the file and line. The reference page, the checklist's listing points, the audit and the skill
file all read `explained_sites` below.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from massgen_guide.errors import GuideError
from massgen_guide.facts.data_files import data_name, read_yaml
from massgen_guide.facts.listing_sites import (
    KEYS_THRESHOLD,
    NAMES_THRESHOLD,
    TYPES_THRESHOLD,
    Discovery,
    ListingSite,
    Vocabulary,
    discover,
    vocabulary_of,
)
from massgen_guide.facts.tree import Tree
from massgen_guide.paths import DATA_DIR
from massgen_guide.source.selection import MassGenSource

LISTING_SITES_FILE = DATA_DIR / "listing_sites.yaml"
LISTING_SITES_PAGE = "docs/reference/listing-sites.md"
REQUIREMENTS = ("always", "api-key", "wrapper", "chat-completions", "multimodal", "optional", "covered")
"""What `requires:` may say: every backend, backends with an API key, CLI/SDK wrappers, providers built as the
shared ChatCompletionsBackend, backends serving the multimodal tools, nobody (a choice, with its reason), or a
site that a dedicated checklist point checks."""
CHECKED_REQUIREMENTS = ("always", "api-key", "wrapper", "chat-completions", "multimodal")
"""The requirements a `listed-*` checklist point checks; a site with one of them needs that point to exist."""


@dataclass(frozen=True)
class Requirement:
    id: str
    title: str
    """Who must appear, as a heading: "Every backend", "Backends with an API key"..."""
    point: str | None
    """The checklist point that checks the sites of this requirement (None for optional/covered)."""


@dataclass(frozen=True)
class Role:
    id: str
    title: str


@dataclass(frozen=True)
class SiteExplanation:
    key: str
    role: str
    requires: str
    what: str
    why: str
    point: str | None = None
    """For `requires: covered`, the checklist point that checks this site."""
    capability: str | None = None
    """The BACKEND_CAPABILITIES capability that routes a backend to this site (the multimodal tools'
    `image_understanding`, `video_understanding`): only a backend declaring it must appear here."""


@dataclass(frozen=True)
class ListingData:
    requirements: dict[str, Requirement]
    roles: dict[str, Role]
    sites: dict[str, SiteExplanation]


@dataclass(frozen=True)
class ExplainedSite:
    """A discovered site with our explanation."""

    site: ListingSite
    explanation: SiteExplanation

    @property
    def requires(self) -> str:
        return self.explanation.requires


def listing_data(path: Path = LISTING_SITES_FILE) -> ListingData:
    """The data file, validated (a one-line `GuideError` naming the entry on bad data); parsed once per version of
    the file (the audit asks for it once per point and backend type)."""
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = 0
    return _parsed(str(path), stamp)


@lru_cache(maxsize=8)
def _parsed(path_text: str, _stamp: int) -> ListingData:
    path = Path(path_text)
    raw = read_yaml(path)
    name = data_name(path)
    requirements: dict[str, Requirement] = {}
    for rid, entry in (raw.get("requirements") or {}).items():
        if rid not in REQUIREMENTS or not isinstance(entry, dict) or "title" not in entry:
            raise GuideError(f"{name}: requirement `{rid}` must be one of {', '.join(REQUIREMENTS)} with a `title`")
        requirements[rid] = Requirement(rid, str(entry["title"]), entry.get("point"))
    missing = [r for r in REQUIREMENTS if r not in requirements]
    if missing:
        raise GuideError(f"{name}: `requirements:` lacks {', '.join(missing)}")
    roles = {str(k): Role(str(k), str(v)) for k, v in (raw.get("roles") or {}).items()}
    sites: dict[str, SiteExplanation] = {}
    for key, entry in (raw.get("sites") or {}).items():
        sites[str(key)] = _site_explanation(str(key), entry, name, roles)
    if not sites:
        raise GuideError(f"{name}: `sites:` is empty")
    return ListingData(requirements, roles, sites)


def _site_explanation(key: str, entry: Any, name: str, roles: dict[str, Role]) -> SiteExplanation:
    if not isinstance(entry, dict) or not {"role", "requires", "what", "why"} <= set(entry):
        raise GuideError(f"{name}: site `{key}` needs `role`, `requires`, `what` and `why`")
    if entry["role"] not in roles:
        raise GuideError(f"{name}: site `{key}` has role {entry['role']!r}, not one of {', '.join(roles)}")
    if entry["requires"] not in REQUIREMENTS:
        raise GuideError(f"{name}: site `{key}` requires {entry['requires']!r}, not one of {', '.join(REQUIREMENTS)}")
    if entry["requires"] == "covered" and not entry.get("point"):
        raise GuideError(f"{name}: site `{key}` is `covered` but names no checklist `point`")
    capability = entry.get("capability")
    if capability is not None and not (isinstance(capability, str) and capability.isidentifier()):
        raise GuideError(f"{name}: site `{key}` has capability {capability!r}; give one capability name, such as "
                         "image_understanding")
    return SiteExplanation(key, str(entry["role"]), str(entry["requires"]), " ".join(str(entry["what"]).split()),
                           " ".join(str(entry["why"]).split()), entry.get("point"), capability)


# ---------------------------------------------------------------------------------------------- the tree's sites
def vocabulary_of_tree(tree: Tree) -> Vocabulary:
    """Registered types (create_backend branches and BACKEND_CAPABILITIES keys), their keys and provider names."""
    types = set(tree.create_backend_branches) | set(tree.capabilities)
    branch_keys = {t: tree.branch_env_keys(branch)[0] for t, (_line, branch) in tree.create_backend_branches.items()}
    return vocabulary_of(types, tree.capabilities, branch_keys)


def discover_in_tree(tree: Tree) -> Discovery:
    """The tree's listing sites (memoised on the tree, cached on disk by `discover`)."""
    key = ("listing-sites",)
    if key not in tree.memo:
        tree.memo[key] = discover(tree.package_dir, vocabulary_of_tree(tree))
    return tree.memo[key]  # type: ignore[return-value]


def discover_in_source(source: MassGenSource) -> Discovery:
    return discover_in_tree(Tree(source))


def check_listing_sites(discovery: Discovery, data: ListingData, page: str = LISTING_SITES_PAGE,
                        path: Path = LISTING_SITES_FILE) -> list[str]:
    """Problems, one line each: unexplained sites (with file:line), explained sites MassGen no longer has, and
    `covered` sites naming a checklist point that does not exist."""
    from massgen_guide.facts.checklist import load_checklist

    name = data_name(path)
    found = discovery.by_key()
    problems = [f"{page}: MassGen lists providers at {site.location} ({_describe(site)}), which {name} does not "
                f"explain: add `{site.key}` with role, requires, what and why"
                for site in discovery.sites if site.key not in data.sites]
    problems += [f"{page}: {name} explains listing site `{key}`, which MassGen no longer has (no {_kind(key)} "
                 f"there names at least {TYPES_THRESHOLD} backend types, {KEYS_THRESHOLD} key variables or "
                 f"{NAMES_THRESHOLD} provider names)"
                 for key in data.sites if key not in found and not discovery.skipped_path(key.split("::", 1)[0])]
    point_ids = {p.id for p in load_checklist().points}
    problems += [f"{page}: {name}: site `{e.key}` is covered by point `{e.point}`, which the checklist does not have"
                 for e in data.sites.values() if e.point and e.point not in point_ids]
    problems += [f"{page}: {name}: requirement `{r.id}` names point `{r.point}`, which the checklist does not have"
                 for r in data.requirements.values() if r.point and r.point not in point_ids]
    unchecked = {e.requires for e in data.sites.values()
                 if e.requires in CHECKED_REQUIREMENTS and not data.requirements[e.requires].point}
    problems += [f"{page}: {name}: sites require `{r}`, but no checklist point checks that requirement (give it a "
                 f"`point:` whose check is `listing_sites` with `requires: {r}`)" for r in sorted(unchecked)]
    return problems


def explained_sites(discovery: Discovery, data: ListingData) -> list[ExplainedSite]:
    """The discovered sites that the data file explains, in discovery order (the check reports the others)."""
    return [ExplainedSite(site, data.sites[site.key]) for site in discovery.sites if site.key in data.sites]


def _describe(site: ListingSite) -> str:
    scope = "" if site.scope == "<module>" else f" in {site.scope}"
    what = site.key.rsplit("::", 1)[-1]
    return f"{site.construct} `{what}`{scope}"


def _kind(key: str) -> str:
    what = key.rsplit("::", 1)[-1]
    return f"construct `{what}`"
