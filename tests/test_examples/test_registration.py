"""Registration pieces (snippets/registration.py): the capabilities entry and the create_backend branch."""

from __future__ import annotations

import ast
import copy
import inspect
from pathlib import Path
from typing import Any

import pytest

from massgen_guide.examples.fake_provider import FakeProvider, Reply

from .example_helpers import collect, summary

SNIPPET = Path(__file__).resolve().parents[2] / "snippets" / "registration.py"


@pytest.fixture
def registered(quiet_massgen: Any, monkeypatch: pytest.MonkeyPatch):
    """The Skyline entry in MassGen's real registry for one test (monkeypatch removes it afterwards)."""
    from massgen.backend import capabilities

    from snippets.registration import SKYLINE_CAPABILITIES

    monkeypatch.setitem(capabilities.BACKEND_CAPABILITIES, "skyline", SKYLINE_CAPABILITIES)
    return SKYLINE_CAPABILITIES


def test_entry_matches_the_backend(quiet_massgen: Any) -> None:
    from massgen.backend.capabilities import BackendCapabilities, Capability

    from snippets.openai_compatible_backend import SkylineBackend
    from snippets.registration import SKYLINE_CAPABILITIES as entry

    backend = SkylineBackend(api_key="k")
    assert isinstance(entry, BackendCapabilities)
    assert entry.provider_name == backend.get_provider_name()
    assert entry.filesystem_support == backend.get_filesystem_support().value
    assert entry.builtin_tools == backend.get_supported_builtin_tools()
    assert entry.env_var == SkylineBackend.API_KEY_ENV
    assert entry.base_url == SkylineBackend.DEFAULT_BASE_URL
    assert entry.supported_capabilities <= {c.value for c in Capability}


def test_register_into_a_registry(quiet_massgen: Any) -> None:
    from massgen.backend.capabilities import BACKEND_CAPABILITIES

    from snippets.registration import SKYLINE_CAPABILITIES, register_capabilities

    registry = dict(BACKEND_CAPABILITIES)
    assert register_capabilities(registry) is SKYLINE_CAPABILITIES
    assert registry["skyline"] is SKYLINE_CAPABILITIES
    assert "skyline" not in BACKEND_CAPABILITIES  # a copy was given: MassGen's registry is untouched


def test_massgen_lookups_see_the_entry(registered: Any) -> None:
    from massgen.backend.capabilities import (
        get_all_backend_types,
        get_capabilities,
        has_capability,
        normalize_backend_type,
        validate_backend_config,
    )

    assert get_capabilities("skyline") is registered
    assert get_capabilities("Skyline") is registered  # normalize_backend_type lower-cases
    assert normalize_backend_type("Skyline") == "skyline"
    assert "skyline" in get_all_backend_types()
    assert has_capability("skyline", "mcp") and not has_capability("skyline", "web_search")
    assert validate_backend_config("skyline", {"mcp_servers": [{"name": "x"}]}) == []
    assert validate_backend_config("skyline", {"enable_web_search": True}) == ["skyline does not support web_search"]


def test_massgen_registry_tests_pass_with_the_entry(registered: Any) -> None:
    """MassGen's own registry-wide checks (massgen/tests/test_backend_capabilities.py) hold with Skyline added."""
    from massgen.tests.test_backend_capabilities import TestBackendCapabilitiesRegistry

    checks = TestBackendCapabilitiesRegistry()
    for name in ("test_all_backends_have_required_fields", "test_default_model_in_models_list",
                 "test_filesystem_support_values", "test_no_empty_backend_types", "test_capability_strings_are_valid"):
        getattr(checks, name)()


