"""Result tables as pandas DataFrames, for ``to_frame()``: pandas is imported on call."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

__all__ = ["data_frame"]


def data_frame(rows: Sequence[Sequence[Any]], columns: Sequence[str]) -> Any:
    """A pandas DataFrame of these rows; an ImportError naming the extra without pandas."""
    try:
        pandas = importlib.import_module("pandas")
    except ImportError:
        raise ImportError(
            "to_frame() needs pandas, which is not installed: pip install 'valuecycles[frames]'"
        ) from None
    data = {}
    for n, name in enumerate(columns):
        values = [row[n] for row in rows]
        # A column of texts with gaps keeps None (not NaN): object dtype.
        texts = any(isinstance(v, str) for v in values) and None in values
        data[name] = pandas.Series(values, dtype=object if texts else None)
    return pandas.DataFrame(data, columns=list(columns))
