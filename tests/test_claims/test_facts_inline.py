"""Facts stated on several pages come from one data source: `[[fact: ...]]` renders them, and a page that states
the API-key form differently from the data file fails the build at its line (a planted contradiction)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from massgen_guide.checks.claims.check import check_page_for_build, render_claims
from massgen_guide.checks.claims.facts_inline import render_fact
from massgen_guide.errors import GuideError

ROOT = Path(__file__).resolve().parents[2]


def test_facts_render_from_the_data_files():
    form = yaml.safe_load((ROOT / "massgen_guide/data/scaffold.yaml").read_text())["api_key_form"]
    assert render_fact("api-key-form env=ACME_API_KEY") == \
        "`api_key = " + form.replace("{ENV}", "ACME_API_KEY") + "`"
    checklist = yaml.safe_load((ROOT / "massgen_guide/data/checklist.yaml").read_text())
    point = next(p for p in checklist["points"] if p["id"] == "example-configs")
    assert render_fact("example-configs") == f"`{point['file']}`"
    assert render_fact("kind-files kind=openai-compatible") == \
        "`massgen/backend/<name>.py`, `massgen/configs/providers/<name>/<name>_single_agent.yaml`"
    page = "Read the key with [[fact: api-key-form env=ACME_API_KEY]].\n"
    assert render_claims(page) == f"Read the key with `api_key = {form.replace('{ENV}', 'ACME_API_KEY')}`.\n"


def test_the_worked_example_reads_the_key_in_the_datas_form():
    form = yaml.safe_load((ROOT / "massgen_guide/data/scaffold.yaml").read_text())["api_key_form"]
    branch = (ROOT / "snippets/registration.py").read_text()
    assert f"api_key = {form.replace('{ENV}', 'SKYLINE_API_KEY')}" in branch


@pytest.mark.parametrize("line,expected", [
    ('1. In the branch: `api_key = kwargs.get("api_key") or os.getenv("ACME_API_KEY")`.',
     'docs/phases/x.md:3: claim `api_key = kwargs.get("api_key") or os.getenv("ACME_API_KEY")` (fact): states the '
     'API-key form api_key = kwargs.get("api_key") or os.getenv("ACME_API_KEY"); the guide\'s form '
     '(massgen_guide/data/scaffold.yaml api_key_form) is api_key = kwargs.pop("api_key", None) or '
     'os.getenv("ACME_API_KEY")'),
    ("It is [[fact: no-such-fact]].", "docs/phases/x.md:3: claim [[fact: no-such-fact]] (fact): unknown fact"),
    ("It is [[fact: api-key-form]].", "docs/phases/x.md:3: claim [[fact: api-key-form]] (fact): fact api-key-form "
                                      "needs env="),
    ("It is [[fact: api-key-form", "docs/phases/x.md:3: malformed fact '[[fact: api-key-form'"),
])
def test_a_page_stating_a_fact_differently_fails_the_build(source, line, expected):
    with pytest.raises(GuideError) as caught:
        check_page_for_build(f"# Auth\n\n{line}\n", "phases/x.md", source)
    assert expected in str(caught.value)


def test_the_same_form_passes(source):
    page = '# Auth\n\nThe branch: `api_key = kwargs.pop("api_key", None) or os.getenv("ACME_API_KEY")`.\n'
    assert check_page_for_build(page, "phases/x.md", source) == page


def test_the_guides_pages_state_the_shared_facts_from_the_data(source, index):
    from massgen_guide.checks.claims.check import check_docs

    assert "[[fact: api-key-form env=" in (ROOT / "docs/phases/auth.md").read_text()
    assert "[[fact: example-configs]]" in (ROOT / "docs/phases/configs-and-docs.md").read_text()
    assert "[[fact: config-validator]]" in (ROOT / "docs/phases/registration.md").read_text()
    facts = [f for r in check_docs(ROOT / "docs", source, index) for f in r.findings if f.kind == "fact"]
    assert len(facts) >= 3 and all(f.status == "verified" for f in facts), [f.describe() for f in facts]
