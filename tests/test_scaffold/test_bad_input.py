"""Bad input to `massgen-guide new`: one line on stderr, exit 2, nothing written; and the failing cases."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from massgen_guide.audit.auditor import run_audit, source_for
from massgen_guide.audit.results import PASS
from massgen_guide.facts.tree import Tree
from massgen_guide.source.selection import installed_package_dir, resolve_source

from .conftest import PRICE, git, linked_copy, run_new

ROOT = Path(__file__).resolve().parents[2]


def assert_refused(result, message: str, root: Path | None = None) -> None:
    assert (result.code, result.out) == (2, ""), (result.code, result.out, result.err)
    assert result.err.splitlines() == [f"massgen-guide: error: {message}"]
    if root is not None:
        assert git(root, "status", "--porcelain") == ""  # nothing written


def test_unknown_kind_suggests_the_closest(capsys, pristine: Path) -> None:
    assert_refused(run_new(capsys, "acme", "--kind", "custom", "--massgen", str(pristine), "--write"),
                   "--kind custom: unknown kind; did you mean custom-api? "
                   "(one of openai-compatible, custom-api, cli-wrapper, sdk-wrapper)", pristine)
    assert_refused(run_new(capsys, "acme", "--kind", "cli_wraper", "--massgen", str(pristine)),
                   "--kind cli_wraper: unknown kind; did you mean cli-wrapper? "
                   "(one of openai-compatible, custom-api, cli-wrapper, sdk-wrapper)")


@pytest.mark.parametrize("name", ["Acme", "acme-cloud", "9acme", "class"])
def test_name_must_be_a_lowercase_identifier(capsys, pristine: Path, name: str) -> None:
    assert_refused(run_new(capsys, name, "--kind", "custom-api", "--massgen", str(pristine), "--write"),
                   f"NAME {name!r}: must be a lowercase Python identifier (letters, digits, _), e.g. acme", pristine)


def test_name_already_registered(capsys, pristine: Path) -> None:
    line = Tree(resolve_source(str(pristine))).capabilities["claude"]["_fields"]["backend_type"]
    assert_refused(run_new(capsys, "claude", "--kind", "custom-api", "--massgen", str(pristine), "--write"),
                   f"NAME claude: already a registered backend type (massgen/backend/capabilities.py:{line})", pristine)


def test_path_not_massgen(capsys, tmp_path: Path) -> None:
    (tmp_path / "project").mkdir()
    assert_refused(run_new(capsys, "acme", "--kind", "custom-api", "--massgen", str(tmp_path / "project"), "--write"),
                   f"--massgen {tmp_path / 'project'}: not a MassGen tree (no massgen/backend/base.py under it)")
    assert list((tmp_path / "project").iterdir()) == []


@pytest.mark.parametrize("price", ["acme-large=cheap", "acme-large=1.5", "acme-large", "=1/2"])
def test_malformed_price(capsys, pristine: Path, price: str) -> None:
    assert_refused(run_new(capsys, "acme", "--kind", "custom-api", "--massgen", str(pristine), "--price", price,
                           "--write"),
                   f"--price {price}: expected MODEL=INPUT/OUTPUT in USD per million tokens, e.g. acme-large=0.5/1.5",
                   pristine)


def test_price_for_a_model_the_backend_does_not_have(capsys, pristine: Path) -> None:
    assert_refused(run_new(capsys, "acme", "--kind", "custom-api", "--massgen", str(pristine),
                           "--price", "other=1/2", "--write"),
                   "--price other=1/2: other is not one of the models (acme-large, acme-small)", pristine)


def test_read_only_file(capsys, pristine: Path) -> None:
    target = pristine / "massgen/cli/backends.py"
    mode = target.stat().st_mode
    target.chmod(0o444)
    try:
        assert_refused(run_new(capsys, "acme", "--kind", "custom-api", "--massgen", str(pristine), "--write"),
                       f"massgen/cli/backends.py: read-only ({target} is not writable); nothing written", pristine)
    finally:
        target.chmod(mode)
    assert not (pristine / "massgen/backend/acme.py").exists()


def test_dirty_git_tree_without_force(capsys, pristine: Path) -> None:
    target = pristine / "massgen/backend/capabilities.py"
    original = target.read_text(encoding="utf-8")
    target.write_text(original + "# a local change\n", encoding="utf-8")
    try:
        result = run_new(capsys, "acme", "--kind", "openai-compatible", "--massgen", str(pristine), "--write")
        assert (result.code, result.out) == (2, "")
        assert result.err.splitlines() == ["massgen-guide: error: massgen/backend/capabilities.py has uncommitted "
                                           "changes; commit or stash them, or pass --force"]
        assert git(pristine, "status", "--porcelain") == " M massgen/backend/capabilities.py\n"
        assert target.read_text(encoding="utf-8") == original + "# a local change\n"
    finally:
        target.write_text(original, encoding="utf-8")


def test_installed_package_refused_without_force(capsys, monkeypatch) -> None:
    monkeypatch.delenv("MASSGEN_SOURCE", raising=False)
    result = run_new(capsys, "acme", "--kind", "custom-api", "--write")
    assert_refused(result, f"the selected MassGen is the installed package ({installed_package_dir()}); pass "
                   "--massgen PATH to a checkout to write into, or --force")


def test_bad_env_var_for_a_wrapper(capsys, pristine: Path) -> None:
    assert_refused(run_new(capsys, "acme", "--kind", "cli-wrapper", "--env-var", "acme_key",
                           "--massgen", str(pristine)),
                   "--env-var acme_key: must be an upper-case variable name, e.g. ACME_API_KEY")


def test_bad_input_through_the_console_command(pristine: Path) -> None:
    """The real entry point: exit 2, one line, no traceback."""
    done = subprocess.run([sys.executable, "-m", "massgen_guide", "new", "acme", "--kind", "custom-api",
                           "--massgen", str(pristine), "--price", "x", "--write"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == ("massgen-guide: error: --price x: expected MODEL=INPUT/OUTPUT in USD per million tokens, "
                           "e.g. acme-large=0.5/1.5\n")


# ---------------------------------------------------------------------------------------------- failing cases
def rewrite(path: Path, text: str) -> None:
    """Replace a file of a linked copy (its own inode: the copy's files are hard links to the session's base)."""
    path.unlink()
    path.write_text(text, encoding="utf-8")


def test_create_backend_renamed(capsys, tmp_path: Path, massgen_base: Path) -> None:
    root = linked_copy(massgen_base, tmp_path / "MassGen")
    path = root / "massgen/cli/backends.py"
    rewrite(path, path.read_text(encoding="utf-8").replace("def create_backend(", "def make_backend(", 1))
    git(root, "commit", "-qam", "rename create_backend")
    assert_refused(run_new(capsys, "acme", "--kind", "custom-api", "--massgen", str(root), "--write"),
                   "massgen/cli/backends.py: no function create_backend (renamed or moved?); cannot add the branch "
                   "for acme", root)
    assert not (root / "massgen/backend/acme.py").exists()


def test_reverted_listing_site_fails_the_audit_on_exactly_that_point(capsys, tmp_path: Path,
                                                                    massgen_base: Path) -> None:
    root = linked_copy(massgen_base, tmp_path / "MassGen")
    result = run_new(capsys, "acme", "--kind", "custom-api", "--massgen", str(root), "--price", PRICE, "--write")
    assert result.code == 0, result.err
    assert run_audit(source_for(str(root)), "acme").exit_code == 0
    path = root / "massgen/config_builder.py"
    text = path.read_text(encoding="utf-8")
    entry = '                ("acme", "Acme", "ACME_API_KEY"),\n'
    assert text.count(entry) == 1
    rewrite(path, text.replace(entry, ""))
    line = next(i for i, l in enumerate(text.splitlines(), 1) if re.match(r"\s+all_providers = \[", l))
    [report] = run_audit(source_for(str(root)), "acme").reports
    assert [r.point.id for r in report.failures] == ["listed-for-api-key-backends"]
    [failure] = report.failures
    assert failure.detail.startswith(f'"acme" is missing from massgen/config_builder.py:{line} '
                                     "(ConfigBuilder.interactive_api_key_setup: all_providers lists ")


PINNED_SET = '        expected_frameworks = {"claude_code", "codex", "copilot", "gemini_cli"}\n'


def test_a_pinned_set_that_is_not_a_literal_is_refused(capsys, tmp_path: Path, massgen_base: Path) -> None:
    """A wrapper goes into AGENT_FRAMEWORK_BACKENDS and into the set MassGen's capabilities test pins it to; when
    that set is not a literal the scaffolder can extend, it refuses the whole run (one line, nothing written)."""
    root = linked_copy(massgen_base, tmp_path / "MassGen")
    path = root / "massgen/tests/test_backend_capabilities.py"
    text = path.read_text(encoding="utf-8")
    assert text.count(PINNED_SET) == 1
    rewrite(path, text.replace(PINNED_SET, '        expected_frameworks = set(load_expected())\n'))
    git(root, "commit", "-qam", "pin the set through a call")
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "assert AGENT_FRAMEWORK_BACKENDS ==" in l)
    assert_refused(run_new(capsys, "acme", "--kind", "sdk-wrapper", "--massgen", str(root), "--write"),
                   f"massgen/tests/test_backend_capabilities.py:{line}: AGENT_FRAMEWORK_BACKENDS is pinned to "
                   'something other than a set literal; add "acme" there by hand', root)


def test_without_a_test_pinning_the_set_only_the_set_is_edited(capsys, tmp_path: Path, massgen_base: Path) -> None:
    root = linked_copy(massgen_base, tmp_path / "MassGen")
    path = root / "massgen/tests/test_backend_capabilities.py"
    rewrite(path, path.read_text(encoding="utf-8").replace("assert AGENT_FRAMEWORK_BACKENDS == expected_frameworks",
                                                           "assert AGENT_FRAMEWORK_BACKENDS >= expected_frameworks"))
    git(root, "commit", "-qam", "no longer pin the set")
    result = run_new(capsys, "acme", "--kind", "sdk-wrapper", "--massgen", str(root), "--write")
    assert result.code == 0, result.err
    assert "  added         AGENT_FRAMEWORK_BACKENDS gets acme (massgen/backend/capabilities.py)" in result.out
    assert "capabilities test pins" not in result.out
    assert "massgen/tests/test_backend_capabilities.py" not in git(root, "status", "--porcelain")
    [report] = run_audit(source_for(str(root)), "acme").reports
    point = next(r for r in report.results if r.point.id == "agent-framework-backends")
    assert point.status == "pass"
    assert point.detail.startswith("massgen/tests/test_backend_capabilities.py does not pin the set; ")


@pytest.mark.parametrize("name, message", [
    ("Together", "--provider-name 'Together': MassGen would read it as the type 'together' (a BACKEND_CAPABILITIES "
                 "key); choose another name"),
    ("Kimi", "--provider-name 'Kimi': _DISPLAY_NAME_TO_BACKEND_TYPE maps 'kimi' to 'moonshot'; choose another name"),
    ("Gemini CLI", "--provider-name 'Gemini CLI': MassGen would read it as the type 'gemini_cli' (spaces and hyphens "
                   "as underscores); choose another name"),
])
def test_a_provider_name_that_is_another_types_is_refused(capsys, pristine: Path, name: str, message: str) -> None:
    assert_refused(run_new(capsys, "acme", "--kind", "custom-api", "--massgen", str(pristine), "--provider-name",
                           name, "--write"), message, pristine)


def test_a_display_name_gets_its_entry_and_a_default_name_needs_none(capsys, massgen_base: Path,
                                                                     tmp_path: Path) -> None:
    """"Acme AI" does not lower-case (spaces as underscores) to acme: the scaffolder adds the table entry that
    normalize_backend_type needs, once; the default name of acme_cloud, the type itself, needs none."""
    root = linked_copy(massgen_base, tmp_path / "MassGen")
    done = run_new(capsys, "acme", "--kind", "openai-compatible", "--massgen", str(root), "--provider-name", "Acme AI",
                   "--write")
    assert done.code == 0, done.err
    assert '_DISPLAY_NAME_TO_BACKEND_TYPE["acme ai"] (massgen/backend/capabilities.py)' in done.out
    added = [line for line in git(root, "diff", "-U0", "massgen/backend/capabilities.py").splitlines()
             if line.startswith("+") and not line.startswith("+++")]
    assert '+    "acme ai": "acme",' in added
    caps = root / "massgen/backend/capabilities.py"
    text = caps.read_text(encoding="utf-8")
    entry = text.index("supported_capabilities=", text.index('backend_type="acme"'))
    caps.write_text(text[:entry] + text[entry:].replace("{", '{"image_understanding", ', 1), encoding="utf-8")
    (report,) = run_audit(source_for(str(root)), "acme").reports
    point = next(r for r in report.results if r.point.id == "provider-name-normalizes")
    assert (point.status, point.detail.split(";")[0]) == (
        PASS, "'Acme AI' normalizes to 'acme' (_DISPLAY_NAME_TO_BACKEND_TYPE['acme ai'])")
    caps.write_text(text, encoding="utf-8")  # back to what the scaffolder wrote
    again = run_new(capsys, "acme", "--kind", "openai-compatible", "--massgen", str(root), "--provider-name", "Acme AI")
    assert again.code == 0, again.err
    assert '  already there _DISPLAY_NAME_TO_BACKEND_TYPE["acme ai"] (massgen/backend/capabilities.py)' in again.out
    cloud = run_new(capsys, "acme_cloud", "--kind", "custom-api", "--massgen", str(root))
    assert cloud.code == 0, cloud.err
    assert 'return "acme_cloud"' in cloud.out and "_DISPLAY_NAME_TO_BACKEND_TYPE" not in cloud.out
