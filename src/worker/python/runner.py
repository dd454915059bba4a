"""The sandbox's side of each Python run, installed in the interpreter before any user code.

It evaluates a cell the way a notebook does (top-level await, the last expression is the value),
keeps the guest's globals in one namespace, and describes values and errors as plain JSON within
the caps. It reports what happened (returned, threw, interrupted); the host decides the status.

Guest code shares this interpreter and can replace anything here. That is expected: the frame and
the host check and cap whatever the worker reports, and reset() starts a fresh interpreter.
"""

import asyncio
import base64
import errno
import io
import json
import linecache
import math
import sys
import traceback

from pyodide.code import eval_code_async

USER_FILE = "main.py"
MAX_DEPTH = 64
MAX_STACK_LINES = 40
MAX_STACK_CHARS = 4000
MAX_MESSAGE_CHARS = 4000
SAFE_INT = 2**53


class _OverBudget(Exception):
    pass


class _Budget:
    def __init__(self, left):
        self.left = left

    def spend(self, n):
        self.left -= n
        if self.left < 0:
            raise _OverBudget()


def _plain(value, seen, budget, depth):
    """Plain JSON data for None, bool, int, float, str, list, tuple and str-keyed dict, deeply.

    Integers past JavaScript's safe range become decimal strings, so no digit is lost; a value
    without a plain form inside a container becomes its repr().
    """
    if value is None or isinstance(value, bool):
        budget.spend(5)
        return value
    if isinstance(value, int):
        budget.spend(24)
        return value if -SAFE_INT < value < SAFE_INT else str(value)
    if isinstance(value, float):
        budget.spend(24)
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        budget.spend(len(value) + 2)
        return value
    if depth >= MAX_DEPTH:
        raise _OverBudget()
    if isinstance(value, (list, tuple, dict)):
        if id(value) in seen:
            return "[Circular]"
        seen.add(id(value))
        try:
            budget.spend(2)
            if isinstance(value, dict):
                if all(isinstance(k, str) for k in value):
                    out = {}
                    for k, v in value.items():
                        budget.spend(len(k) + 4)
                        out[k] = _plain(v, seen, budget, depth + 1)
                    return out
            else:
                return [_plain(v, seen, budget, depth + 1) for v in value]
        finally:
            seen.discard(id(value))
    text = _safe_repr(value)
    budget.spend(len(text) + 2)
    return text


def _has_plain_form(value):
    if value is None or isinstance(value, (bool, int, float, str, list, tuple)):
        return True
    return isinstance(value, dict) and all(isinstance(k, str) for k in value)


def _safe_repr(value):
    try:
        return repr(value)
    except Exception as error:  # a broken __repr__ must not break the run's result (an interrupt must)
        return f"<{type(value).__name__} object (repr failed: {type(error).__name__})>"


def _cut(text, max_bytes):
    data = text.encode("utf-8", "surrogatepass")
    if len(data) <= max_bytes:
        return text, False
    return data[:max_bytes].decode("utf-8", "ignore"), True


def describe(value, max_bytes):
    """A value as the worker reports it: valueJson (plain data as JSON), text (repr), truncated."""
    out = {"kind": "returned"}
    if value is None:
        return out
    text, cut = _cut(_safe_repr(value), max_bytes)
    out["text"] = text
    if cut:
        out["truncated"] = True
    if _has_plain_form(value):
        try:
            plain = _plain(value, set(), _Budget(max_bytes), 0)
            encoded = json.dumps(plain, ensure_ascii=False, allow_nan=False)
            if len(encoded.encode("utf-8", "surrogatepass")) <= max_bytes:
                out["valueJson"] = encoded
            else:
                out["truncated"] = True
        except (_OverBudget, RecursionError, ValueError):
            out["truncated"] = True
    return out


# Rich output: IPython's _repr_*_ protocol, richest first. Binary data travels as base64.
_REPR_METHODS = [
    ("_repr_png_", "image/png", True),
    ("_repr_jpeg_", "image/jpeg", True),
    ("_repr_svg_", "image/svg+xml", False),
    ("_repr_html_", "text/html", False),
    ("_repr_markdown_", "text/markdown", False),
    ("_repr_latex_", "text/latex", False),
    ("_repr_json_", "application/json", False),
]


def rich_output(obj):
    """The richest representation obj offers through _repr_*_, or None."""
    for method, mime, binary in _REPR_METHODS:
        fn = getattr(type(obj), method, None)
        if not callable(fn):
            continue
        try:
            data = getattr(obj, method)()
        except Exception as error:  # a broken _repr_ falls back to the next one
            print(f"{type(obj).__name__}.{method} failed: {error!r}", file=sys.stderr)
            continue
        if isinstance(data, tuple):  # IPython allows (data, metadata)
            data = data[0]
        if data is None:
            continue
        if binary:
            if isinstance(data, str):
                data = data.encode("latin-1")
            data = base64.b64encode(bytes(data)).decode("ascii")
        elif mime == "application/json":
            data = json.dumps(data)
        else:
            data = str(data)
        return {"mime": mime, "data": data}
    return None


