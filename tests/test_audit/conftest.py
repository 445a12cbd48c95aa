"""A synthetic MassGen-shaped checkout, built in a temp dir, with known gaps.

Backend types of the fake tree (each differs from `good` by one gap):

- `good`: complete; every required point passes.
- `unexported`: its class is not exported from massgen/backend/__init__.py.
- `nocaps`: no BACKEND_CAPABILITIES entry (so the config validator rejects it too).
- `nofactory`: no create_backend branch.
- `noconfig`: no example config under massgen/configs/.
- `nativecli`: a CLI wrapper with native tools (filesystem_support "native") that lacks NativeToolBackendMixin.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

GOOD_BACKEND = '''
from .base import FilesystemSupport
from ._streaming_buffer_mixin import StreamingBufferMixin
from .base_with_custom_tool_and_mcp import CustomToolAndMCPBackend
from ..formatter._good_formatter import GoodFormatter
from ..api_params_handler._good_api_params_handler import GoodAPIParamsHandler


class {cls}(StreamingBufferMixin, CustomToolAndMCPBackend):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.formatter = GoodFormatter()
        self.api_params_handler = GoodAPIParamsHandler(self)

    async def stream_with_tools(self, messages, tools, **kwargs):
        self._clear_streaming_buffer(**kwargs)
        self.start_api_call_timing(self.model)
        self._update_token_usage_from_api_response({{}}, self.model)
        self.end_api_call_timing(success=True)
        self._finalize_streaming_buffer(agent_id=None)
        yield None

    def get_provider_name(self) -> str:
        return "Good"

    def get_filesystem_support(self):
        return FilesystemSupport.MCP
'''

NATIVE_BACKEND = '''
from .base import LLMBackend, FilesystemSupport, build_workflow_instructions, get_multimodal_tool_definitions
from ._streaming_buffer_mixin import StreamingBufferMixin


class NativeCliBackend(StreamingBufferMixin, LLMBackend):
    """A CLI wrapper with its own file and shell tools, but no NativeToolBackendMixin."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._init_native_hook_adapter("massgen.mcp_tools.native_hook_adapters.NativeCliAdapter")
        self.custom_tools = list(get_multimodal_tool_definitions())

    async def stream_with_tools(self, messages, tools, **kwargs):
        self._clear_streaming_buffer(**kwargs)
        self.start_api_call_timing(self.model)
        instructions = build_workflow_instructions(tools)
        self._estimate_token_usage(messages, instructions, self.model)
        self.end_api_call_timing(success=True)
        self._finalize_streaming_buffer(agent_id=None)
        yield None

    def get_provider_name(self) -> str:
        return "Good"

    def get_filesystem_support(self):
        return FilesystemSupport.NATIVE

    def is_stateful(self) -> bool:
        return True

    async def clear_history(self):
        pass

    async def reset_state(self):
        pass

    def get_disallowed_tools(self, config):
        return []

    def get_tool_category_overrides(self):
        return {"filesystem": "skip"}
'''

CLASSES = {"good": "GoodBackend", "unexported": "UnexportedBackend", "nocaps": "NoCapsBackend",
           "nofactory": "NoFactoryBackend", "noconfig": "NoConfigBackend", "nativecli": "NativeCliBackend"}


def _caps(btype: str, fs: str = "mcp") -> str:
    return f'''    "{btype}": BackendCapabilities(
        backend_type="{btype}",
        provider_name="Good",
        supported_capabilities={{"mcp"}},
        builtin_tools=[],
        filesystem_support="{fs}",
        models=["fake-model-zz-1"],
        default_model="fake-model-zz-1",
        env_var="GOOD_API_KEY",
    ),
'''


def _branch(btype: str) -> str:
    return f'''    elif backend_type == "{btype}":
        api_key = kwargs.get("api_key") or os.getenv("GOOD_API_KEY")
        return {CLASSES[btype]}(api_key=api_key, **kwargs)
