"""The guide's decision trees: load and validate the one data file, render each tree as a diagram and a widget.

The data lives in `massgen_guide/data/decision_trees.yaml` (the env var `GUIDE_DECISION_TREES` points the build at
another file). `load_trees` checks everything a reader would trip over and raises `GuideError` naming the file,
the tree and the node: unknown node references, unreachable nodes, cycles, leaves without a recommendation or
links, duplicate ids, unknown keys and links to pages that do not exist under `docs/`.

Rendering:

- `render_mermaid(tree)`: a ```` ```mermaid ```` fence (superfences' mermaid custom fence; Material draws it with
  the vendored mermaid).
- `render_widget(tree, page)`: `md_in_html` blocks forming a nested tree of questions, answers and
  recommendations, readable without JavaScript. `docs/assets/javascripts/decision-tree.js` turns it into a
  one-question-at-a-time stepper. Links are Markdown links relative to `page` (the llms files keep them so).
- `render_tree(...)` with both: the diagram goes inside the widget's block (`.guide-dt-diagram`), so a tree is
  shown once: the stepper, with "Show all paths" (the nested text) and "Show diagram" as alternatives the reader
  switches to. Without JavaScript the nested text is the tree and the diagram (which needs JavaScript) is hidden.

The site does not convert the widget's Markdown: `render_tree` embeds it beside `render_widget_html`, the HTML
Python-Markdown would make of it, written directly (`TreeWidget`, embedded like a generated table:
`massgen_guide.tables.embed`). The llms files keep the Markdown; the site gets the HTML, whose relative links the
build checks as it checks a generated table's. `tests/test_decision_trees.py` converts the Markdown with the
site's extensions and asserts the two are the same HTML.
"""

from __future__ import annotations

import html
import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from massgen_guide import tables
from massgen_guide.errors import GuideError
from massgen_guide.paths import PACKAGE_DIR

PACKAGE_DIR = PACKAGE_DIR
ROOT = PACKAGE_DIR.parent
DEFAULT_TREES_FILE = PACKAGE_DIR / "data" / "decision_trees.yaml"
DEFAULT_DOCS_DIR = ROOT / "docs"
ENV_VAR = "GUIDE_DECISION_TREES"

ID_RE = re.compile(r"^[a-z][a-z0-9-]*$")
TREE_KEYS = {"id", "title", "intro", "start", "nodes"}
QUESTION_KEYS = {"id", "question", "short", "answers"}
LEAF_KEYS = {"id", "title", "recommendation", "links"}
ANSWER_KEYS = {"label", "short", "next"}
LINK_KEYS = {"text", "page"}


@dataclass(frozen=True)
class Link:
    text: str
    page: str
    """Page path relative to `docs/`, optionally with `#anchor`."""


@dataclass(frozen=True)
class Answer:
    label: str
    next: str
    short: str = ""


@dataclass
class Node:
    id: str
    question: str = ""
    short: str = ""
    answers: list[Answer] = field(default_factory=list)
    title: str = ""
    recommendation: str = ""
    links: list[Link] = field(default_factory=list)

    @property
    def is_leaf(self) -> bool:
        return not self.question


@dataclass
class Tree:
    id: str
    title: str
    intro: str
    start: str
    nodes: dict[str, Node]

    def leaves(self) -> list[Node]:
        return [node for node in self.nodes.values() if node.is_leaf]

    def questions(self) -> list[Node]:
        return [node for node in self.nodes.values() if not node.is_leaf]

    def paths(self) -> dict[str, list[int]]:
        """For every leaf, the answer indices (0-based) that lead from the start to it (the first path found)."""
        found: dict[str, list[int]] = {}

        def walk(node_id: str, trail: list[int]) -> None:
            node = self.nodes[node_id]
            if node.is_leaf:
                found.setdefault(node_id, trail)
                return
            for index, answer in enumerate(node.answers):
                walk(answer.next, trail + [index])

        walk(self.start, [])
        return found


# --------------------------------------------------------------------------------------------------- loading


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate mapping keys (PyYAML silently keeps the last one)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark,
            )
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def trees_file() -> Path:
    """The decision-tree file in use: `$GUIDE_DECISION_TREES` if set, else the packaged one."""
    override = os.environ.get(ENV_VAR)
    return Path(override) if override else DEFAULT_TREES_FILE


