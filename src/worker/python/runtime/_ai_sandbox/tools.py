"""`tools.<name>(args)`: the host's tools as async functions; plain data crosses as JSON."""

import json


class ToolError(Exception):
    """A host tool failed; the message is the host's."""


class Tools:
    """`tools.<name>(args)`: the host's tools as async functions. Plain data crosses as JSON."""

    def __init__(self, names, call):
        self._names = list(names)
        self._call = call

    def __getattr__(self, name):
        if name.startswith("_") or name not in self._names:
            available = ", ".join(self._names) or "none"
            raise AttributeError(f"no tool named {name!r} (tools: {available})")

        async def tool(args=None, **kwargs):
            payload = json.dumps(kwargs if args is None else args)
            try:
                answer = await self._call(name, payload)
            except Exception as error:
                message = str(error)
                if message.startswith("Error: "):
                    message = message[len("Error: "):]
                raise ToolError(f"tool {name!r} failed: {message}") from None
            return json.loads(answer)

        tool.__name__ = name
        return tool

    def __dir__(self):
        return list(self._names)

    def __repr__(self):
        return f"<tools: {', '.join(self._names) or 'none'}>"
