"""Decision trees: the data file is valid, every tree renders, every leaf is reachable, and each kind of broken
tree file fails with one line naming the file, the tree, the node and the problem."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml

from massgen_guide.site import decision_trees as dt
from massgen_guide.errors import GuideError
from massgen_guide.site.directives import expand_directives

ROOT = Path(__file__).resolve().parent.parent


# ------------------------------------------------------------------------------------------ the real file


@pytest.fixture(scope="module")
def trees() -> list[dt.Tree]:
    return dt.load_trees(dt.DEFAULT_TREES_FILE, ROOT / "docs")


def test_every_decision_of_the_guide_has_a_tree(trees: list[dt.Tree]) -> None:
    assert [tree.id for tree in trees] == [
        "base-class", "formatter", "api-params-handler", "auth", "custom-tools-delivery", "workflow-tools", "docker",
    ]


def test_every_leaf_and_node_is_reachable_from_the_start(trees: list[dt.Tree]) -> None:
    for tree in trees:
        paths = tree.paths()
        assert set(paths) == {leaf.id for leaf in tree.leaves()}, tree.id
        for leaf_id, path in paths.items():
            node = tree.nodes[tree.start]
            for index in path:
                node = tree.nodes[node.answers[index].next]
            assert node.id == leaf_id and node.is_leaf
        assert dt._Checker.reachable(tree.start, tree.nodes) == set(tree.nodes), tree.id


def test_every_leaf_recommends_something_and_links_to_pages(trees: list[dt.Tree]) -> None:
    for tree in trees:
        for leaf in tree.leaves():
            assert leaf.title and len(leaf.recommendation) > 40, (tree.id, leaf.id)
            for link in leaf.links:
                assert (ROOT / "docs" / link.page.partition("#")[0]).is_file(), (tree.id, leaf.id, link.page)


def test_base_class_tree_names_the_real_massgen_classes(trees: list[dt.Tree], massgen_imported) -> None:
    import massgen.backend.base as base
    import massgen.backend.base_with_custom_tool_and_mcp as custom
    import massgen.backend.chat_completions as chat
    import massgen.backend.response as response
    from massgen.backend._streaming_buffer_mixin import StreamingBufferMixin
    from massgen.backend.native_tool_mixin import NativeToolBackendMixin

    titles = {leaf.id: leaf.title for leaf in trees[0].leaves()}
    assert "`ChatCompletionsBackend`" in titles["chat-completions"]
    assert "`ResponseBackend`" in titles["response-backend"]
    assert "`CustomToolAndMCPBackend`" in titles["custom-api"]
    assert "`LLMBackend`" in titles["cli-wrapper"] and "`LLMBackend`" in titles["sdk-wrapper"]
    assert issubclass(chat.ChatCompletionsBackend, custom.CustomToolAndMCPBackend)
    assert issubclass(response.ResponseBackend, custom.CustomToolAndMCPBackend)
    assert issubclass(custom.CustomToolAndMCPBackend, base.LLMBackend)
    from massgen.backend.codex import CodexBackend
    from massgen.backend.grok import GrokBackend

    assert {StreamingBufferMixin, NativeToolBackendMixin, base.LLMBackend} <= set(CodexBackend.__bases__)
    assert GrokBackend.__bases__ == (response.ResponseBackend,)


def test_every_massgen_name_in_the_trees_holds_for_the_pinned_massgen(trees: list[dt.Tree]) -> None:
    """Run the guide's reference checker (the one the build runs on pages) over every text of every tree."""
    from massgen_guide.checks.claims.check import check_markdown
    from massgen_guide.checks.claims.index import index_for
    from massgen_guide.source.selection import current_source

    source = current_source()
    index = index_for(source)
    checked = 0
    failures = []
    for tree in trees:
        for node in tree.nodes.values():
            texts = [tree.intro, node.question, node.title, node.recommendation, *[a.label for a in node.answers]]
            markdown = "\n\n".join(" ".join(text.split()) for text in texts if text)
            report = check_markdown(markdown, f"tree {tree.id!r}, node {node.id!r}", index, source)
            checked += len(report.findings)
            failures += [finding.describe() for finding in report.failures]
    assert not failures, "\n".join(failures)
    assert checked > 100, f"only {checked} references were checked"


