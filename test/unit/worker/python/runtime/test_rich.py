"""Rich outputs: the richest _repr_*_ an object offers, within the run's budget."""

import base64
import io
import unittest
from contextlib import redirect_stderr

from _ai_sandbox.rich import display, outputs, rich_output


class Chart:
    def _repr_png_(self):
        return b"\x89PNG"

    def _repr_html_(self):
        return "<b>chart</b>"


class RichTest(unittest.TestCase):
    def setUp(self):
        outputs.begin(1000)

    def test_the_richest_representation_wins_and_binary_is_base64(self):
        self.assertEqual(rich_output(Chart()), {"mime": "image/png", "data": base64.b64encode(b"\x89PNG").decode()})

    def test_a_broken_repr_falls_back_to_the_next_one(self):
        class Half(Chart):
            def _repr_png_(self):
                raise RuntimeError("no png")

        err = io.StringIO()
        with redirect_stderr(err):
            self.assertEqual(rich_output(Half()), {"mime": "text/html", "data": "<b>chart</b>"})
        self.assertIn("_repr_png_ failed", err.getvalue())

    def test_display_of_a_plain_object_is_text_and_the_budget_holds(self):
        display(42, "x" * 2000)
        self.assertEqual(outputs.items, [{"mime": "text/plain", "data": "42"}])
        self.assertTrue(outputs.cut)
