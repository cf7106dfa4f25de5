"""The shape of a ``query`` question, shared by the evidence and graph tables."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

import attrs

from valuecycles.model import Case

__all__ = ["Option", "Query"]


@attrs.frozen
class Option:
    """An extra command-line option a question takes (``--reaching``, ``--limit``)."""

    flags: tuple[str, ...]
    kwargs: dict[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class Query:
    """One question: how to compute its result and how to print it as a table.

    ``compute(case, args)`` returns an object with ``to_dict()`` (the
    ``--json`` shape); ``render(result, args)`` prints it for people.
    """

    help: str
    compute: Callable[[Case, argparse.Namespace], Any]
    render: Callable[[Any, argparse.Namespace], None]
    options: tuple[Option, ...] = ()