def _source(relative: str) -> str:
    from massgen_guide.source.selection import current_source

    return current_source().path_of(f"massgen/{relative}").read_text(encoding="utf-8")


def test_the_relations_the_trees_state_hold_in_massgen_source(trees: list[dt.Tree]) -> None:
    """What the leaves say about who does what, checked in the source text (the reference checker sees names,
    not relations)."""
    texts = {(tree.id, node.id): node.recommendation for tree in trees for node in tree.leaves()}
    # custom-tools-delivery: the shared MCP server is used by Codex, Gemini CLI and Copilot (Codex and Gemini CLI
    # clean up in reset_state, Copilot in close); Claude Code builds an in-process SDK MCP server.
    assert ("`CodexBackend` and `GeminiCLIBackend` do it in `reset_state`, `CopilotBackend` in\n`close()`"
            .replace("\n", " ")) in " ".join(texts["custom-tools-delivery", "custom-tools-server"].split())
    close = _source("backend/copilot.py").split("    async def close(self):", 1)[1].split("\n    def ", 1)[0]
    assert "self._custom_tool_specs_path.unlink(" in close
    for module in ("codex.py", "gemini_cli.py", "copilot.py"):
        assert re.search(r"from \.\.mcp_tools\.custom_tools_server import \(\s*build_server_config,\s*write_tool_specs",
                         _source(f"backend/{module}")), module
    assert "create_sdk_mcp_server(" in _source("backend/claude_code.py")
    assert '"name": "massgen_custom_tools"' in _source("mcp_tools/custom_tools_server.py")
    # workflow-tools: Codex and Gemini CLI go through _setup_workflow_tools; Claude Code has MCP switched off.
    for module in ("codex.py", "gemini_cli.py"):
        assert "self._setup_workflow_tools(" in _source(f"backend/{module}"), module
    assert "self._has_workflow_mcp = False" in _source("backend/claude_code.py")
    assert "build_workflow_instructions" in _source("backend/antigravity_cli.py")
    assert "def _build_sdk_tools(" in _source("backend/copilot.py")
    # docker: CLIs run inside the container, and the validator wants a network mode for these types.
    for module in ("codex.py", "gemini_cli.py"):
        code = _source(f"backend/{module}")
        assert "async def _stream_docker(" in code and "exec_create(" in code, module
    validator = _source("config_validator.py")
    for backend_type in ("codex", "copilot", "gemini_cli"):
        assert re.search(rf'if backend_type == "{backend_type}":\s*execution_mode = backend_config.get\('
                         r'"command_line_execution_mode"\)\s*if execution_mode == "docker":\s*'
                         r'(#[^\n]*\s*)?if "command_line_docker_network_mode" not in backend_config', validator), backend_type
    # auth: local servers have no env var; Copilot gets a placeholder key.
    capabilities = _source("backend/capabilities.py")
    for backend_type in ("lmstudio", "vllm", "sglang"):
        assert re.search(rf'backend_type="{backend_type}",(?:(?!backend_type=).)*?env_var=None', capabilities, re.S), \
            backend_type
    assert 'CopilotBackend(api_key="copilot-local"' in _source("cli/backends.py")
    assert "os.getenv(\"CLAUDE_CODE_API_KEY\") or os.getenv(\"ANTHROPIC_API_KEY\")" in _source("backend/claude_code.py")
    # formatter / params: no CLI or SDK wrapper sets either; the Inference handler subclasses the chat one.
    for module in ("codex.py", "claude_code.py", "copilot.py", "gemini_cli.py", "antigravity_cli.py"):
        code = _source(f"backend/{module}")
        assert "self.formatter =" not in code and "self.api_params_handler =" not in code, module
    assert "class InferenceAPIParamsHandler(ChatCompletionsAPIParamsHandler)" in _source("backend/inference.py")
    assert "GeminiFormatter" not in _source("formatter/__init__.py")


def test_each_tree_renders_as_a_mermaid_diagram(trees: list[dt.Tree]) -> None:
    for tree in trees:
        text = dt.render_mermaid(tree)
        lines = text.splitlines()
        assert lines[0] == "```mermaid" and lines[1] == "flowchart TD" and lines[-1] == "```"
        nodes = [line for line in lines if re.match(r"^    n\d+(\{|\(\[)\"", line)]
        edges = [line for line in lines if " -->|" in line]
        assert len(nodes) == len(tree.nodes)
        assert len(edges) == sum(len(node.answers) for node in tree.nodes.values())
        assert "`" not in "\n".join(lines[1:-1]), "backticks would turn mermaid labels into Markdown strings"


