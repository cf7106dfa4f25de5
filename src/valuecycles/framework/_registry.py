"""Where frameworks come from: the built-in guide, registered ones, files, plugins.

The registry holds frameworks by name and, under each name, by version. A
name alone gives the version registered last (for the guide and for a
plugin, the only one); a case that names a version gets that version when it
is registered. Plugins are looked up only when a name is not registered yet,
never at import time.
"""

from __future__ import annotations

import importlib.resources
import threading
from pathlib import Path
from typing import Final

from valuecycles.errors import UnknownFrameworkError
from valuecycles.framework._model import Framework

__all__ = [
    "BUILTIN",
    "FRAMEWORK_SUFFIXES",
    "case_framework",
    "get_framework",
    "is_framework_file",
    "load_framework",
    "register_framework",
    "registered_frameworks",
    "registered_versions",
]

#: The name of the guide's framework, registered by default.
BUILTIN: Final = "wenger-trayner"
#: The file suffixes that make a string name a framework file rather than a name.
FRAMEWORK_SUFFIXES: Final = (".toml", ".yaml", ".yml", ".json")

_lock = threading.RLock()
# name -> version -> framework; the last version in a name's dict is its default.
_registry: dict[str, dict[str, Framework]] = {}


def _builtin() -> Framework:
    from valuecycles.framework._file import framework_from_text

    text = (
        importlib.resources.files("valuecycles.framework")
        .joinpath("data", f"{BUILTIN}.toml")
        .read_text(encoding="utf-8")
    )
    return framework_from_text(text, "toml", source=f"<package data {BUILTIN}.toml>")


def register_framework(framework: Framework, *, replace: bool = False) -> Framework:
    """Make a framework available by its name to cases and :func:`load_framework`.

    A framework is registered under its ``name`` and ``version``; the version
    registered last is the one its name alone gives. Registering a different
    framework under a name and version that are taken raises
    :class:`ValueError` unless ``replace`` is true; a framework with
    problems (no cycles, a key used twice, guidance for an unknown round)
    raises :class:`valuecycles.ValidationError`. Returns the framework.

    >>> import valuecycles as vc
    >>> fw = vc.Framework(name="doc-example", cycles=[vc.Cycle(key="sharing", name="Sharing")])
    >>> vc.register_framework(fw) is vc.load_framework("doc-example")
    True
    """
    if not isinstance(framework, Framework):
        raise TypeError(f"expected a Framework, got {type(framework).__name__}")
    from valuecycles.errors import ValidationError
    from valuecycles.framework._file import check_framework

    problems = check_framework(framework)
    if problems:
        raise ValidationError(problems, source=f"framework {framework.name!r}")
    with _lock:
        versions = _registry.setdefault(framework.name, {})
        existing = versions.get(framework.version)
        if existing is not None and existing != framework and not replace:
            raise ValueError(
                f"a different framework named {framework.name!r} (version "
                f"{framework.version!r}) is already registered; pass replace=True to replace it"
            )
        versions.pop(framework.version, None)
        versions[framework.version] = framework
    return framework


def registered_frameworks() -> tuple[str, ...]:
    """The names of the frameworks registered so far, the guide's first.

    Plugins that were not asked for yet are not listed: see
    :func:`valuecycles.framework.plugin_names`.
    """
    get_framework(BUILTIN)
    with _lock:
        return (BUILTIN, *(name for name in _registry if name != BUILTIN))


def registered_versions(name: str) -> tuple[str, ...]:
    """The registered versions of a framework, oldest registration first."""
    with _lock:
        return tuple(_registry.get(name, {}))


def _lookup(name: str, version: str | None) -> Framework | None:
    with _lock:
        versions = _registry.get(name)
        if not versions:
            return None
        if version is None:
            return next(reversed(versions.values()))
        return versions.get(version)


def get_framework(name: str, version: str | None = None) -> Framework | None:
    """A registered framework by name (plugins included), or ``None``.

    With ``version``, only that version. A plugin that fails to load raises
    :class:`valuecycles.framework.PluginError`.
    """
    with _lock:
        known = name in _registry
    if not known:
        if name == BUILTIN:
            register_framework(_builtin())
        else:
            from valuecycles.framework._plugins import load_plugin

            plugin = load_plugin(name)
            if plugin is not None:
                register_framework(plugin)
    return _lookup(name, version)


def is_framework_file(name_or_path: str | Path) -> bool:
    """True for a path, or a string that ends in a framework file's suffix."""
    return isinstance(name_or_path, Path) or (
        isinstance(name_or_path, str) and name_or_path.lower().endswith(FRAMEWORK_SUFFIXES)
    )


def load_framework(name_or_path: str | Path = BUILTIN, *, version: str | None = None) -> Framework:
    """Return a framework by registered name, or read one from a framework file.

    A :class:`str` without a file suffix is a registered framework's name
    (the guide's, ``"wenger-trayner"``, by default), looked up in the
    registry and then among installed plugins; a :class:`pathlib.Path`, or a
    string ending in ``.toml``, ``.yaml``, ``.yml`` or ``.json``, is a
    framework file. ``version`` asks for one version of a named framework.

    >>> import valuecycles
    >>> fw = valuecycles.load_framework()
    >>> fw.name, len(fw.cycles), len(fw.rounds)
    ('wenger-trayner', 7, 4)

    Raises :class:`UnknownFrameworkError` (a :class:`LookupError`) naming
    the registered frameworks and the installed plugins for an unknown
    name, :class:`valuecycles.ValidationError` for a framework file with
    errors, and :class:`valuecycles.framework.PluginError` for a plugin
    that fails to load.
    """
    if is_framework_file(name_or_path):
        from valuecycles.framework._file import read_framework_file

        framework = read_framework_file(Path(name_or_path))
        if version is not None and framework.version != version:
            raise UnknownFrameworkError(
                framework.name, (), version=version, versions=(framework.version,)
            )
        return framework
    if not isinstance(name_or_path, str):
        raise TypeError(f"expected a name or a path, got {type(name_or_path).__name__}")
    found = get_framework(name_or_path, version)
    if found is None:
        versions = registered_versions(name_or_path)
        if versions:
            raise UnknownFrameworkError(
                name_or_path, registered_frameworks(), version=version, versions=versions
            )
        from valuecycles.framework._plugins import plugin_names

        raise UnknownFrameworkError(name_or_path, registered_frameworks(), plugins=plugin_names())
    return found


def case_framework(name: str, version: str | None = None) -> Framework:
    """The framework a case that names ``name`` (and ``version``) is read against.

    The named version when it is registered, else the framework's current
    version (validation then warns that the versions differ). Raises like
    :func:`load_framework` for an unknown name.
    """
    if version is not None:
        found = get_framework(name, version)
        if found is not None:
            return found
    return load_framework(name)
