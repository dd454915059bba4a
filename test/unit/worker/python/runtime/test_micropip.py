"""micropip for guest code: requirements cross as JSON, refusals are InstallErrors, other sources refused."""

import asyncio
import json
import sys
import unittest

from _ai_sandbox import micropip as shim


class MicropipTest(unittest.TestCase):
    def setUp(self):
        self.before = sys.modules.get("micropip")

    def tearDown(self):
        if self.before is None:
            sys.modules.pop("micropip", None)
        else:
            sys.modules["micropip"] = self.before

    def test_import_micropip_gives_the_module_and_install_asks_the_host(self):
        seen = []

        async def call(payload):
            seen.append(json.loads(payload))
            return json.dumps(["tabulate==0.9.0"])

        shim.register(call)
        import micropip

        self.assertIsNone(asyncio.run(micropip.install("tabulate")))
        asyncio.run(micropip.install(["a>=1", "b[x]"], keep_going=True, deps=True))
        self.assertEqual(seen, [{"requirements": ["tabulate"]}, {"requirements": ["a>=1", "b[x]"]}])
        self.assertIsInstance(micropip.list(), dict)

    def test_a_refusal_is_an_install_error_with_the_hosts_message(self):
        async def call(payload):
            raise RuntimeError("Error: nope is not on the package index https://pypi.org/pypi/ (HTTP 404)")

        module = shim.register(call)
        with self.assertRaises(ValueError) as raised:
            asyncio.run(module.install("nope"))
        self.assertIsInstance(raised.exception, module.InstallError)
        self.assertEqual(str(raised.exception), "micropip.install: nope is not on the package index https://pypi.org/pypi/ (HTTP 404)")

    def test_other_sources_are_refused_before_asking(self):
        async def call(payload):
            raise AssertionError("the host was asked")

        module = shim.register(call)
        for kwargs in [{"index_urls": ["https://example.com/simple"]}, {"credentials": "use-credentials"}]:
            with self.assertRaises(module.InstallError):
                asyncio.run(module.install("x", **kwargs))
