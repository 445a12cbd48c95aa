"""Fixtures for the example-backend tests: the fake provider on 127.0.0.1, quiet MassGen logs, a stream collector."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from massgen_guide.examples.fake_provider import FakeProvider


@pytest.fixture(scope="session")
def fake_provider_server() -> Iterator[FakeProvider]:
    """One fake provider for the whole session (started on a free port, stopped at the end)."""
    with FakeProvider() as server:
        yield server


@pytest.fixture
def fake_provider(fake_provider_server: FakeProvider) -> Iterator[FakeProvider]:
    """The session's fake provider with an empty script and no recorded requests."""
    fake_provider_server.reset()
    yield fake_provider_server
    fake_provider_server.reset()


@pytest.fixture
def quiet_massgen(request: pytest.FixtureRequest) -> Iterator[Any]:
    """MassGen imported once per session, with its third-party deprecation warnings and loguru records off.

    litellm's deprecation warning is avoided by importing it first; authlib's (through fastmcp) forces itself
    on with its own "always" filter and still shows once per session.
    """
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="authlib.jose module is deprecated")
        warnings.filterwarnings("ignore", message="open_text is deprecated")
        import litellm  # before MassGen, whose import resets the warning filters

        massgen_imported = request.getfixturevalue("massgen_imported")
        from loguru import logger

        litellm.suppress_debug_info = True  # litellm prints a "Provider List" banner for unknown models
        logger.disable("massgen")
        try:
            yield massgen_imported
        finally:
            logger.enable("massgen")
