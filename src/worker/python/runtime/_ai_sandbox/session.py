"""One guest namespace in one interpreter, and each run in it, evaluated like a notebook cell.

It reports what happened (returned, threw, interrupted); the host decides the status. Guest code
shares this interpreter and can replace anything here. That is expected: the frame and the host
check and cap whatever the worker reports, and reset() starts a fresh interpreter.
"""

import asyncio
import errno
import json
import linecache
import sys

from .errors import USER_FILE, describe_error
from .rich import display, flush_figures, outputs, rich_output
from .tools import Tools
from .values import describe


def _is_memory_error(error):
    """MemoryError, or a write the memory limit refused (files count toward it)."""
    return isinstance(error, MemoryError) or (isinstance(error, OSError) and error.errno == errno.ENOSPC)


def _threw(error):
    out = {"kind": "threw", "error": describe_error(error)}
    if _is_memory_error(error):
        out["memory"] = True
    return out


class Session:
    """One guest namespace, in one interpreter. A reset starts a new interpreter (see the host)."""

    def __init__(self):
        self.task = None
        self.tools = Tools([], None)
        self.namespace = {"__name__": "__main__", "__builtins__": __builtins__, "display": display, "tools": self.tools}

    def configure_tools(self, names, call):
        """Called once by the worker with the tool names and a JS function that calls the host."""
        self.tools = Tools(names.to_py() if hasattr(names, "to_py") else names, call)
        self.namespace["tools"] = self.tools

    def configure_micropip(self, call):
        """Called once by the worker when the app lets code install packages: `import micropip` asks the host."""
        from . import micropip

        micropip.register(call)

    async def run(self, code, max_value_bytes):
        """Runs one cell; returns what happened as JSON (kind, value or error)."""
        try:
            return await self._run(code, max_value_bytes)
        except KeyboardInterrupt as error:
            # The frame's SIGINT can land after the cell ended, in the runner's own steps.
            return json.dumps({"kind": "interrupted", "error": describe_error(error)})

    async def _run(self, code, max_value_bytes):
        linecache.cache[USER_FILE] = (len(code), None, code.splitlines(True), USER_FILE)
        outputs.begin(max_value_bytes)
        sys.stdout.flush()
        # The task Pyodide drives this call in; cancel() cancels it at its current await. (Wrapping
        # the cell in a task of its own would not do: asyncio re-raises KeyboardInterrupt out of a
        # task's step, past this handler.)
        self.task = asyncio.current_task()
        from pyodide.code import eval_code_async  # Pyodide's; imported here so CPython can test the rest

        try:
            value = await eval_code_async(code, self.namespace, filename=USER_FILE)
        except (asyncio.CancelledError, KeyboardInterrupt) as error:
            return json.dumps({"kind": "interrupted", "error": describe_error(error)})
        except SystemExit as error:
            if error.code in (None, 0):
                return json.dumps({"kind": "returned"})
            return json.dumps(_threw(error))
        except BaseException as error:
            return json.dumps(_threw(error))
        finally:
            self.task = None
            _end_background_tasks()
            sys.stdout.flush()
            sys.stderr.flush()
        try:
            if value is not None:
                rich = rich_output(value)
                if rich is not None:
                    outputs.add(rich)
            flush_figures()
            described = describe(value, max_value_bytes)
        except KeyboardInterrupt as error:  # the time ran out in a __repr__ or _repr_*_ of the value
            return json.dumps({"kind": "interrupted", "error": describe_error(error)})
        except MemoryError as error:
            return json.dumps(_threw(error))
        if outputs.cut:
            described["truncated"] = True
        return json.dumps(described, ensure_ascii=False)

    def take_outputs(self):
        """The run's rich outputs as JSON; called once after every run, whatever its outcome."""
        items = outputs.items
        outputs.items = []
        return json.dumps(items)

    def cancel(self):
        """Stops a cell that is awaiting (the interrupt buffer only acts while Python runs)."""
        if self.task is not None and not self.task.done():
            self.task.cancel()


def _end_background_tasks():
    """Cancels the tasks a cell started and left running, so they do not outlive their run."""
    try:
        current = asyncio.current_task()
        tasks = asyncio.all_tasks()
    except RuntimeError:
        return
    for task in tasks:
        if task is not current and not task.done():
            task.cancel()


session = Session()
