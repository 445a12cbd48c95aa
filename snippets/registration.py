"""Registration pieces for the Skyline example: a capabilities entry and a
``create_backend`` branch.

In a MassGen checkout these pieces go into MassGen itself: the entry into
``BACKEND_CAPABILITIES`` in ``massgen/backend/capabilities.py``, the branch into
``create_backend`` in ``massgen/cli/backends.py``. Here they live in a file of their own
so that they run against the installed MassGen: :func:`register_capabilities` adds the
entry to the real registry, and :func:`create_backend` handles the new type and hands
every other type to MassGen's real ``create_backend``.
"""

from __future__ import annotations

import os
from typing import Any

from massgen.backend.capabilities import BACKEND_CAPABILITIES, BackendCapabilities
from massgen.cli.backends import _api_key_error_message
from massgen.cli.backends import create_backend as massgen_create_backend
from massgen.cli.config_loading import ConfigurationError

from snippets.openai_compatible_backend import SkylineBackend

# --8<-- [start:capabilities-entry]
SKYLINE_CAPABILITIES = BackendCapabilities(
    backend_type="skyline",  # (1)!
    provider_name="Skyline",  # (2)!
    supported_capabilities={"mcp", "reasoning"},  # (3)!
    builtin_tools=[],  # no server-side tools (web search, code interpreter, ...)
    filesystem_support="mcp",  # (4)!
    models=["skyline-large", "skyline-small"],
    default_model="skyline-large",  # must be one of models
    env_var="SKYLINE_API_KEY",
    notes=(
        "OpenAI-compatible chat completions; "
        "reasoning arrives as reasoning_content deltas."
    ),
    base_url=SkylineBackend.DEFAULT_BASE_URL,
)
# --8<-- [end:capabilities-entry]


def register_capabilities(
    registry: dict[str, BackendCapabilities] = BACKEND_CAPABILITIES,
) -> BackendCapabilities:
    """Add the Skyline entry to a capabilities registry (MassGen's own by default) and
    return it."""
    registry[SKYLINE_CAPABILITIES.backend_type] = SKYLINE_CAPABILITIES
    return SKYLINE_CAPABILITIES


def create_backend(backend_type: str, **kwargs: Any) -> Any:
    """MassGen's ``create_backend`` plus a ``skyline`` branch (the branch is what goes
    into MassGen's function)."""
    backend_type = backend_type.lower()
    config_path = kwargs.pop("_config_path", None)
    if (
        backend_type == "openai"
    ):  # stands for the branches already in MassGen's function
        return massgen_create_backend(backend_type, **kwargs)
    # --8<-- [start:create-backend-branch]
    elif backend_type == "skyline":
        api_key = kwargs.pop("api_key", None) or os.getenv("SKYLINE_API_KEY")  # (1)!
        if not api_key:
            raise ConfigurationError(
                _api_key_error_message("Skyline", "SKYLINE_API_KEY", config_path),
            )
        if "base_url" not in kwargs:
            kwargs["base_url"] = "https://api.skyline.example/v1"
        return SkylineBackend(api_key=api_key, **kwargs)
    # --8<-- [end:create-backend-branch]
    if config_path is not None:
        kwargs["_config_path"] = config_path
    return massgen_create_backend(backend_type, **kwargs)