def test_massgen_registry_tests_catch_a_broken_entry(registered: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from massgen.backend import capabilities
    from massgen.tests.test_backend_capabilities import TestBackendCapabilitiesRegistry

    broken = copy.copy(registered)
    broken.default_model = "not-in-models"
    monkeypatch.setitem(capabilities.BACKEND_CAPABILITIES, "skyline", broken)
    with pytest.raises(AssertionError, match="skyline: default_model 'not-in-models' not in models list"):
        TestBackendCapabilitiesRegistry().test_default_model_in_models_list()


def test_create_backend_branch_streams(quiet_massgen: Any, fake_provider: FakeProvider) -> None:
    from snippets.openai_compatible_backend import SkylineBackend
    from snippets.registration import create_backend

    fake_provider.script(Reply(text=["hi"]))
    backend = create_backend("Skyline", api_key="k", base_url=fake_provider.base_url, model="skyline-large",
                             timeout=2.0, max_retries=0)
    assert type(backend) is SkylineBackend
    chunks, _ = collect(backend.stream_with_tools([{"role": "user", "content": "hello"}], []))
    assert summary(chunks) == [("content", "hi"), ("done", None)]
    assert fake_provider.requests[0].json["model"] == "skyline-large"


def test_create_backend_branch_key_and_default_url(quiet_massgen: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from massgen.cli.config_loading import ConfigurationError

    from snippets.openai_compatible_backend import SkylineBackend
    from snippets.registration import create_backend

    monkeypatch.delenv("SKYLINE_API_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="Skyline API key not found. Set SKYLINE_API_KEY") as info:
        create_backend("skyline", _config_path="agents.yaml")
    assert "Using config: agents.yaml" in str(info.value)
    monkeypatch.setenv("SKYLINE_API_KEY", "env-key")
    backend = create_backend("skyline")
    assert backend.api_key == "env-key"
    assert backend.config["base_url"] == SkylineBackend.DEFAULT_BASE_URL


def test_other_types_go_to_massgen(quiet_massgen: Any, fake_provider: FakeProvider,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Every other type reaches MassGen's real create_backend (here: its chatcompletion branch, at our server)."""
    from massgen.backend.chat_completions import ChatCompletionsBackend
    from massgen.cli.backends import create_backend as massgen_create_backend
    from massgen.cli.config_loading import ConfigurationError

    from snippets.registration import create_backend

    fake_provider.script(Reply(text=["from massgen"]))
    monkeypatch.setenv("OPENAI_API_KEY", "k")  # read by the openai client, since the branch passes api_key=None
    backend = create_backend("chatcompletion", base_url=fake_provider.base_url, model="m")
    assert type(backend) is ChatCompletionsBackend
    chunks, _ = collect(backend.stream_with_tools([{"role": "user", "content": "hello"}], []))
    assert summary(chunks) == [("content", "from massgen"), ("done", None)]
    with pytest.raises(ConfigurationError, match="Unsupported backend type: skyline"):
        massgen_create_backend("skyline", api_key="k")  # why the branch is needed


@pytest.mark.parametrize("backend_type", ["chatcompletion", "cerebras", "groq"])
def test_massgen_branches_reject_an_explicit_api_key(quiet_massgen: Any, backend_type: str) -> None:
    """MassGen's branches read kwargs.get("api_key") and then pass api_key=... **kwargs: the key arrives twice."""
    from massgen.cli.backends import create_backend as massgen_create_backend

    with pytest.raises(TypeError, match="got multiple values for keyword argument 'api_key'"):
        massgen_create_backend(backend_type, api_key="k", base_url="http://127.0.0.1:9/v1")


def test_snippet_branch_accepts_an_explicit_api_key(quiet_massgen: Any) -> None:
    from snippets.registration import create_backend

    backend = create_backend("skyline", api_key="explicit")
    assert backend.api_key == "explicit" and "api_key" not in backend.config


# -- the branch shown on the page has the shape of MassGen's own branches ---------------------------------------------


def _if_chain(function: ast.FunctionDef) -> dict[str, list[ast.stmt]]:
    """``backend_type == "x"`` branches of the first if/elif chain that tests backend_type, by type string."""
    branches: dict[str, list[ast.stmt]] = {}
    for statement in function.body:
        node = statement
        while isinstance(node, ast.If):
            test = node.test
            if (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == "backend_type"
                    and isinstance(test.ops[0], ast.Eq) and isinstance(test.comparators[0], ast.Constant)):
                branches[test.comparators[0].value] = node.body
            node = node.orelse[0] if len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If) else None
        if branches:
            return branches
    return branches


class _Shape(ast.NodeTransformer):
    """Forget what differs between providers: string constants and the backend class that is returned."""

    def visit_Constant(self, node: ast.Constant) -> ast.AST:  # noqa: N802
        return ast.Constant("<str>") if isinstance(node.value, str) else node

    def visit_Return(self, node: ast.Return) -> ast.AST:  # noqa: N802
        self.generic_visit(node)
        if isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name):
            node.value.func = ast.Name("<Backend>", ast.Load())
        return node


def shape(body: list[ast.stmt]) -> str:
    module = ast.Module(body=copy.deepcopy(body), type_ignores=[])
    return ast.dump(_Shape().visit(module), include_attributes=False)


def _real_branches() -> dict[str, list[ast.stmt]]:
    from massgen.cli.backends import create_backend

    return _if_chain(ast.parse(inspect.getsource(create_backend)).body[0])


def _snippet_branch() -> list[ast.stmt]:
    """The page's branch, with its one deliberate difference undone: ``kwargs.pop("api_key", None)`` (ours) is
    ``kwargs.get("api_key")`` in MassGen's branches."""
    source = SNIPPET.read_text(encoding="utf-8")
    assert source.count('kwargs.pop("api_key", None)') == 1
    tree = ast.parse(source.replace('kwargs.pop("api_key", None)', 'kwargs.get("api_key")'))
    [function] = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "create_backend"]
    return _if_chain(function)["skyline"]


def test_branch_has_the_shape_of_massgens_branches(quiet_massgen: Any) -> None:
    real = _real_branches()
    assert len(real) > 20  # the parse found MassGen's chain, not something else
    same = sorted(name for name, body in real.items() if shape(body) == shape(_snippet_branch()))
    # the "API key from kwargs or env, error if missing, default base_url, return Backend(...)" providers
    assert same == ["cerebras", "fireworks", "groq", "nebius", "nvidia_nim", "openrouter", "qwen", "together"]


def test_shape_check_catches_a_different_branch(quiet_massgen: Any) -> None:
    real = _real_branches()
    mutated = ast.parse('if backend_type == "x":\n    return SkylineBackend(api_key=kwargs["api_key"], **kwargs)\n')
    [body] = _if_chain(ast.FunctionDef(name="f", args=None, body=mutated.body, decorator_list=[])).values()
    assert not [name for name, real_body in real.items() if shape(real_body) == shape(body)]
    # and the default-URL line matters: without it the branch no longer matches the cerebras-style branches
    without_default = [s for s in _snippet_branch() if not (isinstance(s, ast.If) and "base_url" in ast.unparse(s))]
    matches = sorted(n for n, b in real.items() if shape(b) == shape(without_default))
    assert "cerebras" not in matches and "poe" in matches
