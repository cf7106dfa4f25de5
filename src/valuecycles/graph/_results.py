"""The typed results of the graph's queries, each with ``to_dict()`` (the ``--json`` shape)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator
from typing import Any, Final

import attrs

from valuecycles._text import data_frame, to_tuple
from valuecycles.evidence import StoryList, StoryReach

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
    "indicator-without-baseline",
    "indicator-without-target",
    "data-without-indicator",
    "data-overdue",
    "story-without-evidence",
)


#: The ``schema_version`` of every ``--json`` payload.
_JSON_VERSION: Final = 1


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
        """``{"kind", "id", "cycle", "message", "due"}`` as ``query gaps --json`` prints each.

        ``due`` is an ISO date, or null for a gap that is not about overdue data.
        """
        return {
            "kind": self.kind,
            "id": self.id,
            "cycle": self.cycle,
            "message": self.message,
            "due": None if self.due is None else self.due.isoformat(),
        }


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
        """``{"schema_version": 1, "as_of", "gaps": [...]}``, as ``query gaps --json`` prints."""
        return {
            "schema_version": _JSON_VERSION,
            "as_of": self.as_of.isoformat(),
            "gaps": [g.to_dict() for g in self.gaps],
        }

    def to_frame(self) -> Any:
        """The gaps as a pandas DataFrame, one row a gap.

        Columns: ``kind``, ``id``, ``cycle`` (``None`` for a story),
        ``message`` and ``due`` (a :class:`datetime.date`, ``None`` but for
        overdue data). Needs pandas (``pip install 'valuecycles[frames]'``).

        >>> import datetime, valuecycles as vc
        >>> vg = vc.build_graph(vc.load("examples/small-network.yaml"))
        >>> frame = vg.gaps(as_of=datetime.date(2026, 9, 1)).to_frame()
        >>> list(frame.columns)
        ['kind', 'id', 'cycle', 'message', 'due']
        >>> frame[frame.kind == "data-overdue"].id.tolist()
        ['forum-log', 'audit-survey']
        """
        return data_frame(
            [(g.kind, g.id, g.cycle, g.message, g.due) for g in self.gaps],
            ("kind", "id", "cycle", "message", "due"),
        )


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
        """``{"schema_version": 1, "coverage": [...]}``, as ``query coverage --json``."""
        return {"schema_version": _JSON_VERSION, "coverage": [c.to_dict() for c in self.cells]}

    def to_frame(self) -> Any:
        """The cells as a pandas DataFrame: columns ``cycle``, ``round``, ``count``.

        One row a cell, in the framework's order; ``frame.pivot(index="cycle",
        columns="round", values="count")`` gives the grid. Needs pandas
        (``pip install 'valuecycles[frames]'``).

        >>> import valuecycles as vc
        >>> frame = vc.build_graph(vc.load("examples/small-network.yaml")).coverage().to_frame()
        >>> frame.head(2).values.tolist()
        [['immediate', 'aspirations', 1], ['immediate', 'conditions', 1]]
        """
        return data_frame(
            [(c.cycle, c.round, c.count) for c in self.cells], ("cycle", "round", "count")
        )


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
        """``{"indicators", "links", "weakest", "support"}``."""
        return {
            "indicators": list(self.indicators),
            "links": [link.to_dict() for link in self.links],
            "weakest": self.weakest,
            "support": self.support,
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
        """``{"schema_version": 1, "from", "to", "chains": [...], "truncated"}``.

        The shape of ``query chains --json``; ``from`` and ``to`` are the
        canonical keys of the two cycles.
        """
        return {
            "schema_version": _JSON_VERSION,
            "from": self.from_cycle,
            "to": self.to_cycle,
            "chains": [c.to_dict() for c in self.chains],
            "truncated": self.truncated,
        }

    def to_frame(self) -> Any:
        """The chains' links as a pandas DataFrame, one row a link.

        Columns: ``chain`` (the chain's place in the list, from 0),
        ``link`` (the link's place in its chain, from 0), ``from``, ``to``,
        ``declared``, ``stories`` (ids joined by ``;``), ``substantiated``,
        and the chain's ``weakest`` and ``support`` on each of its rows.
        Needs pandas (``pip install 'valuecycles[frames]'``).

        >>> import valuecycles as vc
        >>> vg = vc.build_graph(vc.load("examples/small-network.yaml"))
        >>> frame = vg.chains("immediate", "applied").to_frame()
        >>> frame[["chain", "link", "from", "to"]].values.tolist()
        [[0, 0, 'response-time', 'checklist-adoption']]
        """
        return data_frame(
            [
                (
                    n,
                    k,
                    link.from_,
                    link.to,
                    link.declared,
                    ";".join(link.stories),
                    link.substantiated,
                    chain.weakest,
                    chain.support,
                )
                for n, chain in enumerate(self.chains)
                for k, link in enumerate(chain.links)
            ],
            (
                "chain",
                "link",
                "from",
                "to",
                "declared",
                "stories",
                "substantiated",
                "weakest",
                "support",
            ),
        )


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
        """``{"schema_version": 1, "indicator", "cycle", "stories", "observations",
        "upstream", "links"}``."""
        own = self.target.to_dict()
        del own["distance"]
        return {
            "schema_version": _JSON_VERSION,
            **own,
            "upstream": [u.to_dict() for u in self.upstream],
            "links": [link.to_dict() for link in self.links],
        }

    def to_frame(self) -> Any:
        """The indicator and those upstream of it as a pandas DataFrame, one row each.

        Columns: ``indicator``, ``cycle``, ``distance`` (0 for the indicator
        asked about, first), ``stories`` (ids joined by ``;``), ``effect``
        and ``contribution`` (observations of each kind). Needs pandas
        (``pip install 'valuecycles[frames]'``).

        >>> import valuecycles as vc
        >>> vg = vc.build_graph(vc.load("examples/small-network.yaml"))
        >>> vg.upstream("checklist-adoption").to_frame()[["indicator", "distance"]].values.tolist()
        [['checklist-adoption', 0], ['response-time', 1]]
        """
        return data_frame(
            [
                (u.indicator, u.cycle, u.distance, ";".join(u.stories), u.effect, u.contribution)
                for u in (self.target, *self.upstream)
            ],
            ("indicator", "cycle", "distance", "stories", "effect", "contribution"),
        )
