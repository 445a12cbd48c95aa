"""Root conftest: how pytest-markdown-docs reads the guide's pages, and the fence summary line.

The page fences are found by `massgen_guide.fences` (the same code the fence test uses): fences inside
admonitions and content tabs are collected too, and include-only blocks run the files they include.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent


def pytest_markdown_docs_markdown_it():
    from markdown_it import MarkdownIt

    from massgen_guide.fences import runnable_markdown

    class GuideMarkdownIt(MarkdownIt):
        def parse(self, src, env=None):
            return super().parse(runnable_markdown(src, ROOT), env)

    return GuideMarkdownIt(config="commonmark")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    from massgen_guide.fence_checks import classify, docs_fences, summary

    verdicts = [classify(fence, ROOT) for fence in docs_fences(ROOT)]
    terminalreporter.write_line(summary(verdicts))
