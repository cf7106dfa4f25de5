"""The typed results of the graph's queries, each with ``to_dict()`` (the ``--json`` shape)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator
from typing import Any, Final

import attrs

from valuecycles.evidence._stories import StoryList, StoryReach
from valuecycles.model._case import to_tuple

__all__ = [
    "GAP_KINDS",
    "Chain",
    "ChainLink",
    "Chains",
    "Coverage",
    "CoverageCell",
    "Gap",
    "Gaps",
    "StoryList",
    "StoryReach",
    "Upstream",
    "UpstreamIndicator",
]

#: Every kind of gap :meth:`ValueGraph.gaps` reports, in the order it lists them.
GAP_KINDS: Final = (
    "cycle-without-aspirations",
    "aspiration-without-indicator",
    "condition-without-aspiration",
    "indicator-without-aspiration",
    "indicator-without-data",
    "indicator-without-observations",
    "data-without-indicator",
    "data-overdue",
    "story-without-evidence",
)


@attrs.frozen
class Gap:
    """One hole in a case: a ``kind`` from :data:`GAP_KINDS`, the element's ``id``.

    ``cycle`` is the canonical key of the element's cycle (``None`` for a
    story, which spans cycles). A gap about a whole cycle has the cycle's key
    as its ``id``. ``due`` is set for ``data-overdue``: the date by which an
    observation was due.
    """

    kind: str
    id: str
    cycle: str | None
    message: str
    due: _dt.date | None = None

    def to_dict(self) -> dict[str, Any]:
        """``{"kind", "id", "cycle", "message"}`` as ``query gaps --json`` prints each."""
        return {"kind": self.kind, "id": self.id, "cycle": self.cycle, "message": self.message}


@attrs.frozen
class Gaps:
    """The gaps of a case, ordered by kind (as in :data:`GAP_KINDS`), cycle, then id.

    ``as_of`` is the date overdue data was judged against. Iterating yields
    the :class:`Gap` items.
    """

    gaps: tuple[Gap, ...] = attrs.field(converter=to_tuple)
    as_of: _dt.date

    def __iter__(self) -> Iterator[Gap]:
        return iter(self.gaps)

    def __len__(self) -> int:
        return len(self.gaps)

    def of_kind(self, kind: str) -> tuple[Gap, ...]:
        """The gaps of one kind, in order."""
        return tuple(g for g in self.gaps if g.kind == kind)

    def to_dict(self) -> dict[str, Any]:
        """``{"gaps": [...]}``, the shape of ``query gaps --json``."""
        return {"gaps": [g.to_dict() for g in self.gaps]}


@attrs.frozen
class CoverageCell:
    """How many elements one round of one cycle has (``count`` 0: still blank)."""

    cycle: str
    round: str
    count: int

    def to_dict(self) -> dict[str, Any]:
        """``{"cycle", "round", "count"}``."""
        return {"cycle": self.cycle, "round": self.round, "count": self.count}


@attrs.frozen
class Coverage:
    """One :class:`CoverageCell` for every cycle and round, in the framework's order."""

    cells: tuple[CoverageCell, ...] = attrs.field(converter=to_tuple)

    def __iter__(self) -> Iterator[CoverageCell]:
        return iter(self.cells)

    def __len__(self) -> int:
        return len(self.cells)

    def count(self, cycle: str, round: str) -> int:
        """The count of one cell; ``KeyError`` for a cell that is not listed."""
        for cell in self.cells:
            if cell.cycle == cycle and cell.round == round:
                return cell.count
        raise KeyError((cycle, round))

    def blank(self) -> tuple[CoverageCell, ...]:
        """The cells with nothing in them yet."""
        return tuple(c for c in self.cells if c.count == 0)

    def to_dict(self) -> dict[str, Any]:
        """``{"coverage": [...]}``, the shape of ``query coverage --json``."""
        return {"coverage": [c.to_dict() for c in self.cells]}