def display_path(path: Path) -> str:
    """A path as a reader should see it in an error: relative to the repo when inside it."""
    resolved = path.resolve()
    for base in (ROOT, Path.cwd()):
        try:
            return resolved.relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return str(path)


class _Checker:
    def __init__(self, path: Path, docs_dir: Path | None) -> None:
        self.file = display_path(path)
        self.docs_dir = docs_dir

    def fail(self, problem: str, tree: str | None = None, node: str | None = None) -> GuideError:
        where = self.file
        if tree is not None:
            where += f": tree {tree!r}"
        if node is not None:
            where += f", node {node!r}"
        return GuideError(f"{where}: {problem}")

    def text(self, mapping: dict[str, Any], key: str, tree: str | None, node: str | None, what: str,
             required: bool = True) -> str:
        value = mapping.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise self.fail(f"{what} has no {key!r}", tree, node)
            return ""
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise self.fail(f"{what}: {key!r} must be text, not {type(value).__name__}", tree, node)
        return str(value).strip()

    def keys(self, mapping: dict[str, Any], allowed: set[str], tree: str | None, node: str | None, what: str) -> None:
        unknown = sorted(set(mapping) - allowed)
        if unknown:
            raise self.fail(f"{what} has unknown key(s) {', '.join(map(repr, unknown))} "
                            f"(allowed: {', '.join(sorted(allowed))})", tree, node)

    def link(self, raw: Any, tree: str, node: str, index: int) -> Link:
        what = f"link {index + 1}"
        if not isinstance(raw, dict):
            raise self.fail(f"{what} must be a mapping with 'text' and 'page'", tree, node)
        self.keys(raw, LINK_KEYS, tree, node, what)
        text = self.text(raw, "text", tree, node, what)
        page = self.text(raw, "page", tree, node, what)
        target, _, _anchor = page.partition("#")
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("/"):
            raise self.fail(f"{what}: page {page!r} must be a path relative to docs/ (no URL, no leading /)",
                            tree, node)
        if not target.endswith(".md"):
            raise self.fail(f"{what}: page {page!r} must name a Markdown page under docs/ (….md)", tree, node)
        if self.docs_dir is not None and not (self.docs_dir / target).is_file():
            raise self.fail(f"{what}: page {target!r} does not exist in docs/", tree, node)
        return Link(text, page)

    def node(self, raw: Any, tree: str, index: int) -> Node:
        if not isinstance(raw, dict):
            raise self.fail(f"node {index + 1} must be a mapping", tree)
        node_id = raw.get("id")
        if not isinstance(node_id, str) or not ID_RE.match(node_id):
            raise self.fail(f"node {index + 1} needs an 'id' of lowercase letters, digits and '-' (got {node_id!r})",
                            tree)
        is_question = "question" in raw or "answers" in raw
        is_leaf = "recommendation" in raw or "links" in raw or "title" in raw
        if is_question and is_leaf:
            raise self.fail("node mixes question keys (question, answers) with leaf keys "
                            "(title, recommendation, links)", tree, node_id)
        if not is_question and not is_leaf:
            raise self.fail("node is neither a question (question + answers) nor a leaf "
                            "(title + recommendation + links)", tree, node_id)
        if is_question:
            self.keys(raw, QUESTION_KEYS, tree, node_id, "question")
            question = self.text(raw, "question", tree, node_id, "question")
            answers_raw = raw.get("answers")
            if not isinstance(answers_raw, list) or len(answers_raw) < 2:
                raise self.fail("question needs an 'answers' list with at least two answers", tree, node_id)
            answers = []
            for number, answer in enumerate(answers_raw, start=1):
                what = f"answer {number}"
                if not isinstance(answer, dict):
                    raise self.fail(f"{what} must be a mapping with 'label' and 'next'", tree, node_id)
                self.keys(answer, ANSWER_KEYS, tree, node_id, what)
                answers.append(Answer(
                    label=self.text(answer, "label", tree, node_id, what),
                    next=self.text(answer, "next", tree, node_id, what),
                    short=self.text(answer, "short", tree, node_id, what, required=False),
                ))
            return Node(node_id, question=question, answers=answers,
                        short=self.text(raw, "short", tree, node_id, "question", required=False))
        self.keys(raw, LEAF_KEYS, tree, node_id, "leaf")
        recommendation = raw.get("recommendation")
        if recommendation is None or (isinstance(recommendation, str) and not recommendation.strip()):
            raise self.fail("leaf has no recommendation", tree, node_id)
        title = self.text(raw, "title", tree, node_id, "leaf")
        links_raw = raw.get("links")
        if not isinstance(links_raw, list) or not links_raw:
            raise self.fail("leaf has no links (give at least one page to read)", tree, node_id)
        links = [self.link(link, tree, node_id, number) for number, link in enumerate(links_raw)]
        return Node(node_id, title=title, recommendation=self.text(raw, "recommendation", tree, node_id, "leaf"),
                    links=links)

    def tree(self, raw: Any, index: int) -> Tree:
        if not isinstance(raw, dict):
            raise self.fail(f"tree {index + 1} must be a mapping")
        tree_id = raw.get("id")
        if not isinstance(tree_id, str) or not ID_RE.match(tree_id):
            raise self.fail(f"tree {index + 1} needs an 'id' of lowercase letters, digits and '-' (got {tree_id!r})")
        self.keys(raw, TREE_KEYS, tree_id, None, "tree")
        title = self.text(raw, "title", tree_id, None, "tree")
        intro = self.text(raw, "intro", tree_id, None, "tree", required=False)
        start = self.text(raw, "start", tree_id, None, "tree")
        nodes_raw = raw.get("nodes")
        if not isinstance(nodes_raw, list) or not nodes_raw:
            raise self.fail("tree has no 'nodes' list", tree_id)
        nodes: dict[str, Node] = {}
        for number, node_raw in enumerate(nodes_raw):
            node = self.node(node_raw, tree_id, number)
            if node.id in nodes:
                raise self.fail("duplicate node id", tree_id, node.id)
            nodes[node.id] = node
        if start not in nodes:
            raise self.fail(f"'start' names unknown node {start!r}", tree_id)
        for node in nodes.values():
            for number, answer in enumerate(node.answers, start=1):
                if answer.next not in nodes:
                    raise self.fail(f"answer {number} ({answer.label!r}) leads to unknown node {answer.next!r}",
                                    tree_id, node.id)
        self.acyclic(tree_id, start, nodes)
        reached = self.reachable(start, nodes)
        unreachable = [node_id for node_id in nodes if node_id not in reached]
        if unreachable:
            raise self.fail(f"node(s) {', '.join(map(repr, unreachable))} cannot be reached from start {start!r}",
                            tree_id)
        return Tree(tree_id, title, intro, start, nodes)

    def acyclic(self, tree: str, start: str, nodes: dict[str, Node]) -> None:
        state: dict[str, int] = {}  # 1 = on the current path, 2 = done
        path: list[str] = []

        def visit(node_id: str) -> None:
            state[node_id] = 1
            path.append(node_id)
            for answer in nodes[node_id].answers:
                if state.get(answer.next) == 1:
                    cycle = path[path.index(answer.next):] + [answer.next]
                    raise self.fail(f"cycle: {' -> '.join(cycle)}", tree, node_id)
                if answer.next not in state:
                    visit(answer.next)
            path.pop()
            state[node_id] = 2

        for node_id in [start, *nodes]:
            if node_id not in state:
                visit(node_id)

    @staticmethod
    def reachable(start: str, nodes: dict[str, Node]) -> set[str]:
        seen = {start}
        todo = [start]
        while todo:
            for answer in nodes[todo.pop()].answers:
                if answer.next not in seen:
                    seen.add(answer.next)
                    todo.append(answer.next)
        return seen


