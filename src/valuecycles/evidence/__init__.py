"""Evidence: indicator progress over time, value-creation stories and the matrix.

These queries need only the case, not the graph: :func:`story_summaries`
(what each story reaches), and, crossing indicators with stories, the
progress of each indicator and the value-creation matrix.
"""

from valuecycles.evidence._stories import StoryList, StoryReach, story_summaries

__all__ = ["StoryList", "StoryReach", "story_summaries"]
