"""The conformance kit run against the guide's four example backends and real MassGen backend types.

The API backends stream from the fake provider on 127.0.0.1; the stateful ones drive the fake CLI and the fake SDK.
Real MassGen types are built through MassGen's own ``create_backend``.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest

from massgen_guide.examples.conformance import BackendConformanceTests
from massgen_guide.examples.fake_provider import FakeProvider, HTTPError, Reply, ToolCall, Usage


def snippet(module: str, name: str) -> Any:
    """`snippets.<module>.<name>`, imported when a test runs: the snippets import MassGen, which takes seconds,
    and collecting this file should not (see tests/scheduling.py)."""
    return getattr(importlib.import_module(f"snippets.{module}"), name)


REPLIES = {
    "text": lambda: Reply(text=["It is ", "sunny ", "in Oslo."], usage=Usage(21, 5)),
    "tool_call": lambda: Reply(tool_calls=[ToolCall("call_1", "get_weather", {"city": "Oslo"})]),
    "reasoning": lambda: Reply(reasoning=["Oslo is in Norway."], text=["Sunny."]),
    "failure": lambda: HTTPError(401, "fake provider: invalid API key"),
}


def scripted(provider: FakeProvider, scenario: str, turns: int) -> None:
    provider.reset()
    provider.script(*(REPLIES[scenario]() for _ in range(turns)))


# -- the four example backends ---------------------------------------------------------------------------------------


class TestSkylineConformance(BackendConformanceTests):
    backend_class = property(lambda self: snippet("openai_compatible_backend", "SkylineBackend"))
    # not in MassGen's registry: the example's own entry
    capabilities = property(lambda self: snippet("registration", "SKYLINE_CAPABILITIES"))
    supports_reasoning = True
    done_carries_usage = False  # a ChatCompletionsBackend subclass: usage goes to token_usage

    @pytest.fixture
    def backend_factory(self, conformance_provider: FakeProvider):
        def make(scenario: str, turns: int = 1) -> Any:
            scripted(conformance_provider, scenario, turns)
            return self.backend_class(api_key="test-key", base_url=conformance_provider.base_url,
                                  model="skyline-large", timeout=5.0, max_retries=0)
        return make


NIMBUS_CAPABILITIES_FIELDS = dict(backend_type="nimbus", provider_name="Nimbus", supported_capabilities={"mcp"},
                                  builtin_tools=[], filesystem_support="mcp", models=["nimbus-1"],
                                  default_model="nimbus-1")


class TestNimbusConformance(BackendConformanceTests):
    backend_class = property(lambda self: snippet("custom_api_backend", "NimbusBackend"))
    supports_reasoning = True
    done_carries_usage = False

    @property
    def capabilities(self) -> Any:  # built lazily: MassGen is imported by then
        from massgen.backend.capabilities import BackendCapabilities

        return BackendCapabilities(**NIMBUS_CAPABILITIES_FIELDS)

    @pytest.fixture
    def backend_factory(self, conformance_provider: FakeProvider):
        def make(scenario: str, turns: int = 1) -> Any:
            scripted(conformance_provider, scenario, turns)
            return self.backend_class(api_key="nimbus-key", base_url=conformance_provider.custom_base_url,
                                 model="nimbus-1", timeout=5.0)
        return make


# The CLI wrapper's conformance class is the one docs/conformance.md shows, in snippets/.
from snippets.test_conformance_cli_example import TestFakeCliConformance  # noqa: E402,F401 - collected here


class TestSdkWrapperConformance(BackendConformanceTests):
    backend_class = property(lambda self: snippet("sdk_wrapper_backend", "FakeSdkBackend"))
    capabilities = property(lambda self: snippet("sdk_wrapper_backend", "CAPABILITIES"))
    supports_reasoning = True
    is_stateful = True

    @pytest.fixture
    def backend_factory(self):
        def make(scenario: str, turns: int = 1) -> Any:
            options = {"text": {}, "tool_call": {"scenario": "tool"}, "reasoning": {"scenario": "reasoning"},
                       "failure": {"fault": "session-error"}}[scenario]
            return self.backend_class(event_timeout=5.0, **options)
        return make

    def session_marker(self, backend: Any) -> str | None:
        return backend.session.id if backend.session else None


# -- real MassGen backend types, built by MassGen's create_backend ---------------------------------------------------


class MassGenTypeConformance(BackendConformanceTests):
    supports_reasoning = True
    done_carries_usage = False

    @pytest.fixture
    def backend_factory(self, conformance_provider: FakeProvider):
        from massgen.cli.backends import create_backend

        def make(scenario: str, turns: int = 1) -> Any:
            scripted(conformance_provider, scenario, turns)
            return create_backend(self.backend_type, base_url=conformance_provider.base_url, model="fake-model")
        return make


class TestVllmConformance(MassGenTypeConformance):
    backend_type = "vllm"

    @property
    def backend_class(self) -> type:
        from massgen.backend.inference import InferenceBackend

        return InferenceBackend


class TestSglangConformance(TestVllmConformance):
    backend_type = "sglang"
