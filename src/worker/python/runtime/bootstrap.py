"""Run once in a fresh interpreter, after the worker wrote the sandbox's modules to /lib/ai_sandbox.
Its value is start(import_hints_json), which the worker calls to get the session."""

import json
import random
import sys

# First on the path: no module a guest installs (a wheel's top-level `_ai_sandbox`, say) can
# shadow the sandbox's own.
sys.path.insert(0, "/lib/ai_sandbox")

import _ai_sandbox  # noqa: E402
from _ai_sandbox import recursion  # noqa: E402

recursion.install()


def start(import_hints_json):
    # Import name -> package of the Pyodide distribution, for the hint when such an import fails.
    _ai_sandbox.errors.IMPORT_HINTS.update(json.loads(import_hints_json))
    # An interpreter restored from a snapshot would otherwise repeat the snapshot's random state.
    random.seed()
    return _ai_sandbox.session


start
