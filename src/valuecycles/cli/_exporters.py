"""The shape of an ``export`` format, shared by the document and graph tables."""

from __future__ import annotations

import argparse
from collections.abc import Callable

import attrs

from valuecycles.model import Case

__all__ = ["Exporter"]


@attrs.frozen
class Exporter:
    """One export format.

    ``write(case, output, args)`` writes to ``output`` (a path, atomically)
    or, when it is ``None``, to standard output. ``needs_output`` is true
    for formats that cannot go to standard output: several files into a
    folder, or a binary file; ``output_hint`` says what to give instead.
    """

    help: str
    write: Callable[[Case, str | None, argparse.Namespace], None]
    needs_output: bool = False
    output_hint: str = "writes several files: give a folder with -o DIR"