def test_each_tree_renders_as_a_nested_widget_with_relative_links(trees: list[dt.Tree]) -> None:
    for tree in trees:
        for page, prefix in (("decision-trees.md", ""), ("phases/backend-class.md", "../")):
            html = dt.render_widget(tree, page)
            assert html.startswith(f'<div class="guide-dt" data-tree="{tree.id}" data-start="{tree.start}"')
            assert html.count("guide-dt-leaf") == len(tree.paths())
            for leaf in tree.leaves():
                for link in leaf.links:
                    target = link.page
                    if prefix and target.startswith("phases/"):
                        target = target.removeprefix("phases/")
                    elif prefix:
                        target = prefix + target
                    assert f"- [{link.text}]({target})" in html


@pytest.mark.parametrize("page", ["decision-trees.md", "phases/backend-class.md", "patterns/cli-wrapper.md"])
def test_the_widgets_html_is_what_the_site_engine_makes_of_its_markdown(trees: list[dt.Tree], page: str) -> None:
    """The site gets `render_widget_html`, the llms files `render_widget`: the same widget, line by line."""
    from tests.test_tables import compare_as_converted

    for tree in trees:
        for diagram in (True, False):
            widget = dt.TreeWidget(tree, page, diagram)
            assert compare_as_converted(widget.markdown(), widget.html(), page, tree.id) == [], (tree.id, diagram)


def test_a_widget_label_written_differently_is_named(trees: list[dt.Tree], monkeypatch) -> None:
    from tests.test_tables import compare_as_converted

    tree = dt.get_tree("auth", trees)
    node = tree.nodes[tree.start]
    changed = copy.deepcopy(tree)
    changed.nodes[tree.start].answers[0] = dt.Answer(node.answers[0].label + " (changed)", node.answers[0].next)
    written = dt.render_widget_html(changed, "phases/auth.md")
    problems = compare_as_converted(dt.TreeWidget(tree, "phases/auth.md").markdown(), written, "phases/auth.md",
                                    "auth")
    assert len(problems) == 1 and problems[0].startswith("auth, line 5: converted '<p class=\"guide-dt-label\">")
    assert problems[0].endswith(" (changed)</p>'")


def test_the_site_gets_the_widgets_html_and_the_llms_files_its_markdown() -> None:
    from massgen_guide import tables

    text = expand_directives("<!-- guide:decision-tree id=auth -->\n", "phases/auth.md")
    site, llms = tables.for_site(text), tables.for_markdown(text)
    assert '<div class="guide-dt" data-start=' in site and " markdown>" not in site and "```mermaid" not in site
    assert '<pre class="mermaid"><code>flowchart TD' in site
    assert '<div class="guide-dt" data-tree="auth"' in llms and "```mermaid" in llms and "<pre" not in llms


def test_relative_links_from_nested_pages() -> None:
    assert dt.relative_link("phases/auth.md", "choose-base-class.md") == "phases/auth.md"
    assert dt.relative_link("phases/auth.md#api-key", "patterns/cli-wrapper.md") == "../phases/auth.md#api-key"
    assert dt.relative_link("phases/auth.md", "phases/hooks.md") == "auth.md"
    assert dt.relative_link("decision-trees.md", "decision-trees.md") == "decision-trees.md"


def test_directive_renders_one_tree_or_all(trees: list[dt.Tree]) -> None:
    one = expand_directives("# T\n\n<!-- guide:decision-tree id=auth -->\n", "choose-base-class.md")
    assert 'data-tree="auth"' in one and "```mermaid" in one and "## " not in one
    every = expand_directives("<!-- guide:decision-tree id=all -->\n", "decision-trees.md")
    for tree in trees:
        assert f"## {tree.title}\n" in every and f'data-tree="{tree.id}"' in every
    assert every.count("```mermaid") == len(trees)
    widget_only = expand_directives("<!-- guide:decision-tree id=auth diagram=no -->\n", "x.md")
    assert "```mermaid" not in widget_only