'''


def synthetic_files() -> dict[str, str]:
    files: dict[str, str] = {}
    files["massgen/__init__.py"] = '__version__ = "0.0.9"\n'  # older than the checked release: no version warning
    files["massgen/backend/_excluded_params.py"] = 'BASE_EXCLUDED_CONFIG_PARAMS = frozenset({"cwd", "type", "agent_id"})\n'
    files["massgen/backend/base.py"] = textwrap.dedent('''
        from abc import ABC, abstractmethod
        from enum import Enum
        from ._excluded_params import BASE_EXCLUDED_CONFIG_PARAMS


        class FilesystemSupport(Enum):
            NONE = "none"
            NATIVE = "native"
            MCP = "mcp"


        def get_multimodal_tool_definitions():
            return []


        def build_workflow_instructions(tools):
            return ""


        class LLMBackend(ABC):
            @classmethod
            def get_base_excluded_config_params(cls):
                return set(BASE_EXCLUDED_CONFIG_PARAMS)

            @abstractmethod
            async def stream_with_tools(self, messages, tools, **kwargs):
                ...

            @abstractmethod
            def get_provider_name(self) -> str:
                ...

            def get_filesystem_support(self):
                return FilesystemSupport.NONE

            def is_stateful(self) -> bool:
                return False

            def start_api_call_timing(self, model): ...
            def end_api_call_timing(self, success=True, error=None): ...
            def _update_token_usage_from_api_response(self, usage, model): ...
            def _estimate_token_usage(self, messages, response_content, model): ...
        ''')
    files["massgen/backend/_streaming_buffer_mixin.py"] = textwrap.dedent('''
        class StreamingBufferMixin:
            def _clear_streaming_buffer(self, **kwargs): ...
            def _finalize_streaming_buffer(self, agent_id=None): ...
        ''')
    files["massgen/backend/native_tool_mixin.py"] = textwrap.dedent('''
        from abc import abstractmethod


        class NativeToolBackendMixin:
            @abstractmethod
            def get_disallowed_tools(self, config): ...

            @abstractmethod
            def get_tool_category_overrides(self): ...

            def _init_native_hook_adapter(self, path): ...
        ''')
    files["massgen/backend/base_with_custom_tool_and_mcp.py"] = textwrap.dedent('''
        from .base import LLMBackend, get_multimodal_tool_definitions


        class CustomToolAndMCPBackend(LLMBackend):
            def __init__(self, **kwargs):
                if kwargs.get("enable_multimodal_tools"):
                    self.custom_tools = get_multimodal_tool_definitions()
        ''')
    for btype, cls in CLASSES.items():
        if btype != "nativecli":
            files[f"massgen/backend/{btype}.py"] = GOOD_BACKEND.format(cls=cls)
    files["massgen/backend/nativecli.py"] = NATIVE_BACKEND
    exported = [c for t, c in CLASSES.items() if t != "unexported"]
    files["massgen/backend/__init__.py"] = (
        "from .base import LLMBackend\n"
        + "".join(f"from .{t} import {c}\n" for t, c in CLASSES.items() if t != "unexported")
        + "\n__all__ = [\n    \"LLMBackend\",\n" + "".join(f'    "{c}",\n' for c in exported) + "]\n")
    files["massgen/backend/capabilities.py"] = (
        "from dataclasses import dataclass\n\n\n@dataclass\nclass BackendCapabilities:\n    backend_type: str\n"
        "    provider_name: str\n    supported_capabilities: set\n    builtin_tools: list\n"
        "    filesystem_support: str\n    models: list\n    default_model: str\n    env_var: str | None = None\n\n\n"
        "BACKEND_CAPABILITIES: dict[str, BackendCapabilities] = {\n"
        + "".join(_caps(t) for t in ("good", "unexported", "nofactory", "noconfig"))
        + _caps("nativecli", "native") + "}\n\nAGENT_FRAMEWORK_BACKENDS = frozenset({\"nativecli\"})\n")
    files["massgen/cli/__init__.py"] = ""
    files["massgen/cli/backends.py"] = (
        "import os\n\n"
        + "".join(f"from ..backend.{t} import {c}\n" for t, c in CLASSES.items())
        + "\n\ndef create_backend(backend_type: str, **kwargs):\n"
        "    from massgen.adapters import adapter_registry\n\n"
        "    if backend_type in adapter_registry:\n        return None\n"
        + "".join(_branch(t) for t in ("good", "unexported", "nocaps", "noconfig", "nativecli"))
        + "    else:\n        raise ValueError(f\"Unsupported backend type: {backend_type}\")\n")
    files["massgen/adapters/__init__.py"] = "adapter_registry = {}\n"
    files["massgen/config_validator.py"] = textwrap.dedent('''
        from .backend.capabilities import BACKEND_CAPABILITIES


        class ConfigValidator:
            def _validate_backend(self, backend_config, location, result):
                backend_type = backend_config["type"]
                if backend_type not in BACKEND_CAPABILITIES:
                    result.add_error("Unknown backend type", location, "")
                    return
        ''')
    files["massgen/token_manager/__init__.py"] = ""
    files["massgen/token_manager/token_manager.py"] = textwrap.dedent('''
        class TokenCostCalculator:
            PROVIDER_PRICING = {
                "Good": {"fake-model-zz-1": None},
            }

            def _normalize_provider(self, provider):
                provider_map = {"good": "Good"}
                return provider_map.get(provider.lower(), provider)
        ''')
    files["massgen/api_params_handler/__init__.py"] = (
        "from ._good_api_params_handler import GoodAPIParamsHandler\n\n__all__ = [\"GoodAPIParamsHandler\"]\n")
    files["massgen/api_params_handler/_api_params_handler_base.py"] = textwrap.dedent('''
        from abc import ABC
        from ..backend._excluded_params import BASE_EXCLUDED_CONFIG_PARAMS


        class APIParamsHandlerBase(ABC):
            def get_base_excluded_params(self):
                return set(BASE_EXCLUDED_CONFIG_PARAMS) | {"upload_files"}
        ''')
    files["massgen/api_params_handler/_good_api_params_handler.py"] = textwrap.dedent('''
        from ._api_params_handler_base import APIParamsHandlerBase


        class GoodAPIParamsHandler(APIParamsHandlerBase):
            def get_excluded_params(self):
                return self.get_base_excluded_params().union({"good_only"})
        ''')
    files["massgen/formatter/__init__.py"] = "from ._good_formatter import GoodFormatter\n\n__all__ = [\"GoodFormatter\"]\n"
    files["massgen/formatter/_formatter_base.py"] = "from abc import ABC\n\n\nclass FormatterBase(ABC):\n    pass\n"
    files["massgen/formatter/_good_formatter.py"] = (
        "from ._formatter_base import FormatterBase\n\n\nclass GoodFormatter(FormatterBase):\n    pass\n")
    files["massgen/mcp_tools/__init__.py"] = ""
    files["massgen/mcp_tools/native_hook_adapters/__init__.py"] = "from .nativecli_adapter import NativeCliAdapter\n"
    files["massgen/mcp_tools/native_hook_adapters/base.py"] = (
        "from abc import ABC\n\n\nclass NativeHookAdapter(ABC):\n    pass\n")
    files["massgen/mcp_tools/native_hook_adapters/nativecli_adapter.py"] = (
        "from .base import NativeHookAdapter\n\n\nclass NativeCliAdapter(NativeHookAdapter):\n    pass\n")
    files["massgen/tests/test_api_params_exclusion.py"] = (
        "from massgen.api_params_handler import GoodAPIParamsHandler\n\nALL_HANDLER_CLASSES = [\n"
        "    GoodAPIParamsHandler,\n]\n")
    # a listing site that MassGen 0.1.97 has too (the `--setup` wizard's providers), naming every type
    files["massgen/config_builder.py"] = (
        "class ConfigBuilder:\n    def interactive_api_key_setup(self):\n        all_providers = [\n"
        + "".join(f'            ("{t}", "Good", "GOOD_API_KEY"),\n' for t in CLASSES) + "        ]\n"
        "        return all_providers\n")
    for btype in CLASSES:
        files[f"massgen/tests/test_{btype}.py"] = f'BACKEND = "{btype}"\n\n\ndef test_type():\n    assert BACKEND\n'
        if btype != "noconfig":
            files[f"massgen/configs/providers/fake/{btype}.yaml"] = (
                f"agent:\n  id: a\n  backend:\n    type: {btype}\n    model: fake-model-zz-1\n")
    # repository-only files: docs/ and scripts/
    types_text = "\n".join(f"- ``{t}``" for t in CLASSES)
    files["docs/source/reference/yaml_schema.rst"] = f"YAML schema\n===========\n\n{types_text}\n"
    files["docs/source/user_guide/backends.rst"] = f"Backends\n========\n\n{types_text}\n"
    files["docs/scripts/generate_backend_tables.py"] = "print('tables')\n"
    files["docs/generated/backend_details_table.md"] = (
        "| Backend | Provider |\n|---|---|\n" + "".join(f"| `{t}` | Good |\n" for t in CLASSES))
    files["scripts/test_hook_backends.py"] = (
        "BACKEND_CONFIGS = {\n" + "".join(f'    "{t}": {{"type": "{t}", "model": "m"}},\n' for t in CLASSES
                                            if t != "nativecli") + "}\n")
    files["scripts/test_native_tools_sandbox.py"] = (
        'BACKEND_CONFIGS = {\n    "nativecli": {"module": "massgen.backend.nativecli", "class": "NativeCliBackend"},\n}\n')
    return files


def write_tree(root: Path, files: dict[str, str] | None = None) -> Path:
    for rel, text in (files or synthetic_files()).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def tree_hash(root: Path) -> str:
    """A hash of every path, mode, mtime and content under root (symlinks by target)."""
    digest = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]):
            path = Path(dirpath, name)
            digest.update(str(path.relative_to(root)).encode())
            if path.is_symlink():
                digest.update(os.readlink(path).encode())
                continue
            st = path.stat()
            digest.update(f"{st.st_mode}:{st.st_mtime_ns}:{st.st_size}".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture
def fake_massgen(tmp_path: Path) -> Path:
    """A fresh synthetic checkout per test (tests may mutate it)."""
    return write_tree(tmp_path / "MassGen")


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`.venv/bin/python -m massgen_guide audit ...` as a subprocess, the way a user runs it."""
    return subprocess.run([sys.executable, "-m", "massgen_guide", "audit", *args], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=120)