def load_trees(path: Path | None = None, docs_dir: Path | None = None) -> list[Tree]:
    """Read and validate the decision-tree file; every problem raises `GuideError` naming file, tree and node."""
    path = Path(path) if path is not None else trees_file()
    # an installed package ships without the guide's pages: its links were checked when it was built and tested
    docs_dir = Path(docs_dir) if docs_dir is not None else (DEFAULT_DOCS_DIR if DEFAULT_DOCS_DIR.is_dir() else None)
    checker = _Checker(path, docs_dir)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise checker.fail("decision-tree file not found") from None
    except OSError as exc:
        raise checker.fail(f"cannot read the decision-tree file ({exc.strerror})") from None
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        line = f"line {mark.line + 1}: " if mark is not None else ""
        raise checker.fail(f"not valid YAML ({line}{problem})") from None
    if not isinstance(data, dict) or not isinstance(data.get("trees"), list) or not data["trees"]:
        raise checker.fail("expected a mapping with a non-empty 'trees' list at the top")
    unknown = sorted(set(data) - {"trees"})
    if unknown:
        raise checker.fail(f"unknown top-level key(s) {', '.join(map(repr, unknown))}")
    trees: list[Tree] = []
    for number, raw in enumerate(data["trees"]):
        tree = checker.tree(raw, number)
        if any(other.id == tree.id for other in trees):
            raise checker.fail("duplicate tree id", tree.id)
        trees.append(tree)
    return trees


