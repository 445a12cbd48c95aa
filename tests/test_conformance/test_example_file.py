"""Run the example conformance test file that docs/conformance.md includes, exactly as a contributor would."""

from snippets.test_conformance_example import TestChatCompletionsConformance  # noqa: F401 - collected here
