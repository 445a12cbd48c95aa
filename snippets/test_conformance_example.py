"""Conformance tests for a backend, as a MassGen contributor writes them.

Here the backend is MassGen's own `ChatCompletionsBackend` (backend type
"chatcompletion"), pointed at the guide's fake provider on 127.0.0.1; put your backend
class and your provider's fake in their place. Run with: python -m pytest
snippets/test_conformance_example.py
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

# --8<-- [start:imports]
from massgen_guide.examples.conformance import BackendConformanceTests
from massgen_guide.examples.fake_provider import (
    FakeProvider,
    HTTPError,
    Reply,
    ToolCall,
    Usage,
)

# --8<-- [end:imports]


# --8<-- [start:class]
class TestChatCompletionsConformance(BackendConformanceTests):
    @property
    def backend_class(self) -> type:
        # Imported when a test runs, not when pytest collects this file: importing
        # MassGen takes seconds.
        from massgen.backend.chat_completions import ChatCompletionsBackend

        return ChatCompletionsBackend

    backend_type = "chatcompletion"  # its key in BACKEND_CAPABILITIES
    supports_tool_calls = True
    supports_reasoning = True  # reasoning_content deltas become 'reasoning' chunks
    is_stateful = False
    reports_usage = True
    done_carries_usage = False  # usage goes to token_usage; the 'done' chunk is bare
    # --8<-- [end:class]

    # --8<-- [start:provider]
    @pytest.fixture(scope="class")
    def provider(self) -> Iterator[FakeProvider]:
        with FakeProvider() as server:  # a real HTTP server on 127.0.0.1, free port
            yield server

    # --8<-- [end:provider]

    # --8<-- [start:factory]
    @pytest.fixture
    def backend_factory(self, provider: FakeProvider):
        provider.reset()
        replies = {
            "text": lambda: Reply(text=["It is ", "sunny."], usage=Usage(20, 4)),
            "tool_call": lambda: Reply(
                tool_calls=[ToolCall("call_1", "get_weather", {"city": "Oslo"})]
            ),
            "reasoning": lambda: Reply(
                reasoning=["Oslo is in Norway."], text=["Sunny."]
            ),
            "failure": lambda: HTTPError(
                401, "invalid API key"
            ),  # 401: the OpenAI client does not retry
        }

        def make(scenario: str, turns: int = 1):
            provider.script(*(replies[scenario]() for _ in range(turns)))
            return self.backend_class(
                api_key="test-key", base_url=provider.base_url, model="fake-model"
            )

        return make

    # --8<-- [end:factory]
