"""`[[shown-by: NAME]]`: a sentence bound to a block on its page that runs. The build fails at page:line on a
missing, duplicated or opted-out block; the link renders; and the block that shows the orchestrator retrying an
errored agent fails once a MassGen copy stops retrying."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from massgen_guide.checks.claims.check import check_page_for_build, render_claims
from massgen_guide.checks.claims.shown import showing_blocks
from massgen_guide.errors import GuideError

from .massgen_links import linked_massgen

ROOT = Path(__file__).resolve().parents[2]

PAGE = """# Page

An agent whose stream reports an `error` chunk is retried [[shown-by: retry]].

```python
# shows: retry
assert True
```

Later [[shown-by: retry]] again; [[shown-by: skipped]].

```{ .python notest title="Not run: it needs a key" }
# shows: skipped
raise SystemExit
```
"""


def test_a_reference_to_a_running_block_holds_and_renders_as_a_link(check):
    report = check(PAGE.replace("; [[shown-by: skipped]]", ""))
    shown = [(f.line, f.status, f.evidence) for f in report.findings if f.kind == "shown-by"]
    assert shown == [(3, "verified", "docs/synthetic.md:5"), (10, "verified", "docs/synthetic.md:5")]
    rendered = render_claims(PAGE)
    assert "is retried ([shown below](#shows-retry))." in rendered
    assert "Later ([shown above](#shows-retry)) again" in rendered


@pytest.mark.parametrize("line,expected", [
    ("See [[shown-by: skipped]].", "docs/phases/x.md:17: claim [[shown-by: skipped]] (shown-by): the block "
     "`# shows: skipped` (docs/phases/x.md:12) does not run as a test: it is opted out (notest: it needs a key)"),
    ("See [[shown-by: nothing]].", "docs/phases/x.md:17: claim [[shown-by: nothing]] (shown-by): no Python block "
     "on this page starts with `# shows: nothing` (blocks here: retry, skipped)"),
    ("See [[shown-by: retry]].\n\n```python\n# shows: retry\nassert 1\n```",
     "docs/phases/x.md:17: claim [[shown-by: retry]] (shown-by): 2 blocks on this page start with "
     "`# shows: retry` (lines 5, 19)"),
    ("See [[shown-by: retry", "docs/phases/x.md:17: malformed block reference '[[shown-by: retry'"),
])
def test_the_strict_build_fails_at_page_and_line(source, line, expected):
    page = PAGE.replace("; [[shown-by: skipped]]", "") + "\n" + line + "\n"
    with pytest.raises(GuideError) as caught:
        check_page_for_build(page, "phases/x.md", source)
    assert expected in str(caught.value)


def test_the_block_gets_the_links_target_without_moving_a_line():
    rendered = render_claims(PAGE)
    assert rendered.count("\n") == PAGE.count("\n")
    # the anchor ends the prose line above the block; the build's anchor check sees it
    assert 'is retried ([shown below](#shows-retry)). <a id="shows-retry"></a>' in rendered
    # a block with no prose line right above it gets no anchor, and its references no link
    page = "Shown [[shown-by: x]].\n\n| a |\n|---|\n\n```python\n# shows: x\nassert 1\n```\n"
    assert render_claims(page).startswith("Shown (shown below).\n")


RETRY_PAGE = '''# Errors

A plain `error` chunk does not end the agent: the orchestrator shows it and asks the agent again
[[shown-by: orchestrator-retries-errored-agent]].

```python
# shows: orchestrator-retries-errored-agent
import asyncio
import json
import os

import massgen
from massgen_guide.examples.fake_provider import FakeProvider, HTTPError, Reply, ToolCall

answer = ToolCall("c1", "new_answer", json.dumps({"content": "Four."}))
vote = ToolCall("c2", "vote", json.dumps({"agent_id": "agent1", "reason": "ok"}))
os.environ.setdefault("OPENAI_API_KEY", "test")  # read by the OpenAI client
with FakeProvider() as server:
    # The first call fails with HTTP 400: ChatCompletionsBackend yields an "error" chunk.
    server.script(HTTPError(400, "bad request"), Reply(tool_calls=[answer]),
                  Reply(tool_calls=[vote]), Reply(text=["Four."]))
    config = {
        "agents": [{"id": "agent_a", "backend": {
            "type": "chatcompletion", "model": "fake-model",
            "base_url": server.base_url}}],
        "ui": {"display_type": "simple", "logging_enabled": False},
    }
    result = asyncio.run(
        massgen.run(query="2+2?", config_dict=config, enable_filesystem=False))
    assert len(server.requests) >= 3  # the failed call, then the answer and the vote
    assert result["final_answer"] == "Four."
```
'''

RUNNER = ("import sys, runpy; sys.path.insert(0, sys.argv[2]); import conftest  # the hermetic guard\n"
          "import massgen; print('massgen from', massgen.__file__, file=sys.stderr)\n"
          "runpy.run_path(sys.argv[1], run_name='__main__')")


def run_block(body: str, tmp: Path, massgen_root: Path | None) -> subprocess.CompletedProcess[str]:
    script = tmp / "block.py"
    script.write_text(body, encoding="utf-8")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env["PYTHONPATH"] = os.pathsep.join(([str(massgen_root)] if massgen_root else []) + [str(ROOT)])
    return subprocess.run([sys.executable, "-c", RUNNER, str(script), str(ROOT)], cwd=tmp, env=env,
                          capture_output=True, text=True)


PAGE_RETRY_BLOCKS = [("docs/phases/backend-class.md", "error-chunk-retry")]
"""The guide's own blocks that show the orchestrator retrying an errored agent (run on the page as tests)."""


