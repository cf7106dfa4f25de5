"""Making frozen attrs instances in bulk, at the interpreter's full speed.

A frozen attrs class refuses ``o.x = v``: its ``__init__`` and any other
way in set each field through ``object.__setattr__`` or the slot's
descriptor, a call per field. Reading a case makes thousands of models and a
progress query thousands of points, so this module fills them another way:
a *twin*, a plain class with the model's slots and no ``__setattr__`` of its
own, is filled with ordinary attribute stores, and the filled object then
becomes an instance of the model (Python lets an object change to a class
of the same layout). The result is the model's own instance, as frozen and
equal as any other.

This works for slotted classes without a ``__weakref__`` slot (attrs'
``weakref_slot=False``) whose only base is :class:`object`. :func:`twin`
tries the change once per class and says None where Python refuses it;
the makers then set each slot through its descriptor instead, slower and
the same.

Nothing here validates or converts: the callers pass values already
checked, in the fields' order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import attrs

__all__ = ["fill_lines", "maker", "twin"]

T = TypeVar("T")

#: Whether twins are used at all; the tests turn it off to check the other way.
use_twins = True

_TWINS: dict[type, type | None] = {}


def twin(cls: type) -> type | None:
    """A plain class with ``cls``'s slots whose instances can become ``cls``'s, or None.

    >>> import attrs
    >>> @attrs.frozen(weakref_slot=False)
    ... class Point:
    ...     x: int
    ...     y: int
    >>> Twin = twin(Point)
    >>> p = object.__new__(Twin)
    >>> p.x, p.y = 1, 2
    >>> p.__class__ = Point
    >>> p == Point(1, 2)
    True
    """
    if not use_twins:
        return None
    if cls in _TWINS:
        return _TWINS[cls]
    found: type | None = None
    slots = cls.__dict__.get("__slots__")
    if isinstance(slots, tuple) and cls.__base__ is object:
        made = type(f"_{cls.__name__}Twin", (), {"__slots__": slots})
        probe: object = object.__new__(made)
        try:
            probe.__class__ = cls
        except TypeError:  # a __weakref__ or __dict__ slot, or another Python
            pass
        else:
            found = made
    _TWINS[cls] = found
    return found


def fill_lines(
    cls: type, values: list[str], namespace: dict[str, Any], target: str = "o"
) -> list[str]:
    """Source lines making a new ``cls`` as ``target`` from its fields' ``values``.

    ``values`` are Python expressions, one per attrs field in order. The
    names the lines use are put in ``namespace``: the class, its twin or its
    slots' setters, and ``_new`` (``object.__new__``).
    """
    name = cls.__name__
    names = [a.name for a in attrs.fields(cls)]
    if len(values) != len(names):
        raise ValueError(f"{name} has {len(names)} fields, got {len(values)} values")
    namespace["_new"] = object.__new__
    namespace[name] = cls
    found = twin(cls)
    pairs = zip(names, values, strict=True)
    if found is not None:
        namespace[f"_Twin_{name}"] = found
        return [
            f"{target} = _new(_Twin_{name})",
            *(f"{target}.{field} = {value}" for field, value in pairs),
            f"{target}.__class__ = {name}",
        ]
    for field in names:
        namespace[f"_set_{name}_{field}"] = cls.__dict__[field].__set__
    return [
        f"{target} = _new({name})",
        *(f"_set_{name}_{field}({target}, {value})" for field, value in pairs),
    ]


def maker(cls: type[T]) -> Callable[..., T]:
    """A function taking every field of ``cls`` positionally, in order, giving a new ``cls``.

    It neither validates nor converts: for values known to be right.

    >>> import attrs
    >>> @attrs.frozen(weakref_slot=False)
    ... class Point:
    ...     x: int
    ...     y: int
    >>> maker(Point)(1, 2)
    Point(x=1, y=2)
    """
    names = [f"v{i}" for i in range(len(attrs.fields(cls)))]  # type: ignore[arg-type]
    namespace: dict[str, Any] = {}
    source = [
        f"def make_{cls.__name__}({', '.join(names)}):",
        *("    " + line for line in fill_lines(cls, names, namespace)),
        "    return o",
    ]
    # Our own generated source, as attrs makes its __init__.
    exec(compile("\n".join(source), f"<valuecycles maker {cls.__name__}>", "exec"), namespace)
    return namespace[f"make_{cls.__name__}"]  # type: ignore[no-any-return]
