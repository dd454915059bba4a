"""Rich outputs: IPython's _repr_*_ protocol, display(), and open matplotlib figures as PNGs."""

import base64
import io
import json
import sys

from .values import safe_repr

# Rich output: IPython's _repr_*_ protocol, richest first. Binary data travels as base64.
_REPR_METHODS = [
    ("_repr_png_", "image/png", True),
    ("_repr_jpeg_", "image/jpeg", True),
    ("_repr_svg_", "image/svg+xml", False),
    ("_repr_html_", "text/html", False),
    ("_repr_markdown_", "text/markdown", False),
    ("_repr_latex_", "text/latex", False),
    ("_repr_json_", "application/json", False),
]


def rich_output(obj):
    """The richest representation obj offers through _repr_*_, or None."""
    for method, mime, binary in _REPR_METHODS:
        fn = getattr(type(obj), method, None)
        if not callable(fn):
            continue
        try:
            data = getattr(obj, method)()
        except Exception as error:  # a broken _repr_ falls back to the next one
            print(f"{type(obj).__name__}.{method} failed: {error!r}", file=sys.stderr)
            continue
        if isinstance(data, tuple):  # IPython allows (data, metadata)
            data = data[0]
        if data is None:
            continue
        if binary:
            if isinstance(data, str):
                data = data.encode("latin-1")
            data = base64.b64encode(bytes(data)).decode("ascii")
        elif mime == "application/json":
            data = json.dumps(data)
        else:
            data = str(data)
        return {"mime": mime, "data": data}
    return None


class _Outputs:
    """Rich outputs of the current run, within a byte budget."""

    def __init__(self):
        self.items = []
        self.left = 0
        self.cut = False

    def begin(self, max_bytes):
        self.items = []
        self.left = max_bytes
        self.cut = False

    def add(self, item):
        size = len(item["data"]) + len(item["mime"])
        if size > self.left:
            self.cut = True
            return
        self.left -= size
        self.items.append(item)


outputs = _Outputs()


def display(*objs):
    """Shows objects as rich outputs of the run (their richest _repr_*_, else repr())."""
    for obj in objs:
        outputs.add(rich_output(obj) or {"mime": "text/plain", "data": safe_repr(obj)})


def flush_figures():
    """Turns open matplotlib figures into image/png outputs and closes them."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:
        return
    for number in pyplot.get_fignums():
        buffer = io.BytesIO()
        pyplot.figure(number).savefig(buffer, format="png", bbox_inches="tight")
        outputs.add({"mime": "image/png", "data": base64.b64encode(buffer.getvalue()).decode("ascii")})
    pyplot.close("all")
