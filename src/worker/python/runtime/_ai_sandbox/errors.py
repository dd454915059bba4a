"""Errors as the worker reports them: class name, message, a traceback of the user's frames only."""

import traceback

USER_FILE = "main.py"
MAX_STACK_LINES = 40
MAX_STACK_CHARS = 4000
MAX_MESSAGE_CHARS = 4000


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