_cache: dict[tuple[str, int, int, str], list[Tree]] = {}


def cached_trees(path: Path | None = None, docs_dir: Path | None = None) -> list[Tree]:
    """`load_trees`, remembered while the file is unchanged (one build expands several directives)."""
    path = Path(path) if path is not None else trees_file()
    try:
        stat = path.stat()
        key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size, str(docs_dir))
    except OSError:
        return load_trees(path, docs_dir)
    if key not in _cache:
        _cache.clear()
        _cache[key] = load_trees(path, docs_dir)
    return _cache[key]


def get_tree(tree_id: str, trees: list[Tree]) -> Tree:
    for tree in trees:
        if tree.id == tree_id:
            return tree
    known = ", ".join(tree.id for tree in trees)
    raise GuideError(f"unknown decision tree {tree_id!r} (known: {known})")


# --------------------------------------------------------------------------------------------------- rendering


def _mermaid_label(text: str) -> str:
    """Plain text for a quoted mermaid label: no Markdown backticks, entities for the characters mermaid parses."""
    text = " ".join(text.replace("`", "").split())
    for char, entity in (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), (";", "#59;")):
        text = text.replace(char, entity)
    return text


def render_mermaid(tree: Tree) -> str:
    """The tree as a mermaid flowchart inside a ```` ```mermaid ```` fence."""
    return "```mermaid\n" + mermaid_flowchart(tree) + "\n```"


def mermaid_flowchart(tree: Tree) -> str:
    """The mermaid source of the tree's flowchart."""
    ids = {node_id: f"n{index}" for index, node_id in enumerate(tree.nodes)}
    lines = ["flowchart TD"]
    for node_id, node in tree.nodes.items():
        if node.is_leaf:
            lines.append(f'    {ids[node_id]}(["{_mermaid_label(node.title)}"])')
        else:
            lines.append(f'    {ids[node_id]}{{"{_mermaid_label(node.short or node.question)}"}}')
    for node_id, node in tree.nodes.items():
        for answer in node.answers:
            label = _mermaid_label(answer.short or answer.label)
            lines.append(f'    {ids[node_id]} -->|"{label}"| {ids[answer.next]}')
    return "\n".join(lines)


def relative_link(target: str, page: str) -> str:
    """`target` (relative to docs/, maybe with #anchor) as a Markdown link from the page `page` (also docs/-relative)."""
    path, sep, anchor = target.partition("#")
    base = posixpath.dirname(page) or "."
    rel = posixpath.relpath(path, base) if path else ""
    return rel + (sep + anchor if sep else "")


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def _one_line(markdown: str) -> str:
    return " ".join(markdown.split())


def render_widget(tree: Tree, page: str, diagram: str = "") -> str:
    """The tree as nested `md_in_html` blocks: a readable tree without JavaScript, a stepper with it.

    `diagram` (Markdown, the tree's mermaid fence) goes in the same block, as the widget's diagram view."""
    out: list[str] = [
        f'<div class="guide-dt" data-tree="{_attr(tree.id)}" data-start="{_attr(tree.start)}" '
        f'data-title="{_attr(tree.title)}" markdown>',
        "",
    ]

    def emit(node_id: str) -> None:
        node = tree.nodes[node_id]
        if node.is_leaf:
            out.extend([
                f'<div class="guide-dt-node guide-dt-leaf" data-node="{_attr(node.id)}" markdown>',
                "",
                f'<p class="guide-dt-title" markdown>{_one_line(node.title)}</p>',
                "",
                '<div class="guide-dt-rec" markdown>',
                "",
                node.recommendation.strip(),
                "",
                "</div>",
                "",
                '<div class="guide-dt-links" markdown>',
                "",
                *[f"- [{link.text}]({relative_link(link.page, page)})" for link in node.links],
                "",
                "</div>",
                "",
                "</div>",
                "",
            ])
            return
        out.extend([
            f'<div class="guide-dt-node guide-dt-question" data-node="{_attr(node.id)}" markdown>',
            "",
            f'<p class="guide-dt-prompt" markdown>{_one_line(node.question)}</p>',
            "",
        ])
        for index, answer in enumerate(node.answers):
            out.extend([
                f'<div class="guide-dt-answer" data-index="{index}" data-next="{_attr(answer.next)}" markdown>',
                "",
                f'<p class="guide-dt-label" markdown>{_one_line(answer.label)}</p>',
                "",
            ])
            emit(answer.next)
            out.extend(["</div>", ""])
        out.extend(["</div>", ""])

    emit(tree.start)
    if diagram:
        out.extend(['<div class="guide-dt-diagram" markdown>', "", diagram, "", "</div>", ""])
    out.extend(["</div>", ""])
    return "\n".join(out)


