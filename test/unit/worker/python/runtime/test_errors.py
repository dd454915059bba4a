"""Errors keep the class, the message, the user's frames and the user's line."""

import unittest

from _ai_sandbox import errors
from _ai_sandbox.errors import USER_FILE, describe_error


def raised(code):
    try:
        exec(compile(code, USER_FILE, "exec"), {})
    except BaseException as error:  # noqa: BLE001 - the test wants whatever the code raised
        return describe_error(error)
    raise AssertionError("the code raised nothing")


class ErrorsTest(unittest.TestCase):
    def test_class_message_line_and_user_frames(self):
        error = raised('def parse(s):\n    return int(s)\n\nparse("x1")')
        self.assertEqual(error["name"], "ValueError")
        self.assertIn("invalid literal for int()", error["message"])
        self.assertEqual(error["line"], 2)
        self.assertIn('File "main.py", line 4, in <module>', error["stack"])
        self.assertIn('File "main.py", line 2, in parse', error["stack"])
        self.assertNotIn("test_errors", error["stack"])

    def test_syntax_errors_give_their_line(self):
        error = raised("x = 1\nif x == 1\n    pass")
        self.assertEqual((error["name"], error["line"]), ("SyntaxError", 2))

    def test_a_missing_distribution_package_gets_a_hint(self):
        errors.IMPORT_HINTS["no_such_module_here"] = "some-package"
        try:
            error = raised("import no_such_module_here")
        finally:
            errors.IMPORT_HINTS.clear()
        self.assertEqual(error["name"], "ModuleNotFoundError")
        self.assertIn("installPackages(['some-package'])", error["message"])

    def test_long_tracebacks_are_capped(self):
        error = raised("def down(n):\n    return down(n + 1)\ndown(0)")
        self.assertEqual(error["name"], "RecursionError")
        self.assertLessEqual(len(error["stack"].split("\n")), 41)
        self.assertLessEqual(len(error["stack"]), 4000)
