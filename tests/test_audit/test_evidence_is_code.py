"""The audit's evidence rule: only code counts (a call, an attribute access or assignment, a definition, an
import). A comment, a docstring or a string literal naming the right call must never make a point pass.

One failing-input test per check kind that reads names: `mentions_any`, `mentions_all`, `inherits` with
`also_mentions`, `assigns_attr`, the `docker_execution` condition and the `docker_network_rule` check; each
asserts the exact failure. The synthetic tree is the one in conftest.py, edited per test.
"""

from __future__ import annotations

from pathlib import Path

from massgen_guide.audit.results import MISSING, NOT_APPLICABLE, PASS
from massgen_guide.audit.auditor import run_audit, source_for
from massgen_guide.facts.tree import Tree
from massgen_guide.source.selection import resolve_source


def result(tree: Path, backend_type: str, point_id: str):
    (report,) = run_audit(source_for(str(tree)), backend_type).reports
    return next(r for r in report.results if r.point.id == point_id)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))


GOOD = "massgen/backend/good.py"
NATIVE = "massgen/backend/nativecli.py"


def test_mentions_any_ignores_a_docstring_that_explains_why_the_call_is_absent(fake_massgen: Path) -> None:
    edit(fake_massgen / GOOD, "        self._update_token_usage_from_api_response({}, self.model)\n",
         '        """We do not call _update_token_usage_from_api_response: the CLI reports no usage."""\n'
         "        # self._estimate_token_usage(messages, '', self.model) is not used either\n"
         '        note = "update_token_usage and self.token_usage.input_tokens are mentioned only in text"\n')
    r = result(fake_massgen, "good", "token-usage")
    assert (r.status, r.required) == (MISSING, True)
    assert r.detail == ("none of _update_token_usage_from_api_response, _estimate_token_usage, update_token_usage, "
                        "self.token_usage. in massgen/backend/good.py, massgen/backend/base_with_custom_tool_and_mcp.py")


def test_mentions_any_counts_an_attribute_assignment(fake_massgen: Path) -> None:
    """claude_code.py adds to `self.token_usage` fields itself: an augmented assignment is code."""
    edit(fake_massgen / GOOD, "        self._update_token_usage_from_api_response({}, self.model)\n",
         "        self.token_usage.input_tokens += 3\n")
    r = result(fake_massgen, "good", "token-usage")
    assert r.status == PASS
    assert [e.note for e in r.evidence] == ["self.token_usage."]


def test_mentions_any_ignores_a_module_docstring(fake_massgen: Path) -> None:
    """The trial's case: `workflow-tools` passed on a module docstring describing the route."""
    path = fake_massgen / NATIVE
    path.write_text('"""Workflow tools: we call build_workflow_instructions and parse_workflow_tool_calls."""\n'
                    + path.read_text().replace(", build_workflow_instructions,", ",")
                    .replace("        instructions = build_workflow_instructions(tools)\n",
                             '        instructions = "see _setup_workflow_tools"\n'))
    r = result(fake_massgen, "nativecli", "workflow-tools")
    assert (r.status, r.required) == (MISSING, True)
    assert r.detail.startswith("none of build_workflow_instructions, build_workflow_mcp_instructions, "
                               "parse_workflow_tool_calls, _setup_workflow_tools, extract_workflow_tool_call, "
                               "_build_sdk_tools in massgen/backend/nativecli.py")


def test_mentions_any_counts_an_import(fake_massgen: Path) -> None:
    r = result(fake_massgen, "nativecli", "workflow-tools")
    assert r.status == PASS
    assert [str(e) for e in r.evidence] == ["massgen/backend/nativecli.py:2 (build_workflow_instructions)"]


def test_mentions_all_ignores_a_comment(fake_massgen: Path) -> None:
    edit(fake_massgen / GOOD, "        self.end_api_call_timing(success=True)\n",
         "        # self.end_api_call_timing(success=True) -- TODO\n")
    r = result(fake_massgen, "good", "api-timing")
    assert (r.status, r.required) == (MISSING, False)  # an advisory point
    assert r.detail == "no call to end_api_call_timing"
    assert [e.note for e in r.evidence] == ["start_api_call_timing"]


def test_inherits_also_mentions_ignores_a_string_literal(fake_massgen: Path) -> None:
    edit(fake_massgen / GOOD, "        self._finalize_streaming_buffer(agent_id=None)\n",
         '        log = "self._finalize_streaming_buffer(agent_id=None) runs elsewhere"\n')
    r = result(fake_massgen, "good", "streaming-buffer")
    assert r.status == MISSING
    assert r.detail == "inherits StreamingBufferMixin but never calls _finalize_streaming_buffer"


