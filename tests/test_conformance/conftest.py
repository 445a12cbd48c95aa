"""Fixtures for the conformance-kit tests: MassGen imported once, its log records off, one fake provider."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from massgen_guide.examples.fake_provider import FakeProvider


@pytest.fixture(autouse=True)
def _quiet_massgen(massgen_imported: Any) -> Iterator[None]:
    from loguru import logger

    logger.disable("massgen")
    try:
        yield
    finally:
        logger.enable("massgen")


@pytest.fixture(scope="session")
def conformance_provider() -> Iterator[FakeProvider]:
    """One fake provider (127.0.0.1, free port) for the kit's runs against API backends."""
    with FakeProvider() as server:
        yield server
