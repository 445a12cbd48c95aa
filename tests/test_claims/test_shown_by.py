"""`[[shown-by: NAME]]`: a sentence bound to a block on its page that runs. The build fails at page:line on a
missing, duplicated or opted-out block; the link renders; and the block that shows the orchestrator retrying an
errored agent fails once a MassGen copy stops retrying."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from massgen_guide.checks.claims.check import check_page_for_build, render_claims
from massgen_guide.checks.claims.shown import showing_blocks
from massgen_guide.errors import GuideError
from massgen_guide.source.selection import installed_package_dir

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

RUNNER = """\
import json, os, runpy, sys, traceback
sys.path.insert(0, sys.argv[1]); import conftest  # the hermetic guard
from massgen_guide.facts.collector import collector_paused
with collector_paused():  # (the import: 8 s of CPU, not 11 s)
    import massgen
print('massgen from', massgen.__file__, file=sys.stderr)
environ = dict(os.environ)
for name, script in json.loads(sys.argv[2]).items():
    os.chdir(os.path.dirname(script))
    try:
        runpy.run_path(script, run_name='__main__')
        outcome = ['passed', '']
    except BaseException as exc:  # each block's outcome is reported on its own
        traceback.print_exc()
        where = traceback.extract_tb(exc.__traceback__)[-1]
        outcome = [type(exc).__name__, os.path.basename(where.filename)]
    finally:
        os.environ.clear(); os.environ.update(environ)
    print('outcome', json.dumps([name, *outcome]), file=sys.stderr)
"""
"""Runs several blocks in ONE process (one MassGen import), each in its own folder; reports, per block, how it
ended: `outcome ["NAME", "passed", ""]` or `outcome ["NAME", "AssertionError", "FILE"]` (the file of the
innermost frame)."""


def run_blocks(bodies: dict[str, str], tmp: Path, massgen_root: Path) -> tuple[dict[str, tuple[str, str]], str]:
    """Run each block (name -> body) as a script `tmp/NAME/block.py` in one process that imports MassGen from
    `massgen_root`; return ({name: (outcome, file)}, the process's stderr)."""
    scripts = {}
    for name, body in bodies.items():
        (tmp / name).mkdir()
        scripts[name] = str(tmp / name / "block.py")
        Path(scripts[name]).write_text(body, encoding="utf-8")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1",
           "PYTHONPATH": os.pathsep.join([str(massgen_root), str(ROOT)])}
    result = subprocess.run([sys.executable, "-c", RUNNER, str(ROOT), json.dumps(scripts)], cwd=tmp, env=env,
                            capture_output=True, text=True)
    outcomes = {}
    for line in result.stderr.splitlines():
        if line.startswith("outcome ["):
            name, outcome, where = json.loads(line.removeprefix("outcome "))
            outcomes[name] = (outcome, where)
    return outcomes, result.stderr


PAGE_RETRY_BLOCKS = [("docs/phases/backend-class.md", "error-chunk-retry")]
"""The guide's own blocks that show the orchestrator retrying an errored agent (run on the page as tests)."""
SYNTHETIC = "synthetic"


def block_body(page: str, name: str) -> str:
    text = RETRY_PAGE if page == SYNTHETIC else (ROOT / page).read_text(encoding="utf-8")
    blocks = showing_blocks(text, "docs/errors.md" if page == SYNTHETIC else page)
    assert name in blocks and blocks[name][0].runs, f"{page} has no running block `# shows: {name}`"
    return blocks[name][0].fence.body


@pytest.fixture(scope="module")
def no_retry_runs(tmp_path_factory):
    """Every retry block (RETRY_PAGE's and the guide's) run against a MassGen copy whose orchestrator treats every
    error chunk as fatal (the agent ends at its first error): one process for all of them."""
    root = linked_massgen(tmp_path_factory.mktemp("no-retry"), {"orchestrator.py": [(
        'is_fatal_backend_error = getattr(chunk, "status", None) == "fatal"', "is_fatal_backend_error = True")]})
    blocks = [(SYNTHETIC, "orchestrator-retries-errored-agent"), *PAGE_RETRY_BLOCKS]
    outcomes, stderr = run_blocks({name: block_body(page, name) for page, name in blocks},
                                  tmp_path_factory.mktemp("no-retry-runs"), root)
    assert f"massgen from {root / 'massgen' / '__init__.py'}" in stderr, stderr[-3000:]
    return outcomes, stderr


def test_the_retry_block_holds_against_the_installed_massgen(tmp_path, check, massgen_imported, monkeypatch):
    """RETRY_PAGE's block passes against the installed MassGen (run in-process, on the worker that imports
    MassGen: tests/scheduling.py), so that its failure against the copy below is the copy's doing."""
    assert check(RETRY_PAGE).failures == []
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OPENAI_API_KEY", "")  # recorded, so that the block's `setdefault` is undone afterwards
    monkeypatch.delenv("OPENAI_API_KEY")
    body = block_body(SYNTHETIC, "orchestrator-retries-errored-agent")
    exec(compile(body, str(tmp_path / "block.py"), "exec"), {"__name__": "__main__"})
    assert sys.modules["massgen"] is massgen_imported
    assert Path(massgen_imported.__file__).parent == installed_package_dir()


def test_the_retry_block_fails_when_the_orchestrator_stops_retrying(no_retry_runs):
    outcomes, stderr = no_retry_runs
    assert outcomes.get("orchestrator-retries-errored-agent") == ("AssertionError", "block.py"), stderr[-3000:]


@pytest.mark.parametrize("page,name", PAGE_RETRY_BLOCKS)
def test_the_guides_retry_block_fails_when_the_orchestrator_stops_retrying(page, name, no_retry_runs):
    """The page's block runs as a test against the installed MassGen (pytest-markdown-docs); here it must fail
    against the copy that stops retrying."""
    outcomes, stderr = no_retry_runs
    assert outcomes.get(name) == ("AssertionError", "block.py"), stderr[-3000:]
