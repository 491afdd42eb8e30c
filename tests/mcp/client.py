"""An MCP client we did not write (the official `mcp` package) driving `autokaggle mcp` end to end.

    python client.py AUTOKAGGLE_BIN COMPETITION_DIR OUT_DIR EXAMPLES_JSON

Lists the tools, calls every one (the toolkit's with their registry examples), runs the competition
with progress, predicts with its model, then starts a second run and cancels it mid-way. Prints one
JSON report on stdout for the Rust test to check.
"""

import json
import sys

import anyio
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


def text(result):
    return "".join(getattr(c, "text", "") for c in result.content)


async def main(binary, competition, out, examples_path):
    examples = json.load(open(examples_path))
    params = StdioServerParameters(command=binary, args=["mcp", "--out", out])
    report = {"calls": {}}
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            tools = (await session.list_tools()).tools
            report["tools"] = [t.name for t in tools]
            report["object_schemas"] = all(t.input_schema.get("type") == "object" for t in tools)

            async def call(name, args, **kw):
                r = await session.call_tool(name, args, **kw)
                report["calls"][name] = {"error": bool(r.is_error), "text": text(r)}
                return r

            await call("inspect", {"competition": competition, "profile": True})
            progress = []

            async def on_progress(done, total, message):
                progress.append(message or "")

            r = await call("run", {"competition": competition, "time_budget": 5, "seed": 3},
                           progress_callback=on_progress)
            report["progress_lines"] = len(progress)
            run_dir = text(r).splitlines()[0].removeprefix("run directory: ").strip()
            report["run_dir"] = run_dir
            await call("status", {"run_dir": run_dir})
            await call("report", {"run_dir": run_dir})
            await call("predict", {"run_dir": run_dir, "input": f"{competition}/test.csv",
                                   "output": f"{out}/predictions.csv"})
            steps = [{"tool": "fill_missing", "args": {}}, {"tool": "one_hot", "args": {"columns": ["cat"]}}]
            await call("apply", {"competition": competition, "program": steps})
            for name, args in examples.items():
                await call(name, dict(args, competition=competition, out=f"{out}/applied/{name}"))

            # A second run, cancelled once it has started its second phase.
            started = anyio.Event()
            second = {"dir": None, "lines": []}

            async def watch(done, total, message):
                message = message or ""
                second["lines"].append(message)
                if message.startswith("run directory: "):
                    second["dir"] = message.removeprefix("run directory: ").strip()
                if "[2/6]" in message:
                    started.set()

            async def long_run(scope):
                with scope:
                    await session.call_tool("run", {"competition": competition, "time_budget": 120,
                                                    "seed": 4}, progress_callback=watch)
                    report["second_run_finished"] = True

            scope = anyio.CancelScope()
            async with anyio.create_task_group() as tg:
                tg.start_soon(long_run, scope)
                with anyio.fail_after(120):
                    await started.wait()
                scope.cancel()
            state = None
            with anyio.fail_after(120):
                while state != "stopped":
                    r = await session.call_tool("status", {"run_dir": second["dir"]})
                    state = json.loads(text(r))["state"]
                    if state == "finished":
                        break
                    await anyio.sleep(0.5)
            report["cancelled_state"] = state
            report["cancelled_status"] = json.loads(text(r))
            # The server still answers after a cancellation.
            r = await session.call_tool("status", {"run_dir": run_dir})
            report["after_cancel_state"] = json.loads(text(r))["state"]
    print(json.dumps(report))


if __name__ == "__main__":
    anyio.run(main, *sys.argv[1:5])
