"""`micropip` for guest code, where the app allows installs (its `micropip` option).

`await micropip.install("name")` asks the host page, which resolves the requirements on the app's
package indexes (the Pyodide distribution, a PyPI-compatible index), checks each wheel against the
sha256 its index lists, and installs them in this interpreter before it answers. Only what those
indexes hold can be installed, and only by requirement (`name`, `name>=1.2`, `name[extra]`): the
host refuses URLs. The signature is micropip's; options that pick other sources (`index_urls`,
`credentials`) are refused, and the host always installs dependencies.
"""

import importlib
import json
import sys
import types
from importlib import metadata


class InstallError(ValueError):
    """The host refused or failed an install; the message is the host's."""


def _host_message(error):
    message = str(error)
    return message[len("Error: "):] if message.startswith("Error: ") else message


def register(call):
    """Makes `import micropip` give this module's API, installing through `call` (JSON in and out)."""
    module = types.ModuleType("micropip", __doc__)

    async def install(requirements, keep_going=False, deps=True, credentials=None, pre=False, index_urls=None, *, verbose=False, **_ignored):
        """Installs `requirements` (one string or a list) from the app's package indexes, with their dependencies."""
        if index_urls is not None or credentials is not None:
            raise InstallError("micropip.install: this sandbox installs only from the indexes its app chose (index_urls and credentials are not taken)")
        if isinstance(requirements, str):
            requirements = [requirements]
        requirements = [str(r) for r in requirements]
        try:
            installed = json.loads(await call(json.dumps({"requirements": requirements})))
        except Exception as error:
            raise InstallError(f"micropip.install: {_host_message(error)}") from None
        importlib.invalidate_caches()
        if verbose:
            print("installed:", ", ".join(installed) or "nothing new")

    def list_installed():
        """The installed distributions, name → version."""
        return {dist.metadata["Name"]: dist.version for dist in metadata.distributions()}

    module.install = install
    module.list = list_installed
    module.InstallError = InstallError
    sys.modules["micropip"] = module
    return module
