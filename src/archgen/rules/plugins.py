"""Rules from installed distributions: the `archgen.rules` entry points, found and loaded as flake8 loads its plugins.

A distribution registers rule modules under the entry point group `archgen.rules` (a module,
or `module:attribute`); importing a module runs its `@rule` decorators, which register its
rules with the distribution as their origin. Finding reads only the installed distributions'
`entry_points.txt` (not their code); loading imports each plugin once per process, sorted by
distribution and entry name, a distribution seen twice (two paths) once. Anything a plugin
gets wrong — it does not import, its decorator arguments are wrong, a code clashes — is one
`PluginError` naming the distribution and entry, never a traceback.
"""

from __future__ import annotations

import contextvars
import functools
import os
import re
import sys
from collections.abc import Iterable
from typing import NamedTuple

from archgen.errors import ConfigError

GROUP = "archgen.rules"
#: A plugin rule's code: two to ten capitals, then three digits (ACME001).
CODE = re.compile(r"^[A-Z]{2,10}[0-9]{3}$")


class PluginError(ConfigError):
    """An installed plugin that cannot be used: it does not load, or its rules are wrong."""


class Plugin(NamedTuple):
    """One `archgen.rules` entry point of an installed distribution: its name and value (`module:attr`)."""

    distribution: str
    version: str
    name: str
    value: str

    @property
    def origin(self) -> str:
        """Return how messages name the plugin: `acme-rules 1.0`."""
        return f"{self.distribution} {self.version}"

    @property
    def label(self) -> str:
        """Return how errors name the entry: `acme-rules[acme]`."""
        return f"{self.distribution}[{self.name}]"


#: The plugin being loaded, so `@rule` knows where a rule comes from.
loading: contextvars.ContextVar[Plugin | None] = contextvars.ContextVar("archgen_plugin", default=None)


def find(paths: Iterable[str] | None = None) -> list[Plugin]:
    """Return the `archgen.rules` entry points of the distributions installed on `paths` (default `sys.path`)."""
    found: dict[tuple[str, str], Plugin] = {}
    # The standard library's folders hold no installed distributions: not worth listing.
    stdlib = os.path.dirname(os.__file__)
    skipped = {stdlib, os.path.join(stdlib, "lib-dynload")}
    for folder in paths if paths is not None else sys.path:
        if folder in skipped or folder.endswith(".zip"):
            continue
        try:
            names = sorted(entry.name for entry in os.scandir(folder or ".") if entry.name.endswith(".dist-info"))
        except OSError:
            continue
        for name in names:
            text = _read(os.path.join(folder or ".", name, "entry_points.txt"))
            if f"[{GROUP}]" not in text:
                continue
            distribution, _, version = name.removesuffix(".dist-info").partition("-")
            distribution = distribution.replace("_", "-").lower()
            for entry_name, value in _entries(text):
                key = (distribution, entry_name)
                if key not in found:  # the first on the path wins, as for imports
                    found[key] = Plugin(distribution, version, entry_name, value)
    return [found[key] for key in sorted(found)]


@functools.cache
def installed() -> tuple[Plugin, ...]:
    """Return the plugins installed for this Python, found once per process."""
    return tuple(find())


def signature() -> str:
    """Return the installed plugins and their versions, for cache keys (`acme-rules==1.0;…`)."""
    return ";".join(sorted(f"{plugin.distribution}=={plugin.version}" for plugin in installed()))


def load(plugins: Iterable[Plugin]) -> None:
    """Import each plugin's module, so its rules register; a plugin that fails is a PluginError naming it."""
    from importlib.metadata import EntryPoint  # only when there is a plugin to load: it costs a cold start

    for plugin in plugins:
        token = loading.set(plugin)
        try:
            EntryPoint(plugin.name, plugin.value, GROUP).load()
        except PluginError:
            raise
        except Exception as error:  # noqa: BLE001 - whatever a plugin raises while loading, it is the plugin's
            raise PluginError(f"plugin {plugin.label}: {type(error).__name__}: {error}") from None
        finally:
            loading.reset(token)


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as stream:
            return stream.read()
    except (OSError, UnicodeDecodeError):
        return ""


def _entries(text: str) -> list[tuple[str, str]]:
    """Return the `name = value` lines of the `[archgen.rules]` section of an entry_points.txt."""
    entries = []
    inside = False
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("["):
            inside = line == f"[{GROUP}]"
        elif inside and "=" in line and not line.startswith(("#", ";")):
            name, _, value = line.partition("=")
            entries.append((name.strip(), value.strip()))
    return entries
