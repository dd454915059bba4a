"""The sandbox's side of each Python run, loaded into the interpreter before any user code.

values: plain data within the caps; rich: display() and figures; errors: tracebacks of the user's
frames; tools: the host's tools; session: the guest's namespace and its runs.
"""

from . import errors
from .rich import display, flush_figures
from .session import Session, session

__all__ = ["Session", "display", "errors", "flush_figures", "session"]
