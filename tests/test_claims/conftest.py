"""Fixtures for the claims checker: the installed MassGen's index, and a mutated copy of MassGen in a temp dir."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from massgen_guide.checks.claims.check import check_markdown
from massgen_guide.checks.claims.index import build_index, index_for
from massgen_guide.source.selection import MassGenSource, current_source


@pytest.fixture(scope="session")
def source() -> MassGenSource:
    return current_source()


@pytest.fixture(scope="session")
def index(source):
    return index_for(source)


@pytest.fixture
def check(index, source):
    """Check a synthetic page (a string) against the installed MassGen."""

    def run(markdown: str, page: str = "docs/synthetic.md"):
        return check_markdown(markdown, page, index, source)

    return run


def copy_massgen(target: Path) -> Path:
    """Copy the installed massgen package (Python files and the skill file) into `target`; return the copy."""
    original = current_source().package_dir

    def ignore(folder: str, names: list[str]) -> set[str]:
        keep = set()
        for name in names:
            path = Path(folder) / name
            if path.is_dir():
                if name != "__pycache__":
                    keep.add(name)
            elif name.endswith((".py", ".md")):
                keep.add(name)
        return set(names) - keep

    copy = target / "massgen"
    shutil.copytree(original, copy, ignore=ignore)
    return copy


def replace_in(path: Path, old: str, new: str, count: int = 1) -> int:
    """Replace `old` (must occur) in a file; return the 1-based line of the first replacement."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not found in {path}"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return line


@pytest.fixture(scope="session")
def mutated(tmp_path_factory):
    """One copy of MassGen with several mutations, each breaking one statement of MUTATION_PAGE.

    Returns (package_dir, index, notes) where notes records what was changed. Each pytest-xdist worker makes its
    own copy, in its own temp dir.
    """
    root = tmp_path_factory.mktemp("claims-mutated")
    package = copy_massgen(root)
    backend = package / "backend"
    notes = {}
    # 1. move a file
    (backend / "providers").mkdir()
    shutil.move(backend / "grok.py", backend / "providers" / "grok.py")
    # 2. rename a method
    notes["rename_line"] = replace_in(backend / "base.py", "def start_api_call_timing(", "def begin_api_call_timing(")
    # 3. change a base class
    replace_in(backend / "claude_code.py",
               "class ClaudeCodeBackend(NativeToolBackendMixin, StreamingBufferMixin, LLMBackend):",
               "class ClaudeCodeBackend(NativeToolBackendMixin, StreamingBufferMixin):")
    # 4. change a hook's type (every registration of HumanInputHook)
    installer = package / "orchestrator_collaborators" / "midstream_injection_hook_installer.py"
    text = installer.read_text(encoding="utf-8")
    assert text.count("register_global_hook(HookType.POST_TOOL_USE, orch._human_input_hook)") == 2
    installer.write_text(text.replace("register_global_hook(HookType.POST_TOOL_USE, orch._human_input_hook)",
                                      "register_global_hook(HookType.PRE_TOOL_USE, orch._human_input_hook)"),
                         encoding="utf-8")
    # 5. the two excluded-params lists no longer share one definition
    replace_in(package / "api_params_handler" / "_api_params_handler_base.py",
               'return set(BASE_EXCLUDED_CONFIG_PARAMS) | {"upload_files"}', 'return {"cwd", "upload_files"}')
    # 6. Codex stops naming AGENTS.md
    codex = backend / "codex.py"
    codex.write_text(codex.read_text(encoding="utf-8").replace("AGENTS.md", "INSTRUCTIONS.md"), encoding="utf-8")
    # 7. Gemini CLI loses its native hook adapter
    replace_in(backend / "gemini_cli.py", "self._init_native_hook_adapter(", "self._no_adapter(")
    # 8. a file grows
    claude = backend / "claude.py"
    claude.write_text(claude.read_text(encoding="utf-8") + "\n# padding\n" * 1500, encoding="utf-8")
    # 9. Copilot loads its adapter from a module that does not export it
    replace_in(backend / "copilot.py", '"massgen.mcp_tools.native_hook_adapters.CopilotNativeHookAdapter"',
               '"massgen.mcp_tools.native_hook_adapters.base.CopilotNativeHookAdapter"')
    # 11. a stated field default changes (StreamChunk.display)
    replace_in(backend / "base.py", "    display: bool = True", "    display: bool = False")
    # 12. ChatCompletionsBackend stops yielding "reasoning_done"
    replace_in(backend / "chat_completions.py", 'type="reasoning_done"', 'type="reasoning"')
    # 13. a config key's default changes in Codex
    replace_in(backend / "codex.py", 'kwargs.get("interrupt_poll_seconds", 2.0)', 'kwargs.get("interrupt_poll_seconds", 5.0)')
    # 14. LLMBackend.__init__ raises another error for a cwd it cannot serve
    text = (backend / "base.py").read_text(encoding="utf-8")
    (backend / "base.py").write_text(text.replace("raise ValueError(", "raise RuntimeError("), encoding="utf-8")
    # 10. a file that does not parse
    (backend / "broken_backend.py").write_text("class Broken(:\n    pass\n", encoding="utf-8")
    index = build_index(package, "mutated")
    return package, index, notes
