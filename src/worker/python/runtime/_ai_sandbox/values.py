"""Values as the worker reports them: plain JSON data within a byte budget, and their repr().

Integers past JavaScript's safe range become decimal strings, so no digit is lost; a value without a
plain form inside a container becomes its repr(). Nothing larger than the caps leaves the interpreter.
"""

import json
import math

MAX_DEPTH = 64
SAFE_INT = 2**53


class _OverBudget(Exception):
    pass


class _Budget:
    def __init__(self, left):
        self.left = left

    def spend(self, n):
        self.left -= n
        if self.left < 0:
            raise _OverBudget()


def _plain(value, seen, budget, depth):
    """Plain JSON data for None, bool, int, float, str, list, tuple and str-keyed dict, deeply.

    Integers past JavaScript's safe range become decimal strings, so no digit is lost; a value
    without a plain form inside a container becomes its repr().
    """
    if value is None or isinstance(value, bool):
        budget.spend(5)
        return value
    if isinstance(value, int):
        budget.spend(24)
        return value if -SAFE_INT < value < SAFE_INT else str(value)
    if isinstance(value, float):
        budget.spend(24)
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        budget.spend(len(value) + 2)
        return value
    if depth >= MAX_DEPTH:
        raise _OverBudget()
    if isinstance(value, (list, tuple, dict)):
        if id(value) in seen:
            return "[Circular]"
        seen.add(id(value))
        try:
            budget.spend(2)
            if isinstance(value, dict):
                if all(isinstance(k, str) for k in value):
                    out = {}
                    for k, v in value.items():
                        budget.spend(len(k) + 4)
                        out[k] = _plain(v, seen, budget, depth + 1)
                    return out
            else:
                return [_plain(v, seen, budget, depth + 1) for v in value]
        finally:
            seen.discard(id(value))
    text = safe_repr(value)
    budget.spend(len(text) + 2)
    return text


def _has_plain_form(value):
    if value is None or isinstance(value, (bool, int, float, str, list, tuple)):
        return True
    return isinstance(value, dict) and all(isinstance(k, str) for k in value)


def safe_repr(value):
    try:
        return repr(value)
    except Exception as error:  # a broken __repr__ must not break the run's result (an interrupt must)
        return f"<{type(value).__name__} object (repr failed: {type(error).__name__})>"


def _cut(text, max_bytes):
    data = text.encode("utf-8", "surrogatepass")
    if len(data) <= max_bytes:
        return text, False
    return data[:max_bytes].decode("utf-8", "ignore"), True


def describe(value, max_bytes):
    """A value as the worker reports it: valueJson (plain data as JSON), text (repr), truncated."""
    out = {"kind": "returned"}
    if value is None:
        return out
    text, cut = _cut(safe_repr(value), max_bytes)
    out["text"] = text
    if cut:
        out["truncated"] = True
    if _has_plain_form(value):
        try:
            plain = _plain(value, set(), _Budget(max_bytes), 0)
            encoded = json.dumps(plain, ensure_ascii=False, allow_nan=False)
            if len(encoded.encode("utf-8", "surrogatepass")) <= max_bytes:
                out["valueJson"] = encoded
            else:
                out["truncated"] = True
        except (_OverBudget, RecursionError, ValueError):
            out["truncated"] = True
    return out
