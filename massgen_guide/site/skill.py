"""The Claude skill file for backend integrators, generated from the guide's own sources.

`render_skill` writes a short SKILL.md (YAML frontmatter with `name` and `description`, then Markdown) from:

- the base-class decision tree (`massgen_guide/data/decision_trees.yaml`);
- the chunk types MassGen uses and our explanations of them (the facts layer);
- the checklist (`massgen_guide/data/checklist.yaml`);
- the deep links of `massgen_guide/data/skill_topics.yaml`.

Every link points into the hosted guide, whose base URL is the one setting `site_url` in `mkdocs.yml`.
`massgen-guide skill` writes it; `massgen-guide skill --check` fails when the committed file is stale.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from massgen_guide.errors import GuideError
from massgen_guide.facts.data_files import load_yaml
from massgen_guide.paths import DATA_DIR, PROJECT_ROOT
from massgen_guide.site import install
from massgen_guide.site.install import install_commands
from massgen_guide.site_urls import page_url, site_url

if TYPE_CHECKING:
    from massgen_guide.source.selection import MassGenSource

ROOT = PROJECT_ROOT
DATA = DATA_DIR
SKILL_PATH = ROOT / "skills" / "backend-integrator" / "SKILL.md"
MAX_LINES = 300
CANNOT_CHECK_NOTE = ("Exit 0 does not mean every point is done: points marked \"cannot check\" (the `docs/` points "
                     "against a tree without `docs/`) need the full MassGen repository and are still yours to do.")
SKILL_NAME = "massgen-backend-integrator"
SKILL_DESCRIPTION = (
    "Integrate a new LLM backend (provider) into MassGen, or audit an existing one for missing integration "
    "points. Gives the scaffold command (massgen-guide new), the base-class decision, the StreamChunk contract, "
    "the full checklist and the audit command, "
    "with deep links into the MassGen Backend Integrator Guide."
)


def heading_anchor(root: Path, page: str, heading: str) -> str:
    """The anchor of `heading` on `page` (as the toc extension makes it), or a GuideError."""
    path = root / "docs" / page
    if not path.is_file():
        raise GuideError(f"skill: page docs/{page} does not exist")
    headings = [re.sub(r"^#+\s*", "", line).strip() for line in path.read_text(encoding="utf-8").splitlines()
                if re.match(r"^#{1,6}\s", line)]
    if heading not in headings:
        raise GuideError(f"skill: docs/{page} has no heading {heading!r}")
    from markdown.extensions.toc import slugify

    return slugify(heading, "-")


@dataclass(frozen=True)
class Link:
    title: str
    url: str


def topic_links(root: Path, base: str) -> list[Link]:
    data = load_yaml((DATA / "skill_topics.yaml").read_text(encoding="utf-8"))
    links = []
    for topic in data["topics"]:
        if not (root / "docs" / topic["page"]).is_file():
            raise GuideError(f"skill_topics.yaml: topic {topic['title']!r}: page docs/{topic['page']} does not exist")
        anchor = heading_anchor(root, topic["page"], topic["heading"]) if topic.get("heading") else ""
        links.append(Link(topic["title"], page_url(base, topic["page"], anchor)))
    return links


def first_sentence(text: str) -> str:
    text = " ".join(text.split())
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    return match.group(1) if match else text


def base_class_lines(base: str) -> list[str]:
    """One line per leaf of the base-class decision tree: the answers that lead there and the recommendation."""
    from massgen_guide.site.decision_trees import cached_trees, get_tree

    tree = get_tree("base-class", cached_trees())
    lines = []
    for leaf_id, trail in tree.paths().items():
        node, answers = tree.nodes[tree.start], []
        for index in trail:
            answer = node.answers[index]
            answers.append(answer.short or answer.label)
            node = tree.nodes[answer.next]
        leaf = tree.nodes[leaf_id]
        links = ", ".join(f"[{link.text}]({page_url(base, link.page)})" for link in leaf.links[:2])
        lines.append(f"- {' → '.join(answers)}: **{leaf.title}**. {first_sentence(leaf.recommendation)} {links}")
    return lines


def chunk_type_lines(source: "MassGenSource") -> list[str]:
    from massgen_guide.facts.chunks import chunk_types
    from massgen_guide.facts.explanations import chunk_explanations
    from massgen_guide.facts.loading import load_massgen

    explained = chunk_explanations().types
    return [f"- `{fact.value}`: {first_sentence(explained.get(fact.value, ''))}" for fact in chunk_types(load_massgen(source))]


def checklist_lines(base: str) -> list[str]:
    from massgen_guide.facts.checklist import load_checklist

    lines = []
    for point in load_checklist().points:
        if point.required:
            need = "required"
        elif point.advisory:
            need = f"recommended: {point.condition.text}" if point.condition else "recommended"
        else:
            need = f"if {point.condition.text}" if point.condition else "optional"
        link = page_url(base, point.page, point.anchor or "")
        lines.append(f"- [ ] `{point.id}`: {point.title} (`{point.file}`; {need}). [How]({link})")
    return lines


def listing_site_lines(source: "MassGenSource | None" = None) -> list[str]:
    from massgen_guide.site.pages.listing_pages import required_site_lines

    lines = []
    for title, sites in required_site_lines(source):
        lines.append(f"- {title}: " + ", ".join(f"`{site.location}` ({site.note})" for site in sites))
    return lines


def require_guide_pages(root: Path) -> None:
    if not (root / "docs").is_dir():
        raise GuideError("skill: the skill file is generated from the guide's own pages (docs/), which the package "
                         "does not ship: run it in a clone of the guide's repository")


def render_skill(root: Path = ROOT, source: "MassGenSource | None" = None) -> str:
    require_guide_pages(root)
    base = site_url(root)
    from massgen_guide.source.selection import current_source

    source = source or current_source()
    version = source.version
    out = [
        "---",
        f"name: {SKILL_NAME}",
        f"description: {SKILL_DESCRIPTION}",
        "---",
        "",
        "# MassGen backend integrator",
        "",
        f"Short form of the [MassGen Backend Integrator Guide]({base}), generated from it for massgen {version}.",
        "Load this, then follow the links: each page is checked against MassGen's source on every build.",
        "Do not edit: regenerate with `massgen-guide skill`.",
        "",
        "## When to use",
        "",
        "- Adding a new LLM provider (a backend) to MassGen.",
        "- Auditing an existing backend for missing integration points (`massgen-guide audit TYPE`).",
        "- Finding which of the ~15 files a backend change touches.",
        "",
        "## First steps",
        "",
        *first_steps(base),
        "",
        "## Choose the base class",
        "",
        *base_class_lines(base),
        "",
        "## The StreamChunk contract, in brief",
        "",
        "- `stream_with_tools(messages, tools, **kwargs)` is an async generator of `StreamChunk`s.",
        "- Deltas first (content, reasoning, tool calls), then one `done` chunk at the end of a successful turn "
        "(usage on it is optional: MassGen counts tokens through the tracking call below).",
        "- A provider failure is one `error` chunk, not an exception, and the turn ends there.",
        "- Record tokens with `_update_token_usage_from_api_response` (or `_estimate_token_usage`) and timing with "
        "`start_api_call_timing`, `record_first_token`, `end_api_call_timing`.",
        f"- Chunk types MassGen uses ([all fields and producers]({page_url(base, 'reference/stream-chunks.md')})):",
        "",
        *["  " + line for line in chunk_type_lines(source)],
        "",
        "## Checklist",
        "",
        f"Every integration point ([the checklist page]({page_url(base, 'checklist.md')})):",
        "",
        *checklist_lines(base),
        "",
        "## Where MassGen lists its providers",
        "",
        "Besides `create_backend` and `BACKEND_CAPABILITIES`, these lists must name a new backend "
        f"([all sites, with what each is for]({page_url(base, 'reference/listing-sites.md')})):",
        "",
        *listing_site_lines(source),
        "",
        "## Audit your work",
        "",
        "Get the command once (a light install: it reads MassGen's source, MassGen need not be installed):",
        "",
        "```bash",
        *install_commands(root)[:2],
        "```",
        "",
        *([install.placeholder_note(root), ""] if install.placeholder_note(root) else []),
        "Then, in the MassGen checkout (the current directory is the tree read; `--massgen PATH` names another):",
        "",
        "```bash",
        "massgen-guide audit YOUR_BACKEND_TYPE       # exit 0: no required point is missing",
        "massgen-guide audit --all --format markdown  # the coverage matrix",
        "massgen-guide audit --changed $(git diff --name-only HEAD)   # the types your change touches",
        "```",
        "",
        CANNOT_CHECK_NOTE,
        "",
        f"The last one is also a pre-commit hook ([pre-commit and CI]({page_url(base, 'audit.md', 'pre-commit-and-ci')})).",
        "",
        f"Details: [audit]({page_url(base, 'audit.md')}), "
        f"[conformance kit]({page_url(base, 'conformance.md')}) for your backend's runtime tests.",
        "",
        "## Read more",
        "",
        *[f"- [{link.title}]({link.url})" for link in topic_links(root, base)],
        "",
    ]
    text = "\n".join(out)
    count = text.count("\n")
    if count > MAX_LINES:
        raise GuideError(f"skill: the generated SKILL.md has {count} lines, over the limit of {MAX_LINES}")
    return text


def first_steps(base: str) -> list[str]:
    """Scaffold, audit, test: the three commands a new integration starts with (kinds from data/scaffold.yaml)."""
    from massgen_guide.scaffold.spec import scaffold_data

    kinds = scaffold_data().kinds
    return [
        "In the MassGen checkout, with `massgen-guide` installed (see *Audit your work* below):",
        "",
        "```bash",
        f"massgen-guide new NAME --kind {'|'.join(kinds)}   # a diff; nothing written",
        "massgen-guide new NAME --kind KIND --write   # every file it writes under massgen/, or none",
        "massgen-guide audit NAME                     # exit 0: no required point is missing",
        "python -m pytest massgen/tests/test_NAME.py  # the scaffolded offline tests (python -m: . on sys.path)",
        "```",
        "",
        CANNOT_CHECK_NOTE,
        "",
        "The scaffold writes nothing in `docs/` or `scripts/`: `new` lists those points under \"Not written\", and "
        "the audit of a full checkout reports them until you add them.",
        "",
        *[f"- `{kind}`: {info.title}." for kind, info in kinds.items()],
        "",
        f"Then adapt the backend to your provider's wire format ([Scaffold a backend]({page_url(base, 'scaffold.md')})); "
        "the sections below say what each part must do.",
    ]


def links_of(text: str) -> list[str]:
    return re.findall(r"\]\((https?://[^)\s]+)\)", text)


def broken_links(text: str, site_dir: Path, base: str) -> list[str]:
    """Links of the skill that do not reach a page (and anchor) of the built site in `site_dir`."""
    problems = []
    for url in links_of(text):
        if not url.startswith(base):
            problems.append(f"{url}: not under the guide's base URL {base}")
            continue
        path, _, anchor = url[len(base):].partition("#")
        page = site_dir / path / "index.html" if path == "" or path.endswith("/") else site_dir / path
        if not page.is_file():
            problems.append(f"{url}: no page {page.relative_to(site_dir).as_posix()} in the built site")
        elif anchor and not re.search(rf"""\bid=["']?{re.escape(anchor)}["'\s>]""", page.read_text(encoding="utf-8")):
            problems.append(f"{url}: {page.relative_to(site_dir).as_posix()} has no anchor #{anchor}")
    return problems


def run(args: argparse.Namespace) -> int:
    from massgen_guide.source.selection import chosen_source

    require_guide_pages(ROOT)
    text = render_skill(ROOT, chosen_source(args.massgen))
    target = Path(args.output) if args.output else SKILL_PATH
    if args.check:
        current = target.read_text(encoding="utf-8") if target.is_file() else ""
        if current != text:
            print(f"{target}: out of date; run `massgen-guide skill` to regenerate it")
            return 1
        print(f"{target}: up to date ({text.count(chr(10))} lines)")
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target} ({text.count(chr(10))} lines, {len(links_of(text))} links)")
    return 0
