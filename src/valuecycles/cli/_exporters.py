"""The shape of an ``export`` format, shared by the document and graph tables."""

from __future__ import annotations

import argparse
from collections.abc import Callable

import attrs

from valuecycles.model._case import Case

__all__ = ["Exporter"]


@attrs.frozen
class Exporter:
    """One export format.

    ``write(case, output, args)`` writes to ``output`` (a path, atomically)
    or, when it is ``None``, to standard output. ``needs_output`` is true
    for formats that write several files into a folder.
    """

    help: str
    write: Callable[[Case, str | None, argparse.Namespace], None]
    needs_output: bool = False