@attrs.frozen
class ChainLink:
    """One ``flows`` link of a chain: declared or not, and the stories behind it.

    ``stories`` are the ids of the stories in which a step citing ``from_``
    is followed by a step citing ``to``; ``substantiated`` counts those
    whose verification status is ``substantiated``.
    """

    from_: str
    to: str
    declared: bool
    stories: tuple[str, ...] = attrs.field(converter=to_tuple)
    substantiated: int

    @property
    def support(self) -> int:
        """How many stories stand behind the link."""
        return len(self.stories)

    def to_dict(self) -> dict[str, Any]:
        """``{"from", "to", "declared", "stories", "substantiated"}``."""
        return {
            "from": self.from_,
            "to": self.to,
            "declared": self.declared,
            "stories": list(self.stories),
            "substantiated": self.substantiated,
        }


@attrs.frozen
class Chain:
    """A value chain: a path of ``flows`` links between indicators.

    ``weakest`` is the smallest story support of any link; ``support`` the
    sum of the links' supports.
    """

    indicators: tuple[str, ...] = attrs.field(converter=to_tuple)
    links: tuple[ChainLink, ...] = attrs.field(converter=to_tuple)

    @property
    def weakest(self) -> int:
        """The story count of the weakest link."""
        return min(link.support for link in self.links)

    @property
    def support(self) -> int:
        """The story counts of all links, added up."""
        return sum(link.support for link in self.links)

    def to_dict(self) -> dict[str, Any]:
        """``{"indicators", "links", "weakest"}``."""
        return {
            "indicators": list(self.indicators),
            "links": [link.to_dict() for link in self.links],
            "weakest": self.weakest,
        }


@attrs.frozen
class Chains:
    """The chains found between two cycles, and whether more exist (``truncated``)."""

    from_cycle: str
    to_cycle: str
    chains: tuple[Chain, ...] = attrs.field(converter=to_tuple)
    truncated: bool

    def __iter__(self) -> Iterator[Chain]:
        return iter(self.chains)

    def __len__(self) -> int:
        return len(self.chains)

    def to_dict(self) -> dict[str, Any]:
        """``{"chains": [...], "truncated": bool}``, the shape of ``query chains --json``."""
        return {"chains": [c.to_dict() for c in self.chains], "truncated": self.truncated}


@attrs.frozen
class UpstreamIndicator:
    """An indicator and the evidence for it: stories citing it, observations by kind.

    ``distance`` is the fewest ``flows`` links from it to the indicator asked
    about (0 for that indicator itself).
    """

    indicator: str
    cycle: str | None
    distance: int
    stories: tuple[str, ...] = attrs.field(converter=to_tuple)
    effect: int
    contribution: int

    def to_dict(self) -> dict[str, Any]:
        """``{"indicator", "cycle", "distance", "stories", "observations": {...}}``."""
        return {
            "indicator": self.indicator,
            "cycle": self.cycle,
            "distance": self.distance,
            "stories": list(self.stories),
            "observations": {"effect": self.effect, "contribution": self.contribution},
        }


@attrs.frozen
class Upstream:
    """What supports an indicator: the indicators that flow into it, near or far.

    ``target`` is the indicator itself with its own evidence; ``upstream``
    the indicators from which a path of ``flows`` links leads to it, nearest
    first; ``links`` every ``flows`` link among them and into the target.
    """

    target: UpstreamIndicator
    upstream: tuple[UpstreamIndicator, ...] = attrs.field(converter=to_tuple)
    links: tuple[ChainLink, ...] = attrs.field(converter=to_tuple)

    def to_dict(self) -> dict[str, Any]:
        """``{"indicator", "cycle", "stories", "observations", "upstream", "links"}``."""
        own = self.target.to_dict()
        del own["distance"]
        return {
            **own,
            "upstream": [u.to_dict() for u in self.upstream],
            "links": [link.to_dict() for link in self.links],
        }
