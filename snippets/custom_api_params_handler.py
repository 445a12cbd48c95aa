"""The API-params handler of the custom-API example: builds the JSON body of a Nimbus
``/generate`` request."""

from __future__ import annotations

from typing import Any

from massgen.api_params_handler._api_params_handler_base import APIParamsHandlerBase


# --8<-- [start:class]
class NimbusAPIParamsHandler(APIParamsHandlerBase):
    """Turns MassGen's messages, tools and config into a Nimbus request body."""

    #: MassGen config keys with a different name in the Nimbus API.
    # ADAPT: config keys that your provider's API names differently
    RENAMED = {"max_tokens": "max_output_tokens"}

    # --8<-- [end:class]
    # --8<-- [start:excluded]
    def get_excluded_params(self) -> set[str]:
        # MassGen's own keys (cwd, agent_id, mcp_servers, ...) plus the ones this
        # backend uses for its client.
        return self.get_base_excluded_params() | {
            "base_url",
            "timeout",
            "max_retries",
            "custom_tools",
        }

    def get_provider_tools(self, all_params: dict[str, Any]) -> list[dict[str, Any]]:
        # ADAPT: your provider's server-side tools, if it has any
        # Nimbus has no server-side tools (no web search, no code interpreter)
        return []

    # --8<-- [end:excluded]
    # --8<-- [start:build]
    async def build_api_params(
        self,
        messages: list[dict[str, Any]],
        tools: list[dict[str, Any]],
        all_params: dict[str, Any],
    ) -> dict[str, Any]:
        params = self.build_base_api_params(
            messages, all_params
        )  # {"stream": True, model, temperature, ...}
        params = {
            k: v for k, v in params.items() if not k.startswith("_")
        }  # MassGen-internal flags
        for old, new in self.RENAMED.items():
            if old in params:
                params[new] = params.pop(old)

        # ADAPT: the request body's field names (system, messages, tools)
        system, conversation = self.formatter.split_system(messages)
        if system:
            params["system"] = system
        params["messages"] = self.formatter.format_messages(conversation)

        all_tools = self.formatter.format_tools(
            tools
        )  # tools the caller passed (workflow tools, ...)
        all_tools += (
            self.get_custom_tools()
        )  # custom tools incl. MassGen's background-job tools
        all_tools += self.formatter.format_mcp_tools(
            getattr(self.backend, "_mcp_functions", {})
        )
        if all_tools:
            params["tools"] = all_tools
        return params

    # --8<-- [end:build]
