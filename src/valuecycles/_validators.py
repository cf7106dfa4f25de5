"""Small attrs validators and converters shared by the models."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

__all__ = ["non_empty_str", "optional_str", "str_tuple"]


def non_empty_str(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Require a string that is not blank."""
    if not isinstance(value, str):
        raise TypeError(f"{attribute.name} must be a string, not {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{attribute.name} must not be empty")


def optional_str(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Allow ``None`` or a string."""
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{attribute.name} must be a string or None, not {type(value).__name__}")


def str_tuple(value: Iterable[str]) -> tuple[str, ...]:
    """Turn a list of strings into a tuple, refusing a lone string or non-strings."""
    if isinstance(value, str):
        raise TypeError(f"expected a list of strings, not the string {value!r}")
    items = tuple(value)
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"expected a list of strings, found {type(item).__name__} {item!r}")
    return items