def _html_attr(value: str) -> str:
    """An attribute value as Python-Markdown writes it (`&`, `<`, `>` and `"` escaped)."""
    return html.escape(value, quote=False).replace('"', "&quot;")


def _html_inline(markdown: str, page: str) -> str:
    return tables.html_parts(tables.inline(_one_line(markdown)), page)


def render_widget_html(tree: Tree, page: str, diagram: bool = True) -> str:
    """`render_widget`'s HTML, as Python-Markdown (`md_in_html`) converts it: attributes in alphabetical order, one
    element per line, the diagram as superfences' mermaid fence (`<pre class="mermaid"><code>`)."""
    out = [f'<div class="guide-dt" data-start="{_html_attr(tree.start)}" data-title="{_html_attr(tree.title)}" '
           f'data-tree="{_html_attr(tree.id)}">']

    def emit(node_id: str) -> None:
        node = tree.nodes[node_id]
        if node.is_leaf:
            links = [f'<li><a href="{_html_attr(tables.html_href(relative_link(link.page, page), page))}">'
                     f"{_html_inline(link.text, page)}</a></li>" for link in node.links]
            out.extend([
                f'<div class="guide-dt-node guide-dt-leaf" data-node="{_html_attr(node.id)}">',
                f'<p class="guide-dt-title">{_html_inline(node.title, page)}</p>',
                '<div class="guide-dt-rec">',
                f"<p>{_html_inline(node.recommendation, page)}</p>",
                "</div>",
                '<div class="guide-dt-links">',
                *(["<ul>", *links, "</ul>"] if links else []),
                "</div>",
                "</div>",
            ])
            return
        out.extend([
            f'<div class="guide-dt-node guide-dt-question" data-node="{_html_attr(node.id)}">',
            f'<p class="guide-dt-prompt">{_html_inline(node.question, page)}</p>',
        ])
        for index, answer in enumerate(node.answers):
            out.extend([
                f'<div class="guide-dt-answer" data-index="{index}" data-next="{_html_attr(answer.next)}">',
                f'<p class="guide-dt-label">{_html_inline(answer.label, page)}</p>',
            ])
            emit(answer.next)
            out.append("</div>")
        out.append("</div>")

    emit(tree.start)
    if diagram:
        source = html.escape(mermaid_flowchart(tree), quote=False)
        out.extend(['<div class="guide-dt-diagram">', f'<pre class="mermaid"><code>{source}</code></pre>', "</div>"])
    out.append("</div>")
    return "\n".join(out) + "\n"


@dataclass(frozen=True)
class TreeWidget:
    """A tree's widget in both renderings, for `tables.embed`: the Markdown (the llms files) and its HTML (the
    site)."""

    tree: Tree
    page: str
    diagram: bool = True

    def markdown(self) -> str:
        return render_widget(self.tree, self.page, render_mermaid(self.tree) if self.diagram else "")

    def html(self, page: str | None = None) -> str:
        return render_widget_html(self.tree, self.page, self.diagram)


def render_tree(tree: Tree, page: str, *, widget: bool = True, diagram: bool = True, intro: bool = False,
                heading: str = "") -> str:
    """Markdown for one tree on `page`: optional heading and intro, then the widget with the diagram as one of
    its views (or whichever of the two is asked for alone)."""
    parts: list[str] = []
    if heading:
        parts.append(f"{heading} {tree.title}\n")
    if intro and tree.intro:
        parts.append(_one_line(tree.intro) + "\n")
    if widget:
        parts.append(tables.embed(TreeWidget(tree, page, diagram), page))
    elif diagram:
        parts.append(render_mermaid(tree) + "\n")
    return "\n".join(parts)
