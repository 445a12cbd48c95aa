"""A small fake coding-agent CLI that prints JSONL events, for the stateful CLI wrapper
example.

It stands in for a real agent CLI (MassGen's `codex` backend drives `codex exec
--json`). The event
names follow the same shape: a `thread.started` event carrying the session id, `item.*`
events
wrapping a nested `item` with its own `type`, and a closing `turn.completed` carrying
usage or a
`turn.failed` carrying an error. The details (text deltas, the flags, the state files)
are our own.

Usage (always through the current interpreter):

    python snippets/fake_cli.py --state-dir DIR [--resume SESSION_ID] [--scenario
    text|reasoning|tool]
                                [--fault exit|malformed|hang|turn-failed|no-completion]
                                [--model M] PROMPT

A PROMPT of "-" is read from stdin. The environment variables FAKE_CLI_SCENARIO and
FAKE_CLI_FAULT
select a scenario or fault when the flag is not given. Exit codes: 0 after a completed
turn,
2 for bad arguments, 3 for the `exit` and `turn-failed` faults, 4 for an unknown session
id.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

SCENARIOS = ("text", "reasoning", "tool")
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
    """The workspace config file the wrapper writes.

    It holds the instructions and the names of the tools we may call.
    """
    config = state_dir / "config.json"
    return json.loads(config.read_text()) if config.exists() else {}


def read_instructions(state_dir: Path) -> str:
    return str(read_config(state_dir).get("instructions", ""))


# --8<-- [end:state]


# --8<-- [start:mcp]
async def call_workflow_tool(server: dict, prompt: str) -> tuple[str, dict, str]:
    """As a real MCP client (the `mcp` package): start the server from the config, read
    its tools, vote for
    the first answer once the prompt shows answers, else submit a new answer."""
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    # The entry names a program (MassGen's is `fastmcp`); look beside this interpreter
    # when it is not on PATH.
    command = shutil.which(server["command"]) or str(
        Path(sys.executable).parent / server["command"]
    )
    params = StdioServerParameters(
        command=command,
        args=server["args"],
        env={**os.environ, **server.get("env", {})},
    )
    async with stdio_client(params, errlog=open(os.devnull, "w")) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            schemas = {
                t.name: t.inputSchema for t in (await session.list_tools()).tools
            }
            choices = schemas.get("vote", {}).get("properties", {}).get(
                "agent_id", {}
            ).get("enum") or ["agent1"]
            if (
                "vote" in schemas and "no answers available yet" not in prompt
            ):  # the prompt shows answers
                name, arguments = (
                    "vote",
                    {
                        "agent_id": choices[0],
                        "reason": "the fake CLI votes for the first answer",
                    },
                )
            else:
                name, arguments = (
                    "new_answer",
                    {"content": "Four. (the fake CLI's answer)"},
                )
            result = await session.call_tool(name, arguments)
    return (
        name,
        arguments,
        "".join(part.text for part in result.content if part.type == "text"),
    )


# --8<-- [end:mcp]


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
    name = None  # the tool called this turn, if any
    workflow = next(
        (
            s
            for s in config.get("mcp_servers", [])
            if s.get("name") == "massgen_workflow_tools"
        ),
        None,
    )
    if scenario == "tool" and workflow is not None:
        # A workflow tool offered over MCP: call it on the server and report server,
        # tool and result apart.
        name, arguments, result = asyncio.run(call_workflow_tool(workflow, prompt))
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
        reply = f"{prefix}Turn {turn_number}: {prompt}"
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
    session["turns"].append(
        {"prompt": prompt, "reply": reply, **({"tool": name} if name else {})}
    )
    save_session(state_dir, session)

    if fault == "no-completion":
        return 0
    history = " ".join(t["prompt"] + " " + t["reply"] for t in session["turns"][:-1])
    input_tokens = (
        count_tokens(instructions) + count_tokens(history) + count_tokens(prompt)
    )
    output_tokens = count_tokens(output_text)
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
    parser.add_argument(
        "--state-dir", required=True, help="directory holding session files"
    )
    parser.add_argument(
        "--resume", metavar="SESSION_ID", help="continue an earlier session"
    )
    parser.add_argument("--scenario", choices=SCENARIOS)
    parser.add_argument("--fault", choices=FAULTS)
    parser.add_argument("--model", default="fake-model-1")
    parser.add_argument("prompt", help='the prompt, or "-" to read it from stdin')
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