def test_directive_with_an_unknown_tree_names_page_and_line() -> None:
    with pytest.raises(GuideError) as caught:
        expand_directives("# T\n\n<!-- guide:decision-tree id=nope -->\n", "choose-base-class.md")
    assert str(caught.value) == (
        "docs/choose-base-class.md:3: guide:decision-tree: unknown decision tree 'nope' (known: base-class, "
        "formatter, api-params-handler, auth, custom-tools-delivery, workflow-tools, docker)"
    )


def test_env_var_selects_another_tree_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(dt.ENV_VAR, str(tmp_path / "t.yaml"))
    assert dt.trees_file() == tmp_path / "t.yaml"
    monkeypatch.delenv(dt.ENV_VAR)
    assert dt.trees_file() == dt.DEFAULT_TREES_FILE


# ------------------------------------------------------------------------------------------ broken files

VALID = {
    "trees": [
        {
            "id": "t",
            "title": "T",
            "start": "q",
            "nodes": [
                {"id": "q", "question": "Q?", "answers": [{"label": "A", "next": "a"}, {"label": "B", "next": "b"}]},
                {"id": "a", "title": "Do A", "recommendation": "Do A.", "links": [{"text": "P", "page": "p.md"}]},
                {"id": "b", "title": "Do B", "recommendation": "Do B.", "links": [{"text": "P", "page": "p.md"}]},
            ],
        },
    ],
}


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "p.md").write_text("# P\n")
    return tmp_path / "docs"


def load(tmp_path: Path, docs: Path, data: object) -> list[dt.Tree]:
    path = tmp_path / "trees.yaml"
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False))
    return dt.load_trees(path, docs)


def broken(tmp_path: Path, docs: Path, mutate) -> str:
    data = copy.deepcopy(VALID)
    mutate(data)
    with pytest.raises(GuideError) as caught:
        load(tmp_path, docs, data)
    return str(caught.value)


def nodes(data: dict) -> list[dict]:
    return data["trees"][0]["nodes"]


def test_the_valid_sample_loads(tmp_path: Path, docs: Path) -> None:
    (tree,) = load(tmp_path, docs, VALID)
    assert tree.paths() == {"a": [0], "b": [1]}


def test_unknown_node_reference(tmp_path: Path, docs: Path) -> None:
    def mutate(data):
        nodes(data)[0]["answers"][1]["next"] = "nowhere"
        nodes(data).pop()
    assert broken(tmp_path, docs, mutate) == (
        f"{tmp_path}/trees.yaml: tree 't', node 'q': answer 2 ('B') leads to unknown node 'nowhere'"
    )


def test_unknown_start(tmp_path: Path, docs: Path) -> None:
    assert broken(tmp_path, docs, lambda d: d["trees"][0].update(start="first")) == (
        f"{tmp_path}/trees.yaml: tree 't': 'start' names unknown node 'first'"
    )


def test_unreachable_node(tmp_path: Path, docs: Path) -> None:
    def mutate(data):
        nodes(data).append({"id": "lost", "title": "L", "recommendation": "L.", "links": [{"text": "P", "page": "p.md"}]})
    assert broken(tmp_path, docs, mutate) == (
        f"{tmp_path}/trees.yaml: tree 't': node(s) 'lost' cannot be reached from start 'q'"
    )


def test_cycle(tmp_path: Path, docs: Path) -> None:
    def mutate(data):
        nodes(data).insert(1, {"id": "q2", "question": "Again?", "answers": [
            {"label": "Loop", "next": "q"}, {"label": "Out", "next": "a"}]})
        nodes(data)[0]["answers"][0]["next"] = "q2"
    assert broken(tmp_path, docs, mutate) == f"{tmp_path}/trees.yaml: tree 't', node 'q2': cycle: q -> q2 -> q"


def test_leaf_without_recommendation(tmp_path: Path, docs: Path) -> None:
    assert broken(tmp_path, docs, lambda d: nodes(d)[1].pop("recommendation")) == (
        f"{tmp_path}/trees.yaml: tree 't', node 'a': leaf has no recommendation"
    )


