"""The formatter of the custom-API example: MassGen's messages and tools in the Nimbus
wire format.

MassGen hands a backend messages in the Chat Completions shape (``role`` / ``content`` /
``tool_calls`` / ``tool_call_id``) and tools as ``{"type": "function", "function":
{...}}``. Nimbus wants something else:

* a top-level ``system`` string instead of system messages,
* messages ``{"role": "user" | "assistant", "text": ...}``, assistant tool calls under
``tool_uses``
  (``{"id", "name", "input"}`` with ``input`` a JSON object), tool results as ``{"role":
  "tool_result", ...}``,
* tools as ``{"name", "description", "input_schema"}``.
"""

from __future__ import annotations

import json
from typing import Any

from massgen.formatter._formatter_base import FormatterBase


# --8<-- [start:class]
class NimbusFormatter(FormatterBase):
    """Converts MassGen's Chat Completions-shaped messages and tools to Nimbus's
    shapes."""

    # --8<-- [end:class]
    # --8<-- [start:system]
    # ADAPT: where your provider takes the system prompt
    @staticmethod
    def split_system(
        messages: list[dict[str, Any]],
    ) -> tuple[str, list[dict[str, Any]]]:
        """Nimbus takes the system prompt as a separate field: pull system messages
        out."""
        system = "\n\n".join(
            str(m.get("content") or "") for m in messages if m.get("role") == "system"
        )
        return system, [m for m in messages if m.get("role") != "system"]

    # --8<-- [end:system]
    # --8<-- [start:messages]
    def format_messages(self, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        formatted: list[dict[str, Any]] = []
        for message in messages:
            role = message.get("role")
            if role == "system":
                continue  # sent separately, see split_system
            # ADAPT: how your provider takes a tool result
            if role == "tool":
                formatted.append(
                    {
                        "role": "tool_result",
                        "tool_use_id": message.get("tool_call_id", ""),
                        "text": str(message.get("content") or ""),
                    }
                )
                continue
            # ADAPT: your provider's message shape (role names, text field)
            entry: dict[str, Any] = {
                "role": role,
                "text": self._text_of(message.get("content")),
            }
            if role == "assistant" and message.get("tool_calls"):
                # ADAPT: how an assistant message carries its tool calls
                entry["tool_uses"] = [
                    {
                        "id": self.extract_tool_call_id(call),  # (1)!
                        "name": self.extract_tool_name(call),
                        "input": self.extract_tool_arguments(call),
                    }
                    for call in message["tool_calls"]
                ]
            formatted.append(entry)
        return formatted

    @staticmethod
    def _text_of(content: Any) -> str:
        """Content may be a string or a list of parts (``{"type": "text", "text":
        ...}``)."""
        if isinstance(content, list):
            return "".join(
                part.get("text", "") for part in content if isinstance(part, dict)
            )
        return "" if content is None else str(content)

    # --8<-- [end:messages]
    # --8<-- [start:tools]
    # ADAPT: the tool shape your provider expects
    def format_tools(self, tools: list[dict[str, Any]]) -> list[dict[str, Any]]:
        formatted = []
        for tool in tools or []:
            spec = tool.get("function", tool)  # Chat Completions shape, or already flat
            formatted.append(
                {
                    "name": spec.get("name", ""),
                    "description": spec.get("description", ""),
                    "input_schema": spec.get("parameters")
                    or spec.get("input_schema")
                    or {"type": "object"},
                }
            )
        return formatted

    # ADAPT: the same tool shape, for MassGen's MCP tools
    def format_mcp_tools(self, mcp_functions: dict[str, Any]) -> list[dict[str, Any]]:
        """MCP tools arrive as MassGen ``Function`` objects keyed by name."""
        return [
            {
                "name": name,
                "description": getattr(function, "description", ""),
                "input_schema": getattr(function, "parameters", None)
                or {"type": "object"},
            }
            for name, function in (mcp_functions or {}).items()
        ]

    # --8<-- [end:tools]

    @staticmethod
    def arguments_text(arguments: Any) -> str:
        """Nimbus sends tool input as a JSON object; MassGen's tool_calls carry
        arguments as a JSON string."""
        return (
            arguments
            if isinstance(arguments, str)
            else json.dumps(arguments, separators=(",", ":"))
        )
