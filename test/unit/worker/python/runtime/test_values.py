"""Values become plain JSON within the byte budget; everything else keeps its repr()."""

import json
import unittest

from _ai_sandbox.values import describe


def plain(value, max_bytes=1 << 20):
    out = describe(value, max_bytes)
    return json.loads(out["valueJson"]) if "valueJson" in out else None, out


class ValuesTest(unittest.TestCase):
    def test_plain_data_and_repr(self):
        value, out = plain({"total": 6, "pair": (1, "a"), "none": None, "ok": True})
        self.assertEqual(value, {"total": 6, "pair": [1, "a"], "none": None, "ok": True})
        self.assertEqual(out["text"], "{'total': 6, 'pair': (1, 'a'), 'none': None, 'ok': True}")
        self.assertEqual(out["kind"], "returned")

    def test_none_has_no_value_or_text(self):
        self.assertEqual(describe(None, 100), {"kind": "returned"})

    def test_big_integers_keep_every_digit(self):
        self.assertEqual(plain([2**53 - 1, -(2**60)])[0], [9007199254740991, "-1152921504606846976"])

    def test_non_finite_floats_are_null_and_objects_inside_containers_their_repr(self):
        class Thing:
            def __repr__(self):
                return "<thing>"

        self.assertEqual(plain([float("nan"), Thing()])[0], [None, "<thing>"])
        self.assertNotIn("valueJson", describe(Thing(), 100))

    def test_cycles_are_marked(self):
        a = [1]
        a.append(a)
        self.assertEqual(plain(a)[0], [1, "[Circular]"])

    def test_a_value_past_the_budget_is_left_out_and_its_text_cut(self):
        out = describe(["x" * 100] * 100, 500)
        self.assertNotIn("valueJson", out)
        self.assertTrue(out["truncated"])
        self.assertLessEqual(len(out["text"].encode()), 500)

    def test_deep_nesting_is_cut_not_a_crash(self):
        deep = []
        for _ in range(1000):
            deep = [deep]
        out = describe(deep, 1 << 20)
        self.assertTrue(out["truncated"])
        self.assertNotIn("valueJson", out)

    def test_a_broken_repr_does_not_break_the_result(self):
        class Broken:
            def __repr__(self):
                raise ValueError("no")

        self.assertIn("repr failed: ValueError", describe(Broken(), 100)["text"])

    def test_dicts_need_string_keys_for_a_plain_form(self):
        out = describe({1: "a"}, 100)
        self.assertNotIn("valueJson", out)
        self.assertEqual(out["text"], "{1: 'a'}")
