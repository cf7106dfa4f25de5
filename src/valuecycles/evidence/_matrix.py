"""The value-creation matrix: stories by cycles, one cell per step."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator
from typing import Any, Final

import attrs

from valuecycles._text import to_tuple
from valuecycles.evidence._common import JSON_VERSION, data_frame, framework_or_none
from valuecycles.framework import Framework
from valuecycles.model import Case

__all__ = ["Matrix", "MatrixCell", "matrix"]


@attrs.frozen
class MatrixCell:
    """One step of one story, in its cycle's column.

    ``cycle`` is the canonical key (an alias is resolved); ``step`` the
    step's index in its story, counted from 0 as in every export (the
    command line's tables say "step 1" for index 0). ``indicators`` and ``observations``
    are the ids the step cites; ``effect`` and ``contribution`` count the
    cited observations that are effect data and contribution data (an id
    the case does not hold counts as neither).
    """

    story: str
    cycle: str
    step: int
    text: str
    aspirational: bool
    indicators: tuple[str, ...] = attrs.field(converter=to_tuple)
    observations: tuple[str, ...] = attrs.field(converter=to_tuple)
    effect: int
    contribution: int

    def to_dict(self) -> dict[str, Any]:
        """``{"story", "cycle", "step", "text", "aspirational", "indicators",
        "observations", "effect", "contribution"}``: one cell of ``query matrix --json``."""
        return {
            "story": self.story,
            "cycle": self.cycle,
            "step": self.step,
            "text": self.text,
            "aspirational": self.aspirational,
            "indicators": list(self.indicators),
            "observations": list(self.observations),
            "effect": self.effect,
            "contribution": self.contribution,
        }


@attrs.frozen
class Matrix:
    """Stories (rows) by cycles (columns): the cells are the stories' steps.

    ``cycles`` are the framework's cycles in order (then any cycle a step
    names that the framework does not know); ``stories`` every story id in
    the case's order, even one without a step; ``cells`` one per step,
    story by story, in step order. A story that comes back to a cycle has
    several cells there. ``citations`` is the reverse view: for every
    indicator of the case (cited or not) and every other indicator id a
    step cites, the cells citing it.
    """

    cycles: tuple[str, ...] = attrs.field(converter=to_tuple)
    stories: tuple[str, ...] = attrs.field(converter=to_tuple)
    cells: tuple[MatrixCell, ...] = attrs.field(converter=to_tuple)
    citations: dict[str, tuple[MatrixCell, ...]]

    def __iter__(self) -> Iterator[MatrixCell]:
        return iter(self.cells)

    def __len__(self) -> int:
        return len(self.cells)

    def cell(self, story: str, cycle: str) -> tuple[MatrixCell, ...]:
        """The cells of one story in one cycle (empty when it has no step there)."""
        return tuple(c for c in self.cells if c.story == story and c.cycle == cycle)

    def citing(self, indicator: str) -> tuple[MatrixCell, ...]:
        """The steps that cite an indicator, story by story (the reverse view)."""
        return self.citations.get(indicator, ())

    def to_dict(self) -> dict[str, Any]:
        """``{"schema_version": 1, "cycles", "stories", "cells", "citations"}``.

        The shape of ``query matrix --json``: ``cycles`` and ``stories`` are
        lists of keys and ids, ``cells`` one :meth:`MatrixCell.to_dict` per
        step, ``citations`` maps each indicator id to the steps citing it,
        ``[{"story", "step"}]`` (steps counted from 0).
        """
        return {
            "schema_version": JSON_VERSION,
            "cycles": list(self.cycles),
            "stories": list(self.stories),
            "cells": [c.to_dict() for c in self.cells],
            "citations": {
                ind: [{"story": c.story, "step": c.step} for c in cells]
                for ind, cells in self.citations.items()
            },
        }

    def to_frame(self) -> Any:
        """The cells as a pandas DataFrame, one row a step.

        Columns: ``story``, ``cycle``, ``step`` (from 0), ``text``,
        ``aspirational``, ``indicators`` and ``observations`` (the cited
        ids joined by ``;``), ``effect`` and ``contribution`` (how many cited
        observations of each kind). Needs pandas (``pip install
        'valuecycles[frames]'``).

        >>> import valuecycles as vc
        >>> frame = vc.matrix(vc.load("examples/small-network.yaml")).to_frame()
        >>> frame[["story", "cycle", "step"]].head(2).values.tolist()
        [['checklist-story', 'immediate', 0], ['checklist-story', 'potential', 1]]
        """
        return data_frame(
            [
                (
                    c.story,
                    c.cycle,
                    c.step,
                    c.text,
                    c.aspirational,
                    ";".join(c.indicators),
                    ";".join(c.observations),
                    c.effect,
                    c.contribution,
                )
                for c in self.cells
            ],
            MATRIX_COLUMNS,
        )


#: The columns of :meth:`Matrix.to_frame`.
MATRIX_COLUMNS: Final = (
    "story",
    "cycle",
    "step",
    "text",
    "aspirational",
    "indicators",
    "observations",
    "effect",
    "contribution",
)


def matrix(
    case: Case, framework: Framework | None = None, *, as_of: _dt.date | None = None
) -> Matrix:
    """The value-creation matrix of a case, and which steps cite each indicator.

    ``framework`` defaults to the one the case names (a case naming a
    framework that is not registered keeps its cycle keys as written, in
    the order the stories first use them). ``as_of`` leaves out the stories
    and observations dated after it (no limit by default): a later story
    has no row, and a cited observation dated later counts as neither
    effect nor contribution.

    >>> import valuecycles as vc
    >>> steps = [vc.Step(cycle="immediate", text="I asked", indicators=["rt"]),
    ...          vc.Step(cycle="applied", text="I used it", aspirational=True)]
    >>> case = vc.Case(community=vc.Community(name="Evaluators"),
    ...                stories=[vc.Story(id="s1", title="An answer", steps=steps)])
    >>> m = vc.matrix(case)
    >>> [(c.cycle, c.step, c.aspirational) for c in m.cells]
    [('immediate', 0, False), ('applied', 1, True)]
    >>> [(c.story, c.step) for c in m.citing("rt")]
    [('s1', 0)]
    """
    case = case.until(as_of)
    fw = framework_or_none(case, framework)
    resolve = fw.resolve if fw is not None else None
    cycles: dict[str, None] = dict.fromkeys(fw.cycle_keys) if fw is not None else {}
    contribution: dict[str, bool] = {
        obs.id: obs.evidence == "contribution" for obs in case.observations if obs.id is not None
    }
    citations: dict[str, list[MatrixCell]] = {ind.id: [] for _c, ind in case.indicators(fw)}
    cells: list[MatrixCell] = []
    for story in case.stories:
        for n, step in enumerate(story.steps):
            cycle = (resolve(step.cycle) if resolve else None) or step.cycle
            if cycle not in cycles:
                cycles[cycle] = None
            effect = contrib = 0
            for ref in step.observations:
                kind = contribution.get(ref)
                if kind is True:
                    contrib += 1
                elif kind is False:
                    effect += 1
            cell = MatrixCell(
                story=story.id,
                cycle=cycle,
                step=n,
                text=step.text,
                aspirational=step.aspirational,
                indicators=step.indicators,
                observations=step.observations,
                effect=effect,
                contribution=contrib,
            )
            cells.append(cell)
            for ref in dict.fromkeys(step.indicators):
                citations.setdefault(ref, []).append(cell)
    return Matrix(
        cycles=tuple(cycles),
        stories=tuple(s.id for s in case.stories),
        cells=cells,
        citations={ind: tuple(found) for ind, found in citations.items()},
    )
