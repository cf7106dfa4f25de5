"""Making frozen attrs instances from values already checked, without a call per check.

A frozen attrs class refuses ``o.x = v``; its ``__init__`` runs every field's
validators and converters. Where the values are known to be right (the
document reader has just checked them, a computation has just made them),
the generated functions here set each slot through its descriptor instead:
the result is the model's own instance, equal, frozen and hashable like any
other, and its ``__init__`` is not run twice over the same checks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import attrs

__all__ = ["fill_lines", "maker"]

T = TypeVar("T")


def fill_lines(
    cls: type, values: list[str], namespace: dict[str, Any], target: str = "o"
) -> list[str]:
    """Source lines making a new ``cls`` as ``target`` from its fields' ``values``.

    ``values`` are Python expressions, one per attrs field in order. The
    names the lines use are put in ``namespace``: the class, its slots'
    setters, and ``_new`` (``object.__new__``).
    """
    name = cls.__name__
    names = [a.name for a in attrs.fields(cls)]
    if len(values) != len(names):
        raise ValueError(f"{name} has {len(names)} fields, got {len(values)} values")
    namespace["_new"] = object.__new__
    namespace[name] = cls
    for field in names:
        namespace[f"_set_{name}_{field}"] = cls.__dict__[field].__set__
    return [
        f"{target} = _new({name})",
        *(
            f"_set_{name}_{field}({target}, {value})"
            for field, value in zip(names, values, strict=True)
        ),
    ]


def maker(cls: type[T]) -> Callable[..., T]:
    """A function taking every field of ``cls`` positionally, in order, giving a new ``cls``.

    It neither validates nor converts: for values known to be right.

    >>> import attrs
    >>> @attrs.frozen
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
