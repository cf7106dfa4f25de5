"""An example valuecycles plugin: a partnership's in-house model of value.

The entry point ``partnership-model`` in the group ``valuecycles.frameworks``
names :func:`framework`, which valuecycles calls the first time a case or a
command asks for that framework.
"""

from __future__ import annotations

import valuecycles as vc

__all__ = ["NAME", "framework"]

NAME = "partnership-model"

# The in-house stage, the guide's cycle it corresponds to, and how the
# partnership describes it.
_STAGES = (
    ("participation", "immediate", "Taking part in the partnership's meetings and exchanges."),
    ("learning", "potential", "What partners take away: knowledge, tools, contacts, confidence."),
    ("practice", "applied", "What partners do differently in their own organisations."),
    ("results", "realized", "The difference those changes make to the people partners serve."),
    ("sponsorship", "strategic", "How the partnership stays useful to its funders and boards."),
)


def framework() -> vc.Framework:
    """The partnership's framework, built from the guide's cycles.

    Each stage takes the guide's guidance for its cycle and keeps the
    guide's key as an alias, so a case that says ``applied`` loads as
    ``practice``.
    """
    guide = vc.load_framework()
    cycles = []
    for key, guide_key, description in _STAGES:
        base = guide.cycle(guide_key)
        cycles.append(
            vc.Cycle(
                key=key,
                name=f"{key.capitalize()} value",
                description=description,
                role=base.role,
                aliases=(guide_key,),
                guidance=dict(base.guidance),
            )
        )
    return vc.Framework(
        name=NAME,
        version="1",
        title="Partnership model of value",
        source="valuecycles example plugin, mapped to the Wenger-Trayner cycles",
        cycles=cycles,
        rounds=guide.rounds,
    )
