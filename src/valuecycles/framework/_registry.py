"""Where frameworks come from: the built-in guide, registered ones, files, plugins."""

from __future__ import annotations

import importlib.resources
import threading
from pathlib import Path
from typing import Final

from valuecycles.framework._model import Framework

__all__ = [
    "BUILTIN",
    "FRAMEWORK_SUFFIXES",
    "get_framework",
    "load_framework",
    "register_framework",
    "registered_frameworks",
]

#: The name of the guide's framework, registered by default.
BUILTIN: Final = "wenger-trayner"
#: The file suffixes that make a string name a framework file rather than a name.
FRAMEWORK_SUFFIXES: Final = (".toml", ".yaml", ".yml", ".json")

_lock = threading.Lock()
_registry: dict[str, Framework] = {}


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

    Registering a different framework under a name that is taken raises
    :class:`ValueError` unless ``replace`` is true. Returns the framework.
    """
    if not isinstance(framework, Framework):
        raise TypeError(f"expected a Framework, got {type(framework).__name__}")
    with _lock:
        existing = _registry.get(framework.name)
        if existing is not None and existing != framework and not replace:
            raise ValueError(
                f"a different framework named {framework.name!r} is already registered; "
                "pass replace=True to replace it"
            )
        _registry[framework.name] = framework
    return framework


def registered_frameworks() -> tuple[str, ...]:
    """The names of the frameworks registered so far, the guide's first."""
    get_framework(BUILTIN)
    with _lock:
        return tuple(_registry)


def get_framework(name: str) -> Framework | None:
    """A registered framework by name (plugins included), or ``None``."""
    with _lock:
        found = _registry.get(name)
    if found is not None:
        return found
    if name == BUILTIN:
        return register_framework(_builtin())
    from valuecycles.framework._plugins import load_plugin

    plugin = load_plugin(name)
    if plugin is not None:
        return register_framework(plugin)
    return None


def load_framework(name_or_path: str | Path = BUILTIN) -> Framework:
    """Return a framework by registered name, or read one from a framework file.

    A :class:`str` without a file suffix is a registered framework's name
    (the guide's, ``"wenger-trayner"``, by default); a :class:`pathlib.Path`,
    or a string ending in ``.toml``, ``.yaml``, ``.yml`` or ``.json``, is a
    framework file.

    >>> import valuecycles
    >>> fw = valuecycles.load_framework()
    >>> fw.name, len(fw.cycles), len(fw.rounds)
    ('wenger-trayner', 7, 4)

    Raises :class:`LookupError` naming the registered frameworks for an
    unknown name, and :class:`valuecycles.ValidationError` for a framework
    file with errors.
    """
    if isinstance(name_or_path, Path) or (
        isinstance(name_or_path, str) and name_or_path.lower().endswith(FRAMEWORK_SUFFIXES)
    ):
        from valuecycles.framework._file import read_framework_file

        return read_framework_file(Path(name_or_path))
    if not isinstance(name_or_path, str):
        raise TypeError(f"expected a name or a path, got {type(name_or_path).__name__}")
    found = get_framework(name_or_path)
    if found is None:
        raise UnknownFrameworkError(name_or_path, registered_frameworks())
    return found


class UnknownFrameworkError(LookupError):
    """A framework name that is neither registered nor provided by a plugin."""

    def __init__(self, name: str, known: tuple[str, ...]) -> None:
        self.name = name
        self.known = known
        super().__init__(name)

    def __str__(self) -> str:
        return f"unknown framework {self.name!r}; registered: {', '.join(self.known)}"
