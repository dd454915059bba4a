"""tools.<name>(args): JSON in and out, errors as ToolError, unknown names refused."""

import asyncio
import json
import unittest

from _ai_sandbox.tools import ToolError, Tools


class ToolsTest(unittest.TestCase):
    def test_calls_cross_as_json(self):
        seen = []

        async def call(name, payload):
            seen.append((name, json.loads(payload)))
            return json.dumps({"rows": 3})

        tools = Tools(["search"], call)
        self.assertEqual(asyncio.run(tools.search({"q": "x"})), {"rows": 3})
        self.assertEqual(asyncio.run(tools.search(q="y")), {"rows": 3})
        self.assertEqual(seen, [("search", {"q": "x"}), ("search", {"q": "y"})])

    def test_a_failing_call_is_a_tool_error_with_the_hosts_message(self):
        async def call(name, payload):
            raise RuntimeError("Error: more than 10 tool calls in one run")

        with self.assertRaises(ToolError) as raised:
            asyncio.run(Tools(["search"], call).search())
        self.assertEqual(str(raised.exception), "tool 'search' failed: more than 10 tool calls in one run")

    def test_unknown_and_private_names_are_refused(self):
        tools = Tools(["search"], None)
        for name in ["fetch", "_private"]:
            with self.assertRaises(AttributeError):
                getattr(tools, name)
        self.assertEqual(dir(tools), ["search"])