def test_assigns_attr_ignores_a_comment(fake_massgen: Path) -> None:
    edit(fake_massgen / GOOD, "        self.formatter = GoodFormatter()\n",
         "        # self.formatter = GoodFormatter()  (set later)\n")
    r = result(fake_massgen, "good", "formatter")
    assert (r.status, r.required) == (MISSING, True)
    assert r.detail == ("no `self.formatter = ...` in GoodBackend or its bases (see massgen/formatter/); "
                        "an API backend (class GoodBackend(StreamingBufferMixin, CustomToolAndMCPBackend))")


def test_docker_condition_ignores_a_docstring(fake_massgen: Path) -> None:
    path = fake_massgen / NATIVE
    path.write_text('"""In Docker mode this would use exec_create and _docker_execution."""\n' + path.read_text())
    r = result(fake_massgen, "nativecli", "docker-network-mode")
    assert r.status == NOT_APPLICABLE
    assert r.detail == "the backend does not run its CLI/SDK in Docker (no _docker_execution / exec_create / exec_run)"
    # the same name as code makes the condition hold, and the missing validator rule fails the audit
    edit(path, "        super().__init__(**kwargs)\n",
         '        super().__init__(**kwargs)\n        self._docker_execution = kwargs.get("command_line_execution_mode") == "docker"\n')
    r = result(fake_massgen, "nativecli", "docker-network-mode")
    assert (r.status, r.required) == (MISSING, True)
    assert r.detail == ('no `backend_type == "nativecli"` rule requiring command_line_docker_network_mode in '
                        'massgen/config_validator.py; runs its CLI/SDK in Docker mode (massgen/backend/nativecli.py:12)')


def test_docker_network_rule_ignores_a_comment_in_the_rule(fake_massgen: Path) -> None:
    path = fake_massgen / NATIVE
    edit(path, "        super().__init__(**kwargs)\n",
         '        super().__init__(**kwargs)\n        self._docker_execution = kwargs.get("command_line_execution_mode") == "docker"\n')
    rule = ('        if backend_type == "nativecli":\n'
            "            # TODO: require command_line_docker_network_mode\n"
            '            "command_line_docker_network_mode is needed"\n')
    edit(fake_massgen / "massgen/config_validator.py", "            return\n", "            return\n" + rule)
    assert result(fake_massgen, "nativecli", "docker-network-mode").status == MISSING
    edit(fake_massgen / "massgen/config_validator.py", rule, rule + (
        '            if "command_line_docker_network_mode" not in backend_config:\n'
        '                result.add_error("needs a network mode", location, "")\n'))
    r = result(fake_massgen, "nativecli", "docker-network-mode")
    assert r.status == PASS
    assert [e.line for e in r.evidence] == [11, 14]  # the `if`, then the code reading the key


def test_code_names_index(tmp_path: Path) -> None:
    """The one helper behind every name check: what counts, on which line, and what never does."""
    (tmp_path / "massgen/backend").mkdir(parents=True)
    (tmp_path / "massgen/backend/base.py").write_text("")
    (tmp_path / "massgen/__init__.py").write_text("")
    (tmp_path / "massgen/backend/mod.py").write_text(
        '"""Module docstring naming doc_only_a."""\n'       # 1
        "from .base import (\n"                             # 2
        "    imported_b,\n"                                 # 3
        ")\n"                                               # 4
        "import os.path as osp\n"                           # 5
        "# comment_only_c()\n"                              # 6
        "class Defined(Base):\n"                            # 7
        '    """Class docstring naming doc_only_d."""\n'    # 8
        "    def method_e(self):\n"                         # 9
        '        text = "string_only_f()"\n'                # 10
        "        self.usage.total += 1\n"                   # 11
        "        return (self.client\n"                     # 12
        "                .called_g())\n")                   # 13
    tree = Tree(resolve_source(str(tmp_path)))
    names = tree.code_names("massgen/backend/mod.py")
    for absent in ("doc_only_a", "comment_only_c", "doc_only_d", "string_only_f"):
        assert absent not in names
    assert {k: names[k] for k in ("imported_b", "osp", "os", "path", "Defined", "Base", "method_e", "text",
                                  "self.usage.", "self.usage", "total", "called_g", "self.client.")} == {
        "imported_b": 3, "osp": 5, "os": 5, "path": 5, "Defined": 7, "Base": 7, "method_e": 9, "text": 10,
        "self.usage.": 11, "self.usage": 11, "total": 11, "called_g": 13, "self.client.": 13}
    assert tree.code_line("massgen/backend/mod.py", "self.usage.total") == 11
    assert tree.code_names("massgen/backend/missing.py") == {}