def test_leaf_without_links(tmp_path: Path, docs: Path) -> None:
    assert broken(tmp_path, docs, lambda d: nodes(d)[2].update(links=[])) == (
        f"{tmp_path}/trees.yaml: tree 't', node 'b': leaf has no links (give at least one page to read)"
    )


def test_link_to_a_page_that_does_not_exist(tmp_path: Path, docs: Path) -> None:
    assert broken(tmp_path, docs, lambda d: nodes(d)[1]["links"][0].update(page="phases/nope.md#x")) == (
        f"{tmp_path}/trees.yaml: tree 't', node 'a': link 1: page 'phases/nope.md' does not exist in docs/"
    )


def test_link_that_is_a_url(tmp_path: Path, docs: Path) -> None:
    assert broken(tmp_path, docs, lambda d: nodes(d)[1]["links"][0].update(page="https://massgen.github.io/x.md")) == (
        f"{tmp_path}/trees.yaml: tree 't', node 'a': link 1: page 'https://massgen.github.io/x.md' must be a path "
        "relative to docs/ (no URL, no leading /)"
    )


def test_duplicate_node_id(tmp_path: Path, docs: Path) -> None:
    assert broken(tmp_path, docs, lambda d: nodes(d)[2].update(id="a")) == (
        f"{tmp_path}/trees.yaml: tree 't', node 'a': duplicate node id"
    )


def test_duplicate_tree_id(tmp_path: Path, docs: Path) -> None:
    assert broken(tmp_path, docs, lambda d: d["trees"].append(copy.deepcopy(d["trees"][0]))) == (
        f"{tmp_path}/trees.yaml: tree 't': duplicate tree id"
    )


def test_question_with_one_answer(tmp_path: Path, docs: Path) -> None:
    def mutate(data):
        nodes(data)[0]["answers"].pop()
        nodes(data).pop()
    assert broken(tmp_path, docs, mutate) == (
        f"{tmp_path}/trees.yaml: tree 't', node 'q': question needs an 'answers' list with at least two answers"
    )


def test_misspelt_key(tmp_path: Path, docs: Path) -> None:
    def mutate(data):
        nodes(data)[1]["recomendation"] = nodes(data)[1].pop("recommendation")
    assert broken(tmp_path, docs, mutate) == (
        f"{tmp_path}/trees.yaml: tree 't', node 'a': leaf has unknown key(s) 'recomendation' "
        "(allowed: id, links, recommendation, title)"
    )


def test_node_that_is_both_question_and_leaf(tmp_path: Path, docs: Path) -> None:
    assert broken(tmp_path, docs, lambda d: nodes(d)[0].update(title="Both")) == (
        f"{tmp_path}/trees.yaml: tree 't', node 'q': node mixes question keys (question, answers) with leaf keys "
        "(title, recommendation, links)"
    )


def test_not_yaml(tmp_path: Path, docs: Path) -> None:
    with pytest.raises(GuideError) as caught:
        load(tmp_path, docs, "trees:\n  - id: t\n    title: [unclosed\n")
    assert str(caught.value).startswith(f"{tmp_path}/trees.yaml: not valid YAML (line ")


def test_duplicate_yaml_key(tmp_path: Path, docs: Path) -> None:
    with pytest.raises(GuideError) as caught:
        load(tmp_path, docs, "trees:\n  - id: t\n    id: u\n")
    assert str(caught.value) == f"{tmp_path}/trees.yaml: not valid YAML (line 3: duplicate key 'id')"


def test_missing_file(tmp_path: Path, docs: Path) -> None:
    with pytest.raises(GuideError) as caught:
        dt.load_trees(tmp_path / "absent.yaml", docs)
    assert str(caught.value) == f"{tmp_path}/absent.yaml: decision-tree file not found"


def test_no_trees(tmp_path: Path, docs: Path) -> None:
    with pytest.raises(GuideError) as caught:
        load(tmp_path, docs, "trees: []\n")
    assert str(caught.value) == f"{tmp_path}/trees.yaml: expected a mapping with a non-empty 'trees' list at the top"


def test_errors_inside_the_repo_name_the_file_relative_to_it(tmp_path: Path) -> None:
    checker = dt._Checker(dt.DEFAULT_TREES_FILE, ROOT / "docs")
    assert str(checker.fail("x", "t", "n")) == "massgen_guide/data/decision_trees.yaml: tree 't', node 'n': x"
