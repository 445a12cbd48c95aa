"""A small fake coding-agent CLI that prints JSONL events, for the stateful CLI
wrapper example.

It stands in for a real agent CLI (MassGen's `codex` backend drives `codex exec
--json`). The event names follow the same shape: a `thread.started` event carrying the
session id, `item.*` events wrapping a nested `item` with its own `type`, and a closing
`turn.completed` carrying usage or a `turn.failed` carrying an error. The details (text
deltas, the flags, the state files) are our own.

Usage (always through the current interpreter):

    python snippets/fake_cli.py --state-dir DIR [--workspace DIR]
        [--resume SESSION_ID] [--scenario text|reasoning|tool|file|hook]
        [--fault exit|malformed|hang|turn-failed|no-completion] [--model M] PROMPT

A PROMPT of "-" is read from stdin. The environment variables FAKE_CLI_SCENARIO and
FAKE_CLI_FAULT select a scenario or fault when the flag is not given. Exit codes: 0
after a completed turn, 2 for bad arguments, 3 for the `exit` and `turn-failed` faults
and for a turn that cannot do its work, 4 for an unknown session id.

Its one native tool, `shell`, runs a command in the workspace. When the config file
lists it under `denied_tools`, the CLI runs the command through the `execute_command`
tool of MassGen's `command_line` MCP server instead.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

SCENARIOS = ("text", "reasoning", "tool", "file", "hook")
ANSWER = "Four. (the fake CLI's answer)"
FAULTS = ("exit", "malformed", "hang", "turn-failed", "no-completion")


# --8<-- [start:events]
def emit(event: dict) -> None:
    """Print one event as one JSON line, flushed so the reader sees it while we work."""
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def text_deltas(text: str) -> list[str]:
    """Split a reply into word-sized deltas whose concatenation is the reply."""
    return re.findall(r"\S+\s*", text)


# --8<-- [end:events]


# --8<-- [start:state]
def new_session_id(state_dir: Path) -> str:
    """Session ids are sequential per state directory, so runs are reproducible."""
    counter = state_dir / "counter"
    n = int(counter.read_text()) + 1 if counter.exists() else 1
    counter.write_text(str(n))
    return f"sess-{n}"


def load_session(state_dir: Path, session_id: str) -> dict | None:
    path = state_dir / f"{session_id}.json"
    if not path.exists():
        return None
    return json.loads(path.read_text())


def save_session(state_dir: Path, session: dict) -> None:
    (state_dir / f"{session['id']}.json").write_text(json.dumps(session, indent=1))


def read_config(state_dir: Path) -> dict:
    """The workspace config file the wrapper writes: the instructions, the names of
    the tools we may call, the MCP servers and the denied native tools."""
    # ADAPT: the file your CLI reads its instructions and servers from
    config = state_dir / "config.json"
    return json.loads(config.read_text()) if config.exists() else {}


def read_instructions(state_dir: Path) -> str:
    return str(read_config(state_dir).get("instructions", ""))


# --8<-- [end:state]


# --8<-- [start:mcp]
async def call_mcp_tool(server: dict, pick) -> tuple[str, dict, str]:
    """As a real MCP client (the `mcp` package): start the server from its config
    entry, list its tools, let `pick(schemas)` choose a call, make it, and return
    the tool name, the arguments and the result's text."""
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    # The entry names a program (MassGen's is `fastmcp`); look beside this
    # interpreter when it is not on PATH.
    command = shutil.which(server["command"]) or str(
        Path(sys.executable).parent / server["command"]
    )
    params = StdioServerParameters(
        command=command,
        args=server["args"],
        env={**os.environ, **server.get("env", {})},
        cwd=server.get("cwd"),
    )
    async with stdio_client(params, errlog=open(os.devnull, "w")) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            listed = (await session.list_tools()).tools
            name, arguments = pick({t.name: t.inputSchema for t in listed})
            result = await session.call_tool(name, arguments)
    text = "".join(part.text for part in result.content if part.type == "text")
    return name, arguments, text


def workflow_call(prompt: str):
    """Vote for the lowest-numbered agent whose answer the prompt shows (MassGen
    labels each answer <agentN.M>; a vote for an agent not shown is refused), else
    answer."""

    def pick(schemas: dict) -> tuple[str, dict]:
        shown = re.findall(r"<agent(\d+)\.\d+>", prompt)
        if "vote" in schemas and shown:
            reason = "the fake CLI votes for the first answer shown"
            agent_id = f"agent{min(shown, key=int)}"
            return "vote", {"agent_id": agent_id, "reason": reason}
        return "new_answer", {"content": ANSWER}

    return pick


