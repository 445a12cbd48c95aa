"""A stateful MassGen backend that wraps an agent CLI printing JSONL events.

The CLI is `snippets/fake_cli.py`, run with the current interpreter. The backend spawns
it once per turn with asyncio's subprocess API, reads one JSON event per line, turns
events into MassGen `StreamChunk`s, and keeps the CLI's session id so the next turn
resumes the same conversation. Every failure (non-zero exit, a malformed line, a CLI
that stops talking) ends the stream with one `error` chunk within a bounded time.

With a workspace (`cwd`), the backend writes its files into the workspace's
`.fake_cli` folder, denies the CLI's own shell so that file and shell work goes
through MassGen's MCP servers, and delivers MassGen's hook payloads through those
servers (the MCP-server hook route, as Codex and the Antigravity CLI do).
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from collections.abc import AsyncGenerator
from pathlib import Path
from typing import Any

from massgen.backend._streaming_buffer_mixin import StreamingBufferMixin
from massgen.backend.base import (
    FilesystemSupport,
    LLMBackend,
    StreamChunk,
    build_workflow_mcp_instructions,
    build_workflow_mcp_server_config,
)
from massgen.backend.capabilities import BackendCapabilities
from massgen.mcp_tools.custom_tools_server import build_server_config, write_tool_specs
from massgen.mcp_tools.workflow_tools_server import extract_workflow_tool_call
from massgen.token_manager.token_manager import TokenCostCalculator

# ADAPT: the CLI to run: the offline fake until you point it at yours
FAKE_CLI = Path(__file__).with_name("fake_cli.py")
# the server name build_workflow_mcp_server_config gives
WORKFLOW_SERVER = "massgen_workflow_tools"
# --8<-- [start:config-dir]
# The folder this backend writes into its workspace (CLI config, sessions, hook file).
# MassGen's two workspace-metadata lists must name it (see the CLI wrapper pattern).
CONFIG_DIR = ".fake_cli"
# --8<-- [end:config-dir]
# ADAPT: the names of your CLI's own tools that MassGen's servers replace
NATIVE_TOOLS = ["shell"]  # the fake CLI's own tools; all denied (get_disallowed_tools)
HOOK_FILE = "hook_post_tool_use.json"  # the name MassGen's hook middleware reads

# --8<-- [start:capabilities]
CAPABILITIES = BackendCapabilities(
    backend_type="fake_cli",
    provider_name="Fake CLI",
    supported_capabilities={"reasoning"},
    builtin_tools=[],
    filesystem_support="mcp",
    models=["fake-model-1"],
    default_model="fake-model-1",
    env_var=None,
    notes="Example: a stateful wrapper around a JSONL-printing CLI; its own "
    "shell is denied, file work goes through MassGen's MCP servers.",
)
# --8<-- [end:capabilities]


class CliTurnError(Exception):
    """One failed turn; the message becomes the `error` chunk's text."""


