"""What a story reaches: the cycles it touches and the furthest value-chain cycle."""

from __future__ import annotations

from valuecycles.framework import Framework
from valuecycles.model._case import Story

__all__ = ["story_cycles", "story_reach"]


def story_cycles(story: Story, framework: Framework) -> tuple[str, ...]:
    """The cycles a story touches, canonical keys, in the order of its steps.

    A cycle the story comes back to is listed once, where it first appears;
    a step whose cycle the framework does not know is left out.
    """
    seen: dict[str, None] = {}
    for step in story.steps:
        key = framework.resolve(step.cycle)
        if key is not None:
            seen.setdefault(key, None)
    return tuple(seen)


def story_reach(story: Story, framework: Framework) -> str | None:
    """The furthest value-chain cycle (role ``chain``) the story has a step in.

    ``None`` when the story has no step in a cycle of the value chain.
    """
    best = -1
    for step in story.steps:
        rank = framework.chain_rank(step.cycle)
        if rank is not None and rank > best:
            best = rank
    return framework.chain[best].key if best >= 0 else None
