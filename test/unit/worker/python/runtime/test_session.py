"""A run's outcome as the session reports it: returned, threw (memory or not), interrupted; and
the background tasks a cell leaves are cancelled when its run ends. Pyodide's eval_code_async is
replaced by a small stand-in that runs the cell the same way in CPython."""

import ast
import asyncio
import errno
import json
import sys
import types
import unittest


async def eval_code_async(code, namespace, filename):
    """Pyodide's notebook-style evaluation, in short: top-level await, last expression's value."""
    tree = ast.parse(code, filename)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
    body = compile(tree, filename, "exec", flags=flags)
    result = eval(body, namespace)
    if asyncio.iscoroutine(result):
        await result
    if last is None:
        return None
    value = eval(compile(ast.Expression(last.value), filename, "eval", flags=flags), namespace)
    return await value if asyncio.iscoroutine(value) else value


sys.modules.setdefault("pyodide", types.ModuleType("pyodide"))
sys.modules["pyodide.code"] = types.SimpleNamespace(eval_code_async=eval_code_async)

from _ai_sandbox.session import Session  # noqa: E402


def run(code, max_value_bytes=1 << 20):
    async def go():
        return json.loads(await Session().run(code, max_value_bytes))

    return asyncio.run(go())


class SessionTest(unittest.TestCase):
    def test_the_last_expression_is_the_value(self):
        out = run("xs = [1, 2]\nawait asyncio.sleep(0) if False else None\nsum(xs)")
        self.assertEqual((out["kind"], out["valueJson"]), ("returned", "3"))

    def test_errors_memory_and_interrupts_are_told_apart(self):
        self.assertEqual(run("1 / 0")["kind"], "threw")
        self.assertNotIn("memory", run("1 / 0"))
        self.assertTrue(run("raise MemoryError()")["memory"])
        self.assertTrue(run(f"raise OSError({errno.ENOSPC}, 'No space left on device')")["memory"])
        interrupted = run("raise KeyboardInterrupt()")
        self.assertEqual((interrupted["kind"], interrupted["error"]["name"]), ("interrupted", "KeyboardInterrupt"))

    def test_exit_zero_is_a_return_and_other_exits_an_error(self):
        self.assertEqual(run("raise SystemExit(0)"), {"kind": "returned"})
        self.assertEqual(run("raise SystemExit(3)")["kind"], "threw")

    def test_tasks_a_cell_leaves_running_are_cancelled_when_it_ends(self):
        async def go():
            session = Session()
            await session.run("import asyncio\nasync def spin():\n    while True:\n        await asyncio.sleep(0)\ntask = asyncio.ensure_future(spin())", 1000)
            await asyncio.sleep(0)
            return session.namespace["task"].cancelled()

        self.assertTrue(asyncio.run(go()))
