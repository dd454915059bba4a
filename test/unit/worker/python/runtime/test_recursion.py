"""The recursion ceiling: a limit past it is lowered with a warning, and recursion without end
then stops at once with RecursionError."""

import sys
import unittest
import warnings

from _ai_sandbox import recursion


class RecursionCeilingTest(unittest.TestCase):
    def setUp(self):
        self.before = sys.getrecursionlimit()
        self.original = sys.setrecursionlimit
        recursion.install()

    def tearDown(self):
        sys.setrecursionlimit = self.original
        sys.setrecursionlimit(self.before)

    def test_a_limit_past_the_ceiling_is_lowered_with_a_warning(self):
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            sys.setrecursionlimit(1_000_000)
        self.assertEqual(sys.getrecursionlimit(), recursion.MAXIMUM)
        self.assertEqual(len(seen), 1)
        self.assertIn(f"capped at {recursion.MAXIMUM}", str(seen[0].message))

    def test_a_limit_under_the_ceiling_is_kept_silently(self):
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            sys.setrecursionlimit(2000)
        self.assertEqual(sys.getrecursionlimit(), 2000)
        self.assertEqual(seen, [])

    def test_bad_limits_fail_as_in_cpython(self):
        with self.assertRaises(TypeError):
            sys.setrecursionlimit("deep")
        with self.assertRaises(ValueError):
            sys.setrecursionlimit(0)

    def test_endless_recursion_then_ends_with_recursion_error(self):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sys.setrecursionlimit(10**9)

        def down(n):
            return down(n + 1)

        with self.assertRaises(RecursionError):
            down(0)


if __name__ == "__main__":
    unittest.main()