@pytest.fixture(scope="module")
def no_retry_copy(tmp_path_factory):
    """A MassGen copy whose orchestrator treats every error chunk as fatal: the agent ends at its first error."""
    return linked_massgen(tmp_path_factory.mktemp("no-retry"), {"orchestrator.py": [(
        'is_fatal_backend_error = getattr(chunk, "status", None) == "fatal"', "is_fatal_backend_error = True")]})


def test_the_retry_block_fails_when_the_orchestrator_stops_retrying(tmp_path, check, no_retry_copy):
    assert check(RETRY_PAGE).failures == []
    blocks = showing_blocks(RETRY_PAGE, "docs/errors.md")
    body = blocks["orchestrator-retries-errored-agent"][0].fence.body
    (tmp_path / "real").mkdir()
    real = run_block(body, tmp_path / "real", None)
    assert real.returncode == 0, real.stderr[-3000:]
    (tmp_path / "mutated").mkdir()
    mutated = run_block(body, tmp_path / "mutated", no_retry_copy)
    assert mutated.returncode != 0
    assert f"massgen from {no_retry_copy / 'massgen' / '__init__.py'}" in mutated.stderr
    assert "AssertionError" in mutated.stderr, mutated.stderr[-3000:]


@pytest.mark.parametrize("page,name", PAGE_RETRY_BLOCKS)
def test_the_guides_retry_block_fails_when_the_orchestrator_stops_retrying(tmp_path, page, name, no_retry_copy):
    """The page's block runs as a test against the installed MassGen (pytest-markdown-docs); here it must fail
    against the copy that stops retrying."""
    blocks = showing_blocks((ROOT / page).read_text(encoding="utf-8"), page)
    assert name in blocks and blocks[name][0].runs, f"{page} has no running block `# shows: {name}`"
    mutated = run_block(blocks[name][0].fence.body, tmp_path, no_retry_copy)
    assert mutated.returncode != 0
    assert f"massgen from {no_retry_copy / 'massgen' / '__init__.py'}" in mutated.stderr
    assert "AssertionError" in mutated.stderr, mutated.stderr[-3000:]
