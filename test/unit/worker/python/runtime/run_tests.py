"""Runs the CPython tests of the sandbox's Python package and prints one JSON line per test, for
test/unit/worker/python/python-runtime.test.ts to turn into Vitest tests. The package itself runs in Pyodide;
its pure parts (values, errors, rich outputs, tools, the session's outcomes) run in CPython too."""

import json
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "..", "..", "src", "worker", "python", "runtime"))
sys.path.insert(0, HERE)


class JsonResult(unittest.TestResult):
    def __init__(self):
        super().__init__()
        self.rows = []

    def addSuccess(self, test):
        self.rows.append({"name": test.id(), "ok": True})

    def addFailure(self, test, err):
        self.rows.append({"name": test.id(), "ok": False, "detail": self._exc_info_to_string(err, test)})

    def addError(self, test, err):
        self.addFailure(test, err)

    def addSkip(self, test, reason):
        self.rows.append({"name": test.id(), "ok": False, "detail": f"skipped: {reason}"})


suite = unittest.defaultTestLoader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
result = JsonResult()
suite.run(result)
for row in result.rows:
    print(json.dumps(row))
