"""The binding report: which sentences of the behaviour pages are behavioural, and which of those are bound."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from massgen_guide.checks.claims.binding import bind_page, binding_for_docs, is_behaviour_page, markdown_binding_report

PAGE = """# Streaming

`LLMBackend.stream_with_tools` yields `StreamChunk` objects. It is the entry point, e.g. for a turn.
Add `get_provider_name()` to your class.

Every backend [[claim: ChatCompletionsBackend overrides stream_with_tools | overrides the method]], as
MassGen expects. `Orchestrator` retries the agent [[shown-by: retry]].

```python
# shows: retry
x = "`LLMBackend` yields nothing here"  # inside a fence: not prose
```

| Method | What it does |
| --- | --- |
| `get_provider_name()` | returns the display name |
| plain | nothing of MassGen's |

- `StreamChunk` has a `type`. The default of `StreamChunk.display` is `True`.

!!! note "`LLMBackend` defaults"
    Plain words only here.
"""


def test_units_are_classified_by_the_rule():
    result = bind_page(PAGE, "docs/phases/streaming.md")
    got = [(u.line, u.behavioural, u.bound, u.how, u.text[:30]) for u in result.units]
    assert got == [
        (3, True, False, "", "`LLMBackend.stream_with_tools`"),
        # line 3's second sentence ("It is the entry point, e.g. for a turn.") names nothing of MassGen's; line 4 is
        # an instruction ("Add ..."): it names MassGen but is not behavioural
        (4, False, False, "", "Add `get_provider_name()` to y"),
        (6, True, True, "claim", "Every backend [[claim: ChatCom"),
        (7, True, True, "shown-by", "`Orchestrator` retries the age"),
        (16, True, False, "", "| `get_provider_name()` | retu"),
        (19, False, False, "", "`StreamChunk` has a `type`."),  # no verb of the list: "has" says no behaviour
        (19, True, False, "", "The default of `StreamChunk.di"),
    ]
    assert [u.line for u in result.behavioural if not u.bound] == [3, 16, 19]


def test_only_the_behaviour_pages_are_read(tmp_path):
    assert is_behaviour_page("docs/phases/hooks.md") and is_behaviour_page("docs/choose-base-class.md")
    assert not is_behaviour_page("docs/examples/cli-wrapper.md") and not is_behaviour_page("docs/index.md")
    (tmp_path / "phases").mkdir()
    (tmp_path / "examples").mkdir()
    (tmp_path / "phases" / "streaming.md").write_text(PAGE, encoding="utf-8")
    (tmp_path / "examples" / "other.md").write_text(PAGE, encoding="utf-8")
    pages = binding_for_docs(tmp_path)
    assert [p.page for p in pages] == ["docs/phases/streaming.md"]
    report = markdown_binding_report(pages)
    assert "| `docs/phases/streaming.md` | 7 | 5 | 2 | 40% | 0 |" in report
    assert "- `docs/phases/streaming.md:16`: table row: `get_provider_name()` · returns the display name" in report
    assert "**Bound**: 2 (40%)" in report and "## The rule" in report


def test_the_command_prints_the_report(tmp_path):
    (tmp_path / "phases").mkdir()
    (tmp_path / "phases" / "streaming.md").write_text(PAGE, encoding="utf-8")
    base = [sys.executable, "-m", "massgen_guide", "claims", "--binding", "--docs", str(tmp_path)]
    text = subprocess.run(base, capture_output=True, text=True, check=True).stdout
    assert "unbound docs/phases/streaming.md:16: | `get_provider_name()` | returns the display name |" in text
    assert text.rstrip().endswith("total: 2/5 behavioural units bound (40%), 7 units name MassGen, 0 directives")
    data = json.loads(subprocess.run(base + ["--format", "json"], capture_output=True, text=True, check=True).stdout)
    assert data["totals"]["percent_bound"] == 40
    assert [u["line"] for u in data["pages"][0]["unbound"]] == [3, 16, 19]


def test_the_guide_reaches_the_target():
    pages = binding_for_docs(Path(__file__).resolve().parents[2] / "docs")
    from massgen_guide.checks.claims.binding import totals

    t = totals(pages)
    assert t["percent_bound"] >= TARGET_PERCENT, f"{t['bound']}/{t['behavioural']} bound"


TARGET_PERCENT = 80