# --8<-- [start:class]
class FakeCliBackend(StreamingBufferMixin, LLMBackend):
    """Stateful backend driving `fake_cli.py`.

    The mixin comes first, as in MassGen's CLI backends.
    """

    def __init__(self, api_key: str | None = None, **kwargs: Any) -> None:
        super().__init__(api_key, **kwargs)
        self.model: str = kwargs.get("model", CAPABILITIES.default_model)
        # With a `cwd`, LLMBackend made a FilesystemManager: the CLI works in that
        # workspace and keeps its own files in the workspace's CONFIG_DIR.
        fs = self.filesystem_manager
        self.workspace = Path(fs.get_current_workspace()).resolve() if fs else None
        default_dir = self.workspace / CONFIG_DIR if self.workspace else None
        self.state_dir = Path(
            kwargs.get("state_dir")
            or default_dir
            or tempfile.mkdtemp(prefix="fake-cli-")
        )
        self.command: list[str] = list(
            kwargs.get("cli_command") or [sys.executable, str(FAKE_CLI)]
        )
        self.scenario: str | None = kwargs.get("scenario")
        self.fault: str | None = kwargs.get("fault")
        # max seconds between two lines, and for a whole turn
        self.idle_timeout = float(kwargs.get("idle_timeout", 30.0))
        self.turn_timeout = float(kwargs.get("turn_timeout", 300.0))
        self.session_id: str | None = None  # set by the CLI's thread.started event
        # the round's task, kept to re-send when a fresh session starts
        self.task_prompt: str | None = None
        self._hook_sequence = 0  # grows with every hook payload written

    def get_provider_name(self) -> str:
        return "fake_cli"

    def get_filesystem_support(self) -> FilesystemSupport:
        # MCP: with a cwd, LLMBackend adds MassGen's filesystem servers to
        # self.config["mcp_servers"]; the CLI's own shell is denied.
        return FilesystemSupport.MCP

    def get_disallowed_tools(self, config: dict[str, Any]) -> list[str]:
        """The CLI's own tools that MassGen's MCP servers replace."""
        return list(NATIVE_TOOLS)

    # --8<-- [end:class]

    # --8<-- [start:hooks]
    def supports_mcp_server_hooks(self) -> bool:
        return True  # the orchestrator flushes hook payloads through the methods below

    def get_hook_dir(self) -> Path:
        """The hook folder: --hook-dir of the custom-tools server built below (the
        orchestrator passes it to the planning and sub-agent servers it attaches)."""
        return self.state_dir

    def write_post_tool_use_hook(
        self, content: str, tool_matcher: str = "*", ttl_seconds: float = 30.0
    ) -> None:
        """Called by the orchestrator: the next MassGen MCP tool result carries it."""
        self._hook_sequence += 1
        payload = {
            "inject": {"content": content, "strategy": "tool_result"},
            "tool_matcher": tool_matcher,
            "expires_at": time.time() + ttl_seconds,
            "sequence": self._hook_sequence,
        }
        hook_file = self.get_hook_dir() / HOOK_FILE
        hook_file.parent.mkdir(parents=True, exist_ok=True)
        tmp_file = hook_file.with_suffix(".tmp")
        tmp_file.write_text(json.dumps(payload), encoding="utf-8")
        tmp_file.replace(hook_file)  # atomic: the middleware never reads half a file

    def read_unconsumed_hook_content(self) -> str | None:
        """Called by the orchestrator after a turn: a payload no tool call consumed."""
        hook_file = self.get_hook_dir() / HOOK_FILE
        try:
            data = json.loads(hook_file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (json.JSONDecodeError, OSError):
            hook_file.unlink(missing_ok=True)
            return None
        hook_file.unlink(missing_ok=True)
        if time.time() > float(data.get("expires_at") or "inf"):
            return None  # expired: dropped, as the middleware drops it
        return (data.get("inject") or {}).get("content")

    def clear_hook_files(self) -> None:
        """Called when a turn starts: payloads of an earlier turn are stale."""
        for name in (HOOK_FILE, HOOK_FILE.replace(".json", ".tmp")):
            (self.get_hook_dir() / name).unlink(missing_ok=True)

    # --8<-- [end:hooks]

    # --8<-- [start:stateful]
    def is_stateful(self) -> bool:
        return True

    async def clear_history(self) -> None:
        """Start a fresh CLI session next turn; keep the workspace config."""
        self.session_id = None
        self.task_prompt = None  # a cleared history is not retried

    async def reset_state(self) -> None:
        """Forget the session and remove the workspace config this backend wrote."""
        self.session_id = None
        self.task_prompt = None
        (self.state_dir / "config.json").unlink(missing_ok=True)
        self.clear_hook_files()
        self._clear_streaming_buffer()

    # --8<-- [end:stateful]

    # --8<-- [start:prompt]
    @staticmethod
    def _text_of(content: Any) -> str:
        if isinstance(content, list):
            return "".join(
                part.get("text", "") for part in content if isinstance(part, dict)
            )
        return str(content or "")

    def _prompt_from(self, messages: list[dict[str, Any]]) -> str:
        """A stateful CLI holds the history itself: send only the newest user or
        tool message.

        MassGen sends the task once, with the system message, on a round's first
        attempt; a retry brings only the orchestrator's enforcement message. When
        there is no session to resume (the first turn failed), the retry starts a
        fresh session, so the task goes in front of the retry message again."""
        newest = ""
        for message in reversed(messages):
            if message.get("role") == "user":
                newest = self._text_of(message.get("content"))
                break
            if message.get("role") == "tool":
                newest = "[tool result] " + self._text_of(message.get("content"))
                break
        if any(m.get("role") == "system" for m in messages):
            self.task_prompt = newest
        elif (
            self.session_id is None
            and self.task_prompt
            and newest
            and newest != self.task_prompt
        ):
            return f"{self.task_prompt}\n\n{newest}"
        return newest

    def _write_workspace_config(
        self, messages: list[dict[str, Any]], tools: list[dict[str, Any]]
    ) -> None:
        """The CLI takes one prompt; the rest travels in a config file it reads: the
        system message, the MCP servers and the denied native tools. A turn without
        a system message keeps the instructions of the last one."""
        # ADAPT: how your CLI reads its instructions, MCP servers and denied tools
        config_file = self.state_dir / "config.json"
        previous = json.loads(config_file.read_text()) if config_file.exists() else {}
        system = next((m for m in messages if m.get("role") == "system"), None)
        if system is not None:
            instructions = self._text_of(system.get("content"))
        else:
            instructions = previous.get("instructions", "")
        # The MCP route for the workflow tools: a stdio server entry (None when
        # `tools` holds none of them).
        workflow_server = build_workflow_mcp_server_config(
            tools or [], str(self.state_dir)
        )
        if workflow_server is not None:
            instructions += build_workflow_mcp_instructions(
                tools, mcp_prefix=f"{WORKFLOW_SERVER}/"
            )
        names = [
            t["function"]["name"]
            for t in tools or []
            if t.get("function", {}).get("name")
        ]
        servers = [workflow_server] if workflow_server else []
        config = {
            "instructions": instructions,
            "model": self.model,
            "tools": names,
            "mcp_servers": servers + self._massgen_servers(),
            "denied_tools": self.get_disallowed_tools(self.config),
        }
        config_file.write_text(json.dumps(config))

    # --8<-- [end:prompt]

    # --8<-- [start:servers]
    def _massgen_servers(self) -> list[dict[str, Any]]:
        """MassGen's MCP servers for the CLI: the ones LLMBackend put into
        self.config for the workspace (filesystem, workspace_tools, command_line),
        and MassGen's custom-tools server, started with the hook folder."""
        configured = self.config.get("mcp_servers") or []
        if isinstance(configured, dict):  # the {name: entry} form of a YAML config
            configured = [{**v, "name": k} for k, v in configured.items()]
        servers = [s for s in configured if s.get("type") != "sdk"]
        # The custom-tools server carries MassGen's background-job tools (Codex
        # attaches it the same way); its middleware delivers the hook payloads.
        specs = write_tool_specs([], self.state_dir / "custom_tool_specs.json")
        workspace = [str(self.workspace)] if self.workspace else None
        custom_tools = build_server_config(
            tool_specs_path=specs,
            allowed_paths=workspace,
            backend_type=CAPABILITIES.backend_type,
            model=self.model,
            hook_dir=self.get_hook_dir(),
        )
        return [*servers, custom_tools]

    # --8<-- [end:servers]

    # --8<-- [start:stream]
    async def stream_with_tools(
        self,
        messages: list[dict[str, Any]],
        tools: list[dict[str, Any]],
        **kwargs: Any,
    ) -> AsyncGenerator[StreamChunk]:
        agent_id = kwargs.get("agent_id")
        self._clear_streaming_buffer(**kwargs)
        prompt = self._prompt_from(messages)
        if not prompt:
            yield StreamChunk(type="error", error="no user message to send to the CLI")
            return
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.clear_hook_files()  # as Codex does: a payload left from a past turn
        self._write_workspace_config(messages, tools)
        self.start_api_call_timing(self.model)
        previous_session = self.session_id
        try:
            async for chunk in self._run_turn(prompt):
                yield chunk
        except CliTurnError as exc:
            # a failed turn never becomes the session to resume
            self.session_id = previous_session
            self.end_api_call_timing(success=False, error=str(exc))
            yield StreamChunk(type="error", error=str(exc))
        finally:
            self._finalize_streaming_buffer(agent_id=agent_id)

    # --8<-- [end:stream]

    # --8<-- [start:command]
    def _build_command(self) -> list[str]:
        # ADAPT: your CLI's flags: state folder, model, workspace, resume
        cmd = [*self.command, "--state-dir", str(self.state_dir), "--model", self.model]
        if self.workspace:
            cmd += ["--workspace", str(self.workspace)]
        if self.session_id:
            cmd += ["--resume", self.session_id]
        if self.scenario:
            cmd += ["--scenario", self.scenario]
        if self.fault:
            cmd += ["--fault", self.fault]
        # ADAPT: how your CLI takes the prompt (stdin here)
        return [*cmd, "-"]  # the prompt goes through stdin: no quoting or length limits

    # --8<-- [end:command]

    # --8<-- [start:run]
    async def _run_turn(self, prompt: str) -> AsyncGenerator[StreamChunk]:
        try:
            proc = await asyncio.create_subprocess_exec(
                *self._build_command(),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                cwd=self.workspace,  # None: the current directory
            )
        except OSError as exc:
            raise CliTurnError(f"could not start the CLI: {exc}") from exc
        proc.stdin.write(prompt.encode())
        await proc.stdin.drain()
        proc.stdin.close()
        # stderr is drained alongside so it never blocks
        stderr_task = asyncio.create_task(proc.stderr.read())
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.turn_timeout
        usage: dict[str, int] | None = None
        try:
            while True:
                wait = min(self.idle_timeout, deadline - loop.time())
                try:
                    line = await asyncio.wait_for(
                        proc.stdout.readline(), timeout=max(wait, 0)
                    )
                except TimeoutError:
                    raise CliTurnError(
                        f"the CLI sent nothing for {wait:.1f}s; stopped it"
                    ) from None
                if not line:
                    break  # end of output
                for chunk in self._chunks_from_line(line.decode().strip()):
                    if chunk.type == "done":
                        # held back until the process has exited cleanly
                        usage = chunk.usage
                    else:
                        yield chunk
            try:
                returncode = await asyncio.wait_for(
                    proc.wait(), timeout=self.idle_timeout
                )
            except TimeoutError:
                raise CliTurnError(
                    "the CLI closed its output but did not exit; stopped it"
                ) from None
            stderr = (await stderr_task).decode().strip()
            if returncode != 0:
                raise CliTurnError(
                    f"the CLI exited with code {returncode}: {stderr or 'no message'}"
                )
            if usage is None:
                raise CliTurnError("the CLI ended without a turn.completed event")
        finally:
            # timed out, failed or the consumer stopped early
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
            stderr_task.cancel()
        self._record_usage(usage)
        self.end_api_call_timing(success=True)
        yield StreamChunk(type="done", usage=usage)

    # --8<-- [end:run]

    # --8<-- [start:usage]
    def _record_usage(self, usage: dict[str, int]) -> None:
        """The turn's tokens, and its cost when MassGen has a price for the model, with
        no price download: MassGen's lookup would try LiteLLM's map on GitHub first."""
        prices = TokenCostCalculator.PROVIDER_PRICING.get(self.get_provider_name(), {})
        price = prices.get(self.model)
        cost = 0.0
        if price is not None:
            cost = (
                usage["prompt_tokens"] * price.input_cost_per_1k
                + usage["completion_tokens"] * price.output_cost_per_1k
            ) / 1000
        if cost <= 0:  # a flat subscription, or no per-token price: the tokens alone
            self.token_usage.input_tokens += usage["prompt_tokens"]
            self.token_usage.output_tokens += usage["completion_tokens"]
            return
        # a cost above zero is taken as billed: no LiteLLM step runs
        self._update_token_usage_from_api_response({**usage, "cost": cost}, self.model)

    # --8<-- [end:usage]

    # --8<-- [start:parse]
    def _chunks_from_line(self, line: str) -> list[StreamChunk]:
        if not line:
            return []
        if not line.startswith("{"):
            return []  # a plain diagnostic line, not part of the protocol
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            raise CliTurnError(f"malformed JSON from the CLI: {line[:80]}") from None
        # ADAPT: your CLI's event names and the fields each carries
        kind = event.get("type", "")
        item = event.get("item") or {}
        # ADAPT: the event that carries your CLI's session id
        if kind == "thread.started":
            self.session_id = event["thread_id"]
            return [
                StreamChunk(
                    type="agent_status",
                    status="session_started",
                    detail=self.session_id,
                )
            ]
        if kind == "item.delta" and item.get("type") == "agent_message":
            self.record_first_token()
            self._append_to_streaming_buffer(item["delta"])
            return [StreamChunk(type="content", content=item["delta"])]
        if kind == "item.completed" and item.get("type") == "reasoning":
            self._append_reasoning_to_buffer(item["text"])
            return [
                StreamChunk(
                    type="reasoning",
                    reasoning_delta=item["text"],
                    item_id=item.get("id"),
                ),
                StreamChunk(
                    type="reasoning_done",
                    reasoning_text=item["text"],
                    item_id=item.get("id"),
                ),
            ]
        # ADAPT: how your CLI reports an MCP tool call (server, result)
        if (
            kind == "item.completed"
            and item.get("type") == "mcp_tool_call"
            and item.get("server") == WORKFLOW_SERVER
        ):
            # The CLI reports server and tool separately: match the server, then
            # read the echoed call back.
            try:
                call = extract_workflow_tool_call(
                    json.loads(item.get("result") or "{}")
                )
            except json.JSONDecodeError:
                call = None
            if call is None:
                raise CliTurnError(
                    f"unreadable workflow tool result: {str(item.get('result'))[:80]}"
                )
            self._append_tool_call_to_buffer([call])
            return [StreamChunk(type="tool_calls", tool_calls=[call])]
        if kind == "item.completed" and item.get("type") == "function_call":
            call = {
                "id": item["id"],
                "type": "function",
                "function": {"name": item["name"], "arguments": item["arguments"]},
            }
            self._append_tool_call_to_buffer([call])
            return [StreamChunk(type="tool_calls", tool_calls=[call])]
        # ADAPT: the event that ends a turn and the names of its usage fields
        if kind == "turn.completed":
            u = event.get("usage", {})
            usage = {
                "prompt_tokens": u.get("input_tokens", 0),
                "completion_tokens": u.get("output_tokens", 0),
                "total_tokens": u.get("total_tokens", 0),
            }
            return [StreamChunk(type="done", usage=usage)]
        if kind == "turn.failed":
            raise CliTurnError(
                "the CLI reported: "
                + event.get("error", {}).get("message", "unknown error")
            )
        # turn.started, item.completed for text already streamed, unknown events
        return []

    # --8<-- [end:parse]