def list_jobs(schemas: dict) -> tuple[str, dict]:
    """Pick the custom-tools server's tool that lists background jobs."""
    return next(n for n in schemas if n.endswith("list_background_tools")), {}


def find_server(config: dict, name: str) -> dict | None:
    servers = config.get("mcp_servers", [])
    return next((s for s in servers if s.get("name") == name), None)


# --8<-- [end:mcp]


# --8<-- [start:shell]
def run_shell(command: str, workspace: Path, config: dict) -> dict:
    """Run a command with the native `shell` tool, or, when the wrapper denied it,
    through `execute_command` on MassGen's `command_line` MCP server. Returns the
    record of the call; raises RuntimeError when neither route is open."""
    if "shell" not in config.get("denied_tools", []):
        done = subprocess.run(["sh", "-c", command], cwd=workspace, timeout=60)
        return {"type": "command_execution", "tool": "shell", "exit": done.returncode}
    server = find_server(config, "command_line")
    if server is None:
        raise RuntimeError("shell is denied and no MCP server offers execute_command")
    arguments = {"command": command, "work_dir": str(workspace)}
    _, _, text = asyncio.run(
        call_mcp_tool(server, lambda schemas: ("execute_command", arguments))
    )
    return {
        "type": "mcp_tool_call",
        "server": server["name"],
        "tool": "execute_command",
        "result": text,
    }


# --8<-- [end:shell]


def count_tokens(text: str) -> int:
    return len(text.split())