class _Outputs:
    """Rich outputs of the current run, within a byte budget."""

    def __init__(self):
        self.items = []
        self.left = 0
        self.cut = False

    def begin(self, max_bytes):
        self.items = []
        self.left = max_bytes
        self.cut = False

    def add(self, item):
        size = len(item["data"]) + len(item["mime"])
        if size > self.left:
            self.cut = True
            return
        self.left -= size
        self.items.append(item)


outputs = _Outputs()


def display(*objs):
    """Shows objects as rich outputs of the run (their richest _repr_*_, else repr())."""
    for obj in objs:
        outputs.add(rich_output(obj) or {"mime": "text/plain", "data": _safe_repr(obj)})


def flush_figures():
    """Turns open matplotlib figures into image/png outputs and closes them."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:
        return
    for number in pyplot.get_fignums():
        buffer = io.BytesIO()
        pyplot.figure(number).savefig(buffer, format="png", bbox_inches="tight")
        outputs.add({"mime": "image/png", "data": base64.b64encode(buffer.getvalue()).decode("ascii")})
    pyplot.close("all")


# matplotlib's backend while it is used in the sandbox (selected through MPLBACKEND): draws with Agg,
# and show() turns the figures into outputs. There is no DOM in the worker.
MPL_BACKEND_SOURCE = """
from matplotlib.backends.backend_agg import FigureCanvasAgg as FigureCanvas
from matplotlib.backend_bases import FigureManagerBase as FigureManager

def show(*args, **kwargs):
    import _ai_sandbox
    _ai_sandbox.flush_figures()
"""


def _user_frames(tb):
    """The traceback's frames from the user's code onward, without the sandbox's own."""
    frames = traceback.extract_tb(tb)
    for i, frame in enumerate(frames):
        if frame.filename == USER_FILE:
            return frames[i:]
    return [f for f in frames if "/_pyodide/" not in f.filename and "/pyodide/" not in f.filename]


# Import name -> package of the Pyodide distribution; set by the worker at start.
IMPORT_HINTS = {}


def _module_hint(error):
    """How to get a missing module that the distribution has."""
    top = (error.name or "").split(".")[0]
    package = IMPORT_HINTS.get(top)
    if package is None:
        return ""
    return (
        f". {package!r} is a package of the Pyodide distribution but is not installed: create the"
        f" sandbox with packages: [{package!r}] and a packageIndexUrl (a Pyodide distribution you"
        f" host), or call sandbox.installPackages([{package!r}])"
    )


def describe_error(error):
    """A RunError: class name, message, a traceback without Pyodide's frames, the user's line."""
    name = type(error).__name__
    message = str(error)
    if isinstance(error, ModuleNotFoundError):
        message += _module_hint(error)
    frames = _user_frames(error.__traceback__)
    line = None
    for frame in frames:
        if frame.filename == USER_FILE:
            line = frame.lineno
    if isinstance(error, SyntaxError) and error.filename == USER_FILE:
        line = error.lineno
        message = error.msg
    lines = traceback.format_list(frames)
    tail = traceback.format_exception_only(type(error), error)
    text_lines = (["Traceback (most recent call last):\n"] + lines if lines else []) + tail
    stack = "".join(text_lines).rstrip("\n")
    stack_lines = stack.split("\n")
    if len(stack_lines) > MAX_STACK_LINES:
        keep = MAX_STACK_LINES // 2
        skipped = len(stack_lines) - 2 * keep
        stack_lines = stack_lines[:keep] + [f"  ... {skipped} more lines"] + stack_lines[-keep:]
    stack = "\n".join(stack_lines)[:MAX_STACK_CHARS]
    result = {"name": name, "message": message[:MAX_MESSAGE_CHARS], "stack": stack}
    if line is not None:
        result["line"] = line
    return result


class ToolError(Exception):
    """A host tool failed; the message is the host's."""


class Tools:
    """`tools.<name>(args)`: the host's tools as async functions. Plain data crosses as JSON."""

    def __init__(self, names, call):
        self._names = list(names)
        self._call = call

    def __getattr__(self, name):
        if name.startswith("_") or name not in self._names:
            available = ", ".join(self._names) or "none"
            raise AttributeError(f"no tool named {name!r} (tools: {available})")

        async def tool(args=None, **kwargs):
            payload = json.dumps(kwargs if args is None else args)
            try:
                answer = await self._call(name, payload)
            except Exception as error:
                message = str(error)
                if message.startswith("Error: "):
                    message = message[len("Error: "):]
                raise ToolError(f"tool {name!r} failed: {message}") from None
            return json.loads(answer)

        tool.__name__ = name
        return tool

    def __dir__(self):
        return list(self._names)

    def __repr__(self):
        return f"<tools: {', '.join(self._names) or 'none'}>"


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
