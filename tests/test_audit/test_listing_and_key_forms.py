"""The audit's listing-site points, the API-key forms it reads, and what it says about a tree's checkout folders.

Each test can fail: a gap planted in a synthetic tree or in a copy of the pinned MassGen is reported exactly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from massgen_guide.audit.results import CANNOT_CHECK, MISSING, NOT_APPLICABLE, PASS
from massgen_guide.audit.auditor import run_audit, source_for
from massgen_guide.source.selection import resolve_source
from tests.test_facts.facts_helpers import copy_massgen, edit

from .conftest import run_cli

BRANCH = '''    elif backend_type == "good":
        api_key = kwargs.get("api_key") or os.getenv("GOOD_API_KEY")
'''
KEY_FORMS = {
    "kwargs.get": '        api_key = kwargs.get("api_key") or os.getenv("GOOD_API_KEY")\n',
    "kwargs.pop": '        api_key = kwargs.pop("api_key", None) or os.getenv("GOOD_API_KEY")\n',
    "os.getenv": '        api_key = os.getenv("GOOD_API_KEY")\n',
    "os.environ[...]": '        api_key = os.environ["GOOD_API_KEY"]\n',
    "os.environ.get": '        api_key = kwargs.pop("api_key", None) or os.environ.get("GOOD_API_KEY")\n',
}


def result(tree: Path, backend_type: str, point_id: str):
    (report,) = run_audit(source_for(str(tree)), backend_type).reports
    return next(r for r in report.results if r.point.id == point_id)


@pytest.mark.parametrize("form", sorted(KEY_FORMS))
def test_every_key_reading_form_is_read(fake_massgen: Path, form: str) -> None:
    edit(fake_massgen, "massgen/cli/backends.py", BRANCH,
         '    elif backend_type == "good":\n' + KEY_FORMS[form])
    line = (fake_massgen / "massgen/cli/backends.py").read_text().splitlines().index(KEY_FORMS[form].rstrip("\n")) + 1
    auth = result(fake_massgen, "good", "auth-env-var")
    assert (auth.status, auth.required) == (PASS, True)
    assert auth.detail == "create_backend reads GOOD_API_KEY"
    assert str(auth.evidence[0]) == f"massgen/cli/backends.py:{line} (reads GOOD_API_KEY)"


def test_a_key_read_under_a_further_if_is_not_the_types_key(fake_massgen: Path) -> None:
    """The generic chatcompletion branch picks a key by base URL: that is not a key of the type."""
    edit(fake_massgen, "massgen/cli/backends.py", BRANCH,
         '    elif backend_type == "good":\n        if "good.example" in kwargs.get("base_url", ""):\n'
         '            api_key = os.getenv("GOOD_API_KEY")\n')
    auth = result(fake_massgen, "good", "auth-env-var")
    assert (auth.status, auth.detail) == (NOT_APPLICABLE, "the create_backend branch reads no API key from the environment")


REPO_POINTS = ("schema-docs", "user-guide-docs", "backend-tables", "hook-test-script")


def test_full_checkout_checks_docs_and_scripts(fake_massgen: Path) -> None:
    assert [result(fake_massgen, "good", p).status for p in REPO_POINTS] == [PASS, PASS, PASS, PASS]


def test_checkout_without_docs_cannot_check_docs_points_only(fake_massgen: Path) -> None:
    shutil.rmtree(fake_massgen / "docs")
    for point in ("schema-docs", "user-guide-docs", "backend-tables"):
        found = result(fake_massgen, "good", point)
        assert (found.status, found.detail) == (
            CANNOT_CHECK, "docs/ is not in this tree (only a full MassGen git checkout has it); point --massgen at one")
    assert result(fake_massgen, "good", "hook-test-script").status == PASS
    ok = run_cli("good", "--massgen", str(fake_massgen))
    assert ok.returncode == 0 and "MISSING" not in ok.stdout


def test_package_tree_cannot_check_any_repository_point(fake_massgen: Path) -> None:
    for folder in ("docs", "scripts"):
        shutil.rmtree(fake_massgen / folder)
    statuses = {p: result(fake_massgen / "massgen", "good", p) for p in REPO_POINTS}
    assert {p: r.status for p, r in statuses.items()} == dict.fromkeys(REPO_POINTS, CANNOT_CHECK)
    assert statuses["hook-test-script"].detail == (
        "scripts/ is not in this tree (only a full MassGen git checkout has it); point --massgen at one")


def test_a_type_missing_from_a_listing_site_is_reported_with_its_peers(fake_massgen: Path) -> None:
    edit(fake_massgen, "massgen/config_builder.py", '            ("noconfig", "Good", "GOOD_API_KEY"),\n', "")
    found = result(fake_massgen, "noconfig", "listed-for-api-key-backends")
    # the key variable is shared by every type of the synthetic tree: a key still counts as naming the type
    assert found.status == PASS and str(found.evidence[0]).endswith("(ConfigBuilder.interactive_api_key_setup: all_providers (key))")
    edit(fake_massgen, "massgen/config_builder.py", '"GOOD_API_KEY"', '"OTHER_VARIABLE"', count=0)
    found = result(fake_massgen, "noconfig", "listed-for-api-key-backends")
    assert (found.status, found.required) == (MISSING, True)
    assert found.detail.startswith('"noconfig" is missing from massgen/config_builder.py:3 '
                                   "(ConfigBuilder.interactive_api_key_setup: all_providers lists good, nativecli, nocaps, "
                                   "nofactory and 1 more)")


def test_an_unexported_formatter_is_advisory(fake_massgen: Path) -> None:
    edit(fake_massgen, "massgen/formatter/__init__.py", '__all__ = ["GoodFormatter"]', "__all__ = []")
    found = result(fake_massgen, "good", "formatter-export")
    assert (found.status, found.required) == (MISSING, False)
    assert found.detail.startswith("GoodFormatter is not in __all__ (massgen/formatter/__init__.py:3)")
    assert run_audit(source_for(str(fake_massgen)), "good").exit_code == 0


@pytest.fixture(scope="module")
def massgen_copy_for_audit(tmp_path_factory) -> Path:
    return copy_massgen(tmp_path_factory.mktemp("audit-copy") / "MassGen", python_only=False)


def test_real_massgen_without_grok_in_the_setup_wizard(massgen_copy_for_audit: Path, tmp_path: Path) -> None:
    tree = Path(shutil.copytree(massgen_copy_for_audit, tmp_path / "MassGen"))
    path = "massgen/config_builder.py"
    lines = (tree / path).read_text().splitlines()
    start = next(i for i, l in enumerate(lines, 1) if "all_providers = [" in l)
    edit(tree, path, '                ("grok", "xAI (Grok)", "XAI_API_KEY"),\n', "")
    run = run_audit(source_for(str(tree)), "grok")
    (report,) = run.reports
    assert run.exit_code == 1
    assert [r.point.id for r in report.failures] == ["listed-for-api-key-backends"]
    (failure,) = report.failures
    assert failure.detail == (
        f'"grok" is missing from massgen/config_builder.py:{start} (ConfigBuilder.interactive_api_key_setup: '
        "all_providers lists azure_openai, cerebras, claude_code, codex and 12 more); create_backend reads XAI_API_KEY")


def test_real_massgen_with_a_broken_listing_module(massgen_copy_for_audit: Path, tmp_path: Path) -> None:
    tree = Path(shutil.copytree(massgen_copy_for_audit, tmp_path / "MassGen"))
    edit(tree, "massgen/config_builder.py", "\nclass ConfigBuilder", "\ndef broken(:\n    pass\n\n\nclass ConfigBuilder")
    line = (tree / "massgen/config_builder.py").read_text().splitlines().index("def broken(:") + 1
    (report,) = run_audit(source_for(str(tree)), "grok").reports
    found = next(r for r in report.results if r.point.id == "listed-for-api-key-backends")
    assert (found.status, found.detail) == (
        CANNOT_CHECK, f"massgen/config_builder.py:{line}: skipped (syntax error: invalid syntax); create_backend reads XAI_API_KEY")
    # the rest of the audit still runs
    assert next(r for r in report.results if r.point.id == "create-backend").status == PASS


@pytest.mark.parametrize("backend_type, status, detail", [
    ("cerebras", PASS, "ChatCompletionsBackend takes get_provider_name from ChatCompletionsBackend"),
    # LMStudioBackend inherits the base-URL guess, which has no branch for LM Studio: it reports "ChatCompletion"
    ("lmstudio", MISSING, '"lmstudio" is missing from massgen/backend/chat_completions.py:'),
    ("vllm", NOT_APPLICABLE, "InferenceBackend.get_provider_name overrides ChatCompletionsBackend.get_provider_name"),
    ("grok", NOT_APPLICABLE, "GrokBackend is not ChatCompletionsBackend or a subclass of it"),
])
def test_chat_completions_providers_must_be_named(backend_type: str, status: str, detail: str) -> None:
    (report,) = run_audit(resolve_source("installed"), backend_type).reports
    found = next(r for r in report.results if r.point.id == "listed-for-chat-completions-providers")
    assert found.status == status
    assert detail in found.detail


def multimodal(tree_or_source, backend_type: str):
    (report,) = run_audit(tree_or_source, backend_type).reports
    return next(r for r in report.results if r.point.id == "listed-for-multimodal-tools")


def test_multimodal_selectors_are_asked_only_for_the_capabilities_declared() -> None:
    """Each multimodal selector serves one capability (`capability:` in data/listing_sites.yaml). claude_code
    declares image_understanding only: the image selectors name it and the video ones are not asked for; copilot
    declares neither, so the point does not apply."""
    installed = resolve_source("installed")
    found = multimodal(installed, "claude_code")
    assert found.status == PASS
    assert {e.path for e in found.evidence} == {"massgen/tool/_multimodal_tools/image_backends.py",
                                               "massgen/tool/_multimodal_tools/understand_image.py"}
    found = multimodal(installed, "copilot")
    assert (found.status, found.detail) == (
        NOT_APPLICABLE, "the capabilities entry declares none of image_understanding, video_understanding, the "
        "capabilities that route a backend to these sites")


def test_a_declared_video_capability_asks_for_the_video_selectors(massgen_copy_for_audit: Path,
                                                                  tmp_path: Path) -> None:
    """The same claude_code, declaring video_understanding too in a copy: now the video selectors must name it."""
    tree = Path(shutil.copytree(massgen_copy_for_audit, tmp_path / "MassGen"))
    path = tree / "massgen/backend/capabilities.py"
    text = path.read_text(encoding="utf-8")
    start = text.index('backend_type="claude_code"')
    entry = text.index('"image_understanding"', start)
    path.write_text(text[:entry] + '"video_understanding", ' + text[entry:], encoding="utf-8")
    found = multimodal(source_for(str(tree)), "claude_code")
    assert found.status == MISSING
    assert found.detail.startswith('"claude_code" is missing from massgen/tool/_multimodal_tools/understand_video.py:')
    assert "image_backends.py" not in found.detail and "understand_image.py" not in found.detail


def provider_point(tree_or_source, backend_type: str):
    (report,) = run_audit(tree_or_source, backend_type).reports
    return next(r for r in report.results if r.point.id == "provider-name-normalizes")


def test_a_display_name_must_normalize_to_the_type(massgen_copy_for_audit: Path, tmp_path: Path) -> None:
    """claude declares image and video understanding. Renamed "Claude AI" in a copy, its name no longer lower-cases
    to its type: the point is a (recommended) miss that says what to add; the entry added, it passes; an entry that maps
    the name to another type is a miss again. copilot declares neither capability: the point does not apply."""
    tree = Path(shutil.copytree(massgen_copy_for_audit, tmp_path / "MassGen"))
    edit(tree, "massgen/backend/claude.py", '        return "Claude"\n', '        return "Claude AI"\n')
    caps = "massgen/backend/capabilities.py"
    table = (tree / caps).read_text().splitlines().index("_DISPLAY_NAME_TO_BACKEND_TYPE: dict[str, str] = {") + 1
    found = provider_point(source_for(str(tree)), "claude")
    assert (found.status, found.required) == (MISSING, False)  # recommended: see the point's condition
    assert found.detail == (
        "normalize_backend_type('Claude AI') gives 'claude ai' (lower-cased; no rule of normalize_backend_type "
        f"matches), not 'claude': add 'claude ai': 'claude' to _DISPLAY_NAME_TO_BACKEND_TYPE ({caps}:{table}); "
        "the capabilities entry declares image_understanding, video_understanding")
    edit(tree, caps, '    "claude": "claude",\n', '    "claude": "claude",\n    "claude ai": "claude",\n')
    found = provider_point(source_for(str(tree)), "claude")
    assert found.status == PASS
    assert [str(e) for e in found.evidence][1] == f"{caps}:{table} (_DISPLAY_NAME_TO_BACKEND_TYPE['claude ai'] = 'claude')"
    edit(tree, caps, '    "claude ai": "claude",\n', '    "claude ai": "claude_code",\n')
    found = provider_point(source_for(str(tree)), "claude")
    assert (found.status, found.detail.split(": ", 1)[1].split(";")[0]) == (
        MISSING, f"_DISPLAY_NAME_TO_BACKEND_TYPE maps 'claude ai' to 'claude_code' ({caps}:{table})")
    edit(tree, "massgen/backend/claude.py", '        return "Claude AI"\n', '        return "Gemini-CLI"\n')
    found = provider_point(source_for(str(tree)), "claude")
    assert found.detail.split("; the capabilities")[0] == (
        "normalize_backend_type('Gemini-CLI') gives 'gemini_cli' (lower-cased with spaces and hyphens as underscores, "
        "a BACKEND_CAPABILITIES key), not 'claude': 'gemini_cli' is another type's key; return another name (or "
        "'claude' itself)")
    found = provider_point(resolve_source("installed"), "copilot")
    assert (found.status, found.detail) == (
        NOT_APPLICABLE, "the capabilities entry declares none of image_understanding, video_understanding")


def test_a_name_picked_by_base_url_is_read_for_the_types_default_url(massgen_copy_for_audit: Path,
                                                                       tmp_path: Path) -> None:
    """qwen is built as ChatCompletionsBackend, whose get_provider_name picks the name by base URL: the audit runs
    that chain on the URL qwen's create_backend branch sets (the branch for "aliyuncs.com" gives "Qwen"). In a copy
    whose branch sets another URL the chain ends at "ChatCompletion", a miss for a type declaring video
    understanding. chatcompletion's branch sets no URL: the name depends on the user's config."""
    found = provider_point(resolve_source("installed"), "qwen")
    assert (found.status, found.detail.split(";")[0]) == (
        PASS, "'Qwen' normalizes to 'qwen' (lower-cased, a BACKEND_CAPABILITIES key)")
    assert found.evidence[0].note.startswith("ChatCompletionsBackend.get_provider_name gives 'Qwen' for the base URL "
                                             "'https://dashscope-intl.aliyuncs.com/compatible-mode/v1' (massgen/cli/")
    tree = Path(shutil.copytree(massgen_copy_for_audit, tmp_path / "MassGen"))
    edit(tree, "massgen/cli/backends.py", '"https://dashscope-intl.aliyuncs.com/compatible-mode/v1"',
         '"https://qwen.example/v1"')
    found = provider_point(source_for(str(tree)), "qwen")
    assert (found.status, found.detail.split("; the capabilities")[0]) == (
        MISSING, "normalize_backend_type('ChatCompletion') gives 'chatcompletion' (lower-cased, a BACKEND_CAPABILITIES "
        "key), not 'qwen': 'chatcompletion' is another type's own key; return another name (or 'qwen' itself)")
    found = provider_point(resolve_source("installed"), "chatcompletion")
    assert found.status == CANNOT_CHECK
    assert found.detail.startswith(
        "the provider name cannot be read statically: ChatCompletionsBackend.get_provider_name "
        "(massgen/backend/chat_completions.py:")
    assert "picks the name by base URL, and the type's create_backend branch sets no default base URL" in found.detail


def test_pricing_reads_the_name_the_base_url_picks_and_the_models_vendor_prefix() -> None:
    """nvidia_nim's default URL takes the chain's "nvidia.com" branch, "Nvidia NIM", which is no PROVIDER_PRICING
    key; fireworks' URL takes its own branch, whose name is one. nebius's default model has a vendor prefix
    ("Qwen/..."): get_model_pricing prices it under that vendor whatever the provider name."""
    def pricing(backend_type: str):
        (report,) = run_audit(resolve_source("installed"), backend_type).reports
        return next(r for r in report.results if r.point.id == "pricing")

    found = pricing("nvidia_nim")
    assert (found.status, found.detail.split(";")[0]) == (
        MISSING, "PROVIDER_PRICING has no 'Nvidia NIM' key (provider name 'Nvidia NIM', normalized by _normalize_provider)")
    assert "gives 'Nvidia NIM' for the base URL 'https://integrate.api.nvidia.com/v1'" in found.evidence[0].note
    found = pricing("fireworks")
    assert found.status == PASS
    assert "gives 'Fireworks AI' for the base URL" in found.evidence[0].note
    found = pricing("nebius")
    assert (found.status, found.detail.split(";")[0]) == (
        MISSING, "PROVIDER_PRICING has no 'Qwen' key (the default model 'Qwen/Qwen3-4B-fast' has the prefix 'qwen', "
        "priced as 'Qwen' by get_model_pricing)")


def compression_point(tree_or_source, backend_type: str):
    (report,) = run_audit(tree_or_source, backend_type).reports
    return next(r for r in report.results if r.point.id == "provider-name-lowers-to-type")


def test_compression_recovery_needs_the_name_lower_cased_to_be_the_type(massgen_copy_for_audit: Path,
                                                                        tmp_path: Path) -> None:
    """Context-compression recovery calls create_backend(get_provider_name().lower()). cerebras's base URL picks
    "Cerebras AI", which create_backend does not know; claude's "Claude" is its type; renamed "Groq" in a copy, claude
    would be summarized by another type's backend. CLI wrappers are not API backends: the point does not apply."""
    installed = resolve_source("installed")
    found = compression_point(installed, "cerebras")
    assert (found.status, found.required, found.detail.split(";")[0]) == (
        MISSING, False, "'Cerebras AI' lower-cased is 'cerebras ai', which create_backend does not know: "
        "compression recovery writes no summary")
    assert compression_point(installed, "claude").status == PASS
    assert compression_point(installed, "codex").status == NOT_APPLICABLE
    tree = Path(shutil.copytree(massgen_copy_for_audit, tmp_path / "MassGen"))
    edit(tree, "massgen/backend/claude.py", '        return "Claude"\n', '        return "Groq"\n')
    found = compression_point(source_for(str(tree)), "claude")
    assert (found.status, found.detail.split(";")[0]) == (
        MISSING, "'Groq' lower-cased is 'groq', another type: compression recovery would summarize with that type's "
        "backend")
