"""The dry run against the pinned MassGen itself: a diff, nothing written, saved as a test artifact."""

from __future__ import annotations

import os
from pathlib import Path

from massgen_guide.source.selection import installed_package_dir

from .conftest import PRICE, run_new


def test_dry_run_of_custom_api_against_the_pinned_massgen(capsys, monkeypatch) -> None:
    monkeypatch.delenv("MASSGEN_SOURCE", raising=False)
    package = installed_package_dir()
    mtimes = {p: p.stat().st_mtime_ns for p in (package / "backend").glob("*.py")}
    result = run_new(capsys, "acme", "--kind", "custom-api", "--price", PRICE)
    assert (result.code, result.err) == (0, "")
    diff, _, summary = result.out.partition("\nDry run: nothing written. Sites:\n")
    headers = [line[6:] for line in diff.splitlines() if line.startswith("+++ b/")]
    assert headers == ["massgen/backend/acme.py", "massgen/formatter/_acme_formatter.py",
                       "massgen/api_params_handler/_acme_api_params_handler.py",
                       "massgen/configs/providers/acme/acme_single_agent.yaml", "massgen/tests/test_acme.py",
                       "massgen/backend/__init__.py", "massgen/formatter/__init__.py",
                       "massgen/api_params_handler/__init__.py", "massgen/tests/test_api_params_exclusion.py",
                       "massgen/cli/backends.py", "massgen/backend/capabilities.py", "massgen/config_builder.py",
                       "massgen/token_manager/token_manager.py"]
    assert "Run again with --write to write these changes." in summary
    assert "pricing: no --price given" not in summary
    # what the scaffold leaves for a full checkout: every checklist point outside massgen/, with its condition
    left = summary.partition("Not written (outside massgen/; the audit of a full checkout asks for each whose "
                             "condition holds):\n")[2].split("Run again")[0].splitlines()
    assert [line.split(":")[0].strip() for line in left] == [
        "hook-test-script", "sandbox-test-script", "schema-docs", "user-guide-docs", "backend-tables"]
    assert "  schema-docs: Document the backend's YAML parameters (docs/source/reference/yaml_schema.rst); Required" \
        in left
    assert left[0].startswith("  hook-test-script: Add an entry to scripts/test_hook_backends.py; If an API backend")
    assert not (package / "backend" / "acme.py").exists()
    assert {p: p.stat().st_mtime_ns for p in (package / "backend").glob("*.py")} == mtimes
    artifacts = Path(os.environ.get("GUIDE_ARTIFACTS") or Path(os.environ["MASSGEN_GUIDE_TEST_TMP"]) / "artifacts")
    artifacts.mkdir(parents=True, exist_ok=True)
    (artifacts / "new-acme-custom-api.diff").write_text(diff, encoding="utf-8")


def test_without_price_the_summary_says_the_audit_will_miss_pricing(capsys, monkeypatch) -> None:
    monkeypatch.delenv("MASSGEN_SOURCE", raising=False)
    result = run_new(capsys, "acme", "--kind", "sdk-wrapper", "--model", "acme-9")
    assert (result.code, result.err) == (0, "")
    _, _, summary = result.out.partition("\nDry run: nothing written. Sites:\n")
    assert [line for line in summary.splitlines() if line.startswith("pricing:")] == [
        "pricing: no --price given; `massgen-guide audit acme` will report the pricing point missing until you add "
        "prices (or rerun with --price MODEL=IN/OUT), unless LiteLLM prices acme-9"]
