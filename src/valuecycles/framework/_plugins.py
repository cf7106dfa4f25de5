"""Frameworks published by other packages through the ``valuecycles.frameworks`` entry points."""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Final

from valuecycles.errors import PluginError
from valuecycles.framework._model import Framework

__all__ = ["ENTRY_POINT_GROUP", "load_plugin", "plugin_names"]

#: The entry-point group other packages publish frameworks in.
ENTRY_POINT_GROUP: Final = "valuecycles.frameworks"


def plugin_names() -> tuple[str, ...]:
    """The names of the frameworks that installed plugins offer (not loaded)."""
    return tuple(sorted({ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)}))


def load_plugin(name: str) -> Framework | None:
    """Load the framework a plugin publishes under ``name``, or ``None`` if none does.

    The entry point names a :class:`Framework` or a function returning one.
    Anything else, or an import that fails, raises :class:`PluginError`
    naming the plugin.
    """
    for ep in entry_points(group=ENTRY_POINT_GROUP, name=name):
        dist = getattr(ep, "dist", None)
        package = f" of package {dist.name!r}" if dist is not None else ""
        where = f"{ep.name!r} (entry point {ep.value}{package}, group {ENTRY_POINT_GROUP!r})"
        try:
            obj = ep.load()
            if callable(obj) and not isinstance(obj, Framework):
                obj = obj()
        except Exception as exc:
            raise PluginError(
                f"the plugin {where} failed to load: {type(exc).__name__}: {exc}"
            ) from exc
        if not isinstance(obj, Framework):
            raise PluginError(
                f"the plugin {where} gave {type(obj).__name__}, not a valuecycles Framework"
            )
        if obj.name != name:
            raise PluginError(
                f"the plugin {where} gave a framework named {obj.name!r}, not {name!r}"
            )
        from valuecycles.framework._file import check_framework

        problems = check_framework(obj)
        if problems:
            details = "; ".join(str(p) for p in problems[:3])
            raise PluginError(f"the plugin {where} gave a framework with errors: {details}")
        return obj
    return None
