"""Stories by reach and by what they cite."""

from __future__ import annotations

from valuecycles.framework._model import Framework
from valuecycles.graph._results import StoryList, StoryReach
from valuecycles.model._case import Case
from valuecycles.model._reach import story_cycles, story_reach

__all__ = ["select_stories"]


def select_stories(
    case: Case,
    framework: Framework,
    *,
    reaching: str | None = None,
    citing: str | None = None,
) -> StoryList:
    """The stories that reach a cycle and cite an element; see :meth:`ValueGraph.stories`."""
    chain = [c.key for c in framework.chain]
    target: str | None = None
    if reaching is not None:
        target = framework.cycle(reaching).key
    found = []
    for story in case.stories:
        cycles = story_cycles(story, framework)
        reach = story_reach(story, framework)
        if target is not None:
            if target in chain:
                if reach is None or chain.index(reach) < chain.index(target):
                    continue
            elif target not in cycles:
                continue
        if citing is not None and not any(
            citing in step.indicators or citing in step.observations for step in story.steps
        ):
            continue
        found.append(StoryReach(story.id, story.title, cycles, reach, story.verification.status))
    return StoryList(found)
