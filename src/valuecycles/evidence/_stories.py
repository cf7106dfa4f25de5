"""Story summaries: the cycles each story touches, its reach, its verification."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from valuecycles._text import to_tuple
from valuecycles.evidence._common import JSON_VERSION, data_frame, framework_for
from valuecycles.framework import Framework
from valuecycles.model import VERIFICATION_STATUSES, Case, story_cycles, story_reach

__all__ = ["StoryList", "StoryReach", "story_summaries"]


@attrs.frozen
class StoryReach:
    """A story in brief: the cycles it touches, in order, and its ``reach``.

    ``cycles`` are canonical cycle keys in the order the story first steps
    into them; ``reach`` is the furthest value-chain cycle (role ``chain``)
    it has a step in, ``None`` when it has none; ``verification`` is its
    verification status.
    """

    id: str
    title: str
    cycles: tuple[str, ...] = attrs.field(converter=to_tuple)
    reach: str | None
    verification: str

    def to_dict(self) -> dict[str, Any]:
        """``{"id", "title", "cycles", "reach", "verification"}``."""
        return {
            "id": self.id,
            "title": self.title,
            "cycles": list(self.cycles),
            "reach": self.reach,
            "verification": self.verification,
        }


@attrs.frozen
class StoryList:
    """Stories in the case's order, as ``query stories`` lists them."""

    stories: tuple[StoryReach, ...] = attrs.field(converter=to_tuple)

    def __iter__(self) -> Iterator[StoryReach]:
        return iter(self.stories)

    def __len__(self) -> int:
        return len(self.stories)

    def to_dict(self) -> dict[str, Any]:
        """``{"schema_version": 1, "stories": [...]}``, as ``query stories --json``."""
        return {"schema_version": JSON_VERSION, "stories": [s.to_dict() for s in self.stories]}

    def to_frame(self) -> Any:
        """The stories as a pandas DataFrame, one row a story.

        Columns: ``id``, ``title``, ``cycles`` (joined by ``;``), ``reach``
        (``None`` when the story reaches no value-chain cycle) and
        ``verification``. Needs pandas (``pip install 'valuecycles[frames]'``).

        >>> import valuecycles as vc
        >>> frame = vc.story_summaries(vc.load("examples/small-network.yaml")).to_frame()
        >>> frame[["id", "reach"]].to_dict("records")
        [{'id': 'checklist-story', 'reach': 'realized'}]
        """
        return data_frame(
            [(s.id, s.title, ";".join(s.cycles), s.reach, s.verification) for s in self.stories],
            ("id", "title", "cycles", "reach", "verification"),
        )


def _statuses(verification: str | Iterable[str] | None) -> frozenset[str] | None:
    if verification is None:
        return None
    wanted = frozenset((verification,) if isinstance(verification, str) else verification)
    unknown = sorted(wanted - set(VERIFICATION_STATUSES))
    if unknown:
        raise ValueError(
            f"unknown verification status {unknown[0]!r}; known: {', '.join(VERIFICATION_STATUSES)}"
        )
    return wanted


def story_summaries(
    case: Case,
    *,
    reaching: str | None = None,
    verification: str | Iterable[str] | None = None,
    citing: str | None = None,
    framework: Framework | None = None,
    as_of: _dt.date | None = None,
) -> StoryList:
    """Each story in brief (its cycles, reach and verification), in the case's order.

    ``reaching=C`` keeps the stories whose reach is the value-chain cycle C
    or one further along the chain; for a cross-cutting C (strategic,
    enabling), the stories with a step in C. An alias names its cycle.
    ``verification`` keeps the stories with that status (or any of several
    statuses); ``citing`` those with a step citing that indicator or
    observation id. ``framework`` defaults to the one the case names.
    ``as_of`` leaves out the stories dated after it (no limit by default).

    Raises :class:`~valuecycles.UnknownKeyError` for a cycle the framework
    does not know and :class:`ValueError` for an unknown status.

    >>> import valuecycles as vc
    >>> steps = [vc.Step(cycle="immediate", text="I asked"),
    ...          vc.Step(cycle="applied", text="I used the answer")]
    >>> case = vc.Case(community=vc.Community(name="Evaluators"),
    ...                stories=[vc.Story(id="s1", title="An answer", steps=steps)])
    >>> [s.reach for s in vc.story_summaries(case)]
    ['applied']
    >>> len(vc.story_summaries(case, reaching="realized"))
    0
    >>> vc.story_summaries(case, reaching="potential").to_dict()["stories"][0]["cycles"]
    ['immediate', 'applied']
    """
    case = case.until(as_of)
    fw = framework_for(case, framework)
    chain_rank = {c.key: i for i, c in enumerate(fw.chain)}
    statuses = _statuses(verification)
    target: str | None = None if reaching is None else fw.cycle(reaching).key
    target_rank = None if target is None else chain_rank.get(target)
    found: list[StoryReach] = []
    for story in case.stories:
        if statuses is not None and story.verification.status not in statuses:
            continue
        if citing is not None and not any(
            citing in step.indicators or citing in step.observations for step in story.steps
        ):
            continue
        cycles = story_cycles(story, fw)
        reach = story_reach(story, fw)
        if target is not None:
            if target_rank is not None:
                if reach is None or chain_rank[reach] < target_rank:
                    continue
            elif target not in cycles:
                continue
        found.append(StoryReach(story.id, story.title, cycles, reach, story.verification.status))
    return StoryList(found)
