"""Pausing the cycle collector while a bulk of objects is made."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["gc_paused"]


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cycle collector for the block, as JSON libraries do.

    Reading a large case or building its graph makes hundreds of thousands
    of objects and no garbage cycles; with the collector running, it walks
    them again and again, and the time grows faster than the case. The
    collector is turned back on afterwards (if it was on), error or not.

    >>> import gc
    >>> with gc_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