def run(args: argparse.Namespace) -> int:
    state_dir = Path(args.state_dir)
    if not state_dir.is_dir():
        print(f"fake-cli: state directory {state_dir} does not exist", file=sys.stderr)
        return 2
    prompt = sys.stdin.read().strip() if args.prompt == "-" else args.prompt
    scenario = args.scenario or os.environ.get("FAKE_CLI_SCENARIO", "text")
    fault = args.fault or os.environ.get("FAKE_CLI_FAULT", "")
    if scenario not in SCENARIOS or (fault and fault not in FAULTS):
        print(
            f"fake-cli: unknown scenario {scenario!r} or fault {fault!r}",
            file=sys.stderr,
        )
        return 2

    # --8<-- [start:resume]
    if args.resume:
        session = load_session(state_dir, args.resume)
        if session is None:
            print(
                f"fake-cli: no session {args.resume!r} in {state_dir}", file=sys.stderr
            )
            return 4
    else:
        session = {"id": new_session_id(state_dir), "turns": []}
    # ADAPT: your CLI's session event and how it resumes a session
    emit({"type": "thread.started", "thread_id": session["id"]})
    emit({"type": "turn.started"})
    # --8<-- [end:resume]

    # --8<-- [start:faults]
    if fault == "exit":
        print("fake-cli: authentication failed (injected)", file=sys.stderr)
        return 3
    if fault == "malformed":
        sys.stdout.write('{"type": "item.delta", "item": {"type": "agent_mess\n')
        sys.stdout.flush()
        return 0
    if fault == "hang":
        emit(
            {
                "type": "item.delta",
                "item": {"id": "msg_0", "type": "agent_message", "delta": "Thinking "},
            }
        )
        time.sleep(3600)
        return 0
    if fault == "turn-failed":
        emit(
            {"type": "turn.failed", "error": {"message": "model overloaded (injected)"}}
        )
        return 3
    # --8<-- [end:faults]

    # --8<-- [start:turn]
    turn_number = len(session["turns"]) + 1
    instructions = read_instructions(state_dir)
    output_text = ""
    if scenario == "reasoning":
        thought = f"The user wrote {count_tokens(prompt)} words."
        emit(
            {
                "type": "item.completed",
                "item": {"id": "rs_0", "type": "reasoning", "text": thought},
            }
        )
        output_text += thought + " "
    config = read_config(state_dir)
    name = None  # the tool the wrapper must run, if any
    calls: list[dict] = []  # the tools this CLI ran itself this turn
    workspace = Path(args.workspace) if args.workspace else None
    workflow = find_server(config, "massgen_workflow_tools")
    workflow_done = None
    if scenario == "tool" and workflow is not None:
        # Start the workflow call now, in a thread beside the work below: a server
        # takes seconds to start. It only echoes the call back; the wrapper acts on
        # our events, and its event comes after those of the work.
        import mcp.client.stdio  # noqa: F401  (imported once, before the thread)

        pool = ThreadPoolExecutor(max_workers=1)
        pick = workflow_call(prompt)
        workflow_done = pool.submit(asyncio.run, call_mcp_tool(workflow, pick))
    try:
        if workspace is not None and (
            scenario == "file"
            or (scenario == "tool" and "no answers available yet" in prompt)
        ):
            # Work in the workspace: save the answer with the shell tool.
            command = f"printf %s {shlex.quote(ANSWER)} > answer.txt"
            calls.append(run_shell(command, workspace, config))
        if scenario == "hook":
            # Call a tool of MassGen's custom-tools server; its hook middleware
            # appends any pending payload to the result.
            server = find_server(config, "massgen_custom_tools")
            if server is None:
                raise RuntimeError("no massgen_custom_tools server in the config")
            tool, _, text = asyncio.run(call_mcp_tool(server, list_jobs))
            calls.append(
                {
                    "type": "mcp_tool_call",
                    "server": server["name"],
                    "tool": tool,
                    "result": text,
                }
            )
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        emit({"type": "turn.failed", "error": {"message": str(exc)}})
        return 3
    for i, call in enumerate(calls):
        emit({"type": "item.completed", "item": {"id": f"cmd_{i}", **call}})
    if workflow_done is not None:
        # A workflow tool offered over MCP: report server, tool and result apart.
        name, arguments, result = workflow_done.result()
        emit(
            {
                "type": "item.completed",
                "item": {
                    "id": f"mcp_{turn_number}",
                    "type": "mcp_tool_call",
                    "server": workflow["name"],
                    "tool": name,
                    "arguments": arguments,
                    "result": result,
                },
            }
        )
        reply = ""
    elif scenario == "tool" and not prompt.startswith("[tool result]"):
        # Otherwise call the first tool the wrapper named, or get_weather.
        name = (config.get("tools") or ["get_weather"])[0]
        city = prompt.split()[-1].strip("?.!") if prompt.split() else "Paris"
        arguments = (
            {"city": city}
            if name == "get_weather"
            else {"content": f"The answer to: {prompt}"}
        )
        emit(
            {
                "type": "item.completed",
                "item": {
                    "id": f"call_{turn_number}",
                    "type": "function_call",
                    "name": name,
                    "arguments": json.dumps(arguments),
                },
            }
        )
        reply = ""
    else:
        prefix = "[instructed] " if instructions else ""
        said = calls[-1]["result"] if scenario == "hook" else prompt
        reply = f"{prefix}Turn {turn_number}: {said}"
        # ADAPT: the events your CLI streams text with
        for delta in text_deltas(reply):
            emit(
                {
                    "type": "item.delta",
                    "item": {"id": "msg_0", "type": "agent_message", "delta": delta},
                }
            )
        emit(
            {
                "type": "item.completed",
                "item": {"id": "msg_0", "type": "agent_message", "text": reply},
            }
        )
    output_text += reply
    record = {"prompt": prompt, "reply": reply}
    if name:
        record["tool"] = name
    if calls:
        record["calls"] = calls
    session["turns"].append(record)
    save_session(state_dir, session)

    if fault == "no-completion":
        return 0
    history = " ".join(t["prompt"] + " " + t["reply"] for t in session["turns"][:-1])
    input_tokens = (
        count_tokens(instructions) + count_tokens(history) + count_tokens(prompt)
    )
    output_tokens = count_tokens(output_text)
    # ADAPT: your CLI's last event of a turn and its usage fields
    emit(
        {
            "type": "turn.completed",
            "usage": {
                "input_tokens": input_tokens,
                "output_tokens": output_tokens,
                "total_tokens": input_tokens + output_tokens,
            },
        }
    )
    return 0
    # --8<-- [end:turn]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="fake-cli", description="Fake agent CLI printing JSONL events."
    )
    # ADAPT: your CLI's flags (the ones the backend passes)
    parser.add_argument(
        "--state-dir", required=True, help="directory holding session files"
    )
    parser.add_argument(
        "--resume", metavar="SESSION_ID", help="continue an earlier session"
    )
    parser.add_argument("--workspace", help="the directory the CLI works in")
    parser.add_argument("--scenario", choices=SCENARIOS)
    parser.add_argument("--fault", choices=FAULTS)
    parser.add_argument("--model", default="fake-model-1")
    parser.add_argument("prompt", help='the prompt, or "-" to read it from stdin')
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
