"""The framework's vocabulary: cycles, rounds and the guidance of each cell."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

import attrs

from valuecycles._text import non_empty_str, optional_str, str_tuple
from valuecycles.errors import UnknownKeyError

__all__ = [
    "DEFAULT_ROUNDS",
    "ROLES",
    "Cycle",
    "Framework",
    "Guidance",
    "Role",
    "Round",
]

Role = Literal["chain", "cross-cutting"]
#: The roles a cycle can have: part of the value chain, or cutting across it.
ROLES: tuple[Role, ...] = ("chain", "cross-cutting")


def _to_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(value)


@attrs.frozen
class Guidance:
    """The guide's help for one round of one cycle.

    ``lead`` is the phrase that introduces the examples ("Do you want to
    see:"), ``questions`` the key questions and ``examples`` the example
    prompts. Every list in the guide ends open, for the community's own
    items: ``open_ended`` says so instead of an empty example.
    """

    lead: str = attrs.field(default="", validator=attrs.validators.instance_of(str))
    questions: tuple[str, ...] = attrs.field(default=(), converter=str_tuple)
    examples: tuple[str, ...] = attrs.field(default=(), converter=str_tuple)
    open_ended: bool = attrs.field(default=True, validator=attrs.validators.instance_of(bool))


@attrs.frozen
class Round:
    """One of the four rounds in which each cycle is planned."""

    key: str = attrs.field(validator=non_empty_str)
    name: str = attrs.field(validator=non_empty_str)
    description: str | None = attrs.field(default=None, validator=optional_str)


@attrs.frozen
class Cycle:
    """A cycle of value creation, such as immediate or realized value.

    ``role`` is ``"chain"`` for the cycles of the value chain (immediate,
    potential, applied, realized, transformative in the guide) and
    ``"cross-cutting"`` for those that cut across it (strategic, enabling).
    ``aliases`` are other keys that mean this cycle. ``guidance`` maps a
    round's key to its :class:`Guidance`.
    """

    key: str = attrs.field(validator=non_empty_str)
    name: str = attrs.field(validator=non_empty_str)
    description: str = attrs.field(default="", validator=attrs.validators.instance_of(str))
    role: Role = attrs.field(default="chain", validator=attrs.validators.in_(ROLES))
    aliases: tuple[str, ...] = attrs.field(default=(), converter=str_tuple)
    guidance: dict[str, Guidance] = attrs.field(factory=dict)


#: The guide's four rounds: a framework's rounds unless it names others.
DEFAULT_ROUNDS: tuple[Round, ...] = (
    Round("aspirations", "Aspirations", "What do we hope for?"),
    Round("conditions", "Conditions", "What must be in place for it to happen?"),
    Round("indicators", "Indicators", "What would tell us that it is happening?"),
    Round("data", "Data", "What could we collect to see those indicators?"),
)


@attrs.frozen
class Framework:
    """A value-creation framework: its cycles in order and its rounds in order.

    ``rounds`` default to the guide's four (aspirations, conditions,
    indicators, data).

    >>> import valuecycles
    >>> fw = valuecycles.load_framework()
    >>> [c.key for c in fw.cycles]
    ['immediate', 'potential', 'applied', 'realized', 'transformative', 'strategic', 'enabling']
    >>> fw.guidance("immediate", "data").lead
    'Would you collect:'
    """

    name: str = attrs.field(validator=non_empty_str)
    version: str = attrs.field(default="1", validator=attrs.validators.instance_of(str))
    cycles: tuple[Cycle, ...] = attrs.field(default=(), converter=_to_tuple)
    rounds: tuple[Round, ...] = attrs.field(default=DEFAULT_ROUNDS, converter=_to_tuple)
    title: str | None = attrs.field(default=None, validator=optional_str)
    description: str | None = attrs.field(default=None, validator=optional_str)
    source: str | None = attrs.field(default=None, validator=optional_str)
    extends: str | None = attrs.field(default=None, validator=optional_str)
    _index: dict[str, Cycle] = attrs.field(init=False, repr=False, eq=False)
    _chain: tuple[Cycle, ...] = attrs.field(init=False, repr=False, eq=False)
    _ranks: dict[str, int] = attrs.field(init=False, repr=False, eq=False)

    @_chain.default
    def _build_chain(self) -> tuple[Cycle, ...]:
        return tuple(c for c in self.cycles if c.role == "chain")

    @_ranks.default
    def _build_ranks(self) -> dict[str, int]:
        return {c.key: i for i, c in enumerate(self._chain)}

    @_index.default
    def _build_index(self) -> dict[str, Cycle]:
        index: dict[str, Cycle] = {}
        for cycle in self.cycles:
            index.setdefault(cycle.key, cycle)
        for cycle in self.cycles:
            for alias in cycle.aliases:
                index.setdefault(alias, cycle)
        return index

    @property
    def cycle_keys(self) -> tuple[str, ...]:
        """The cycles' keys, in the framework's order."""
        return tuple(c.key for c in self.cycles)

    @property
    def round_keys(self) -> tuple[str, ...]:
        """The rounds' keys, in order."""
        return tuple(r.key for r in self.rounds)

    @property
    def chain(self) -> tuple[Cycle, ...]:
        """The cycles of the value chain (role ``"chain"``), in order."""
        return self._chain

    def chain_rank(self, key: str) -> int | None:
        """A cycle's place in the value chain (0 for its first cycle), or ``None``.

        ``key`` may be an alias; a cross-cutting or unknown cycle has no place.

        >>> import valuecycles as vc
        >>> fw = vc.load_framework()
        >>> fw.chain_rank("applied"), fw.chain_rank("reframing"), fw.chain_rank("enabling")
        (2, 4, None)
        """
        cycle = self._index.get(key)
        return None if cycle is None else self._ranks.get(cycle.key)

    def resolve(self, key: str) -> str | None:
        """Return the canonical key of a cycle key or alias, or ``None``.

        >>> import valuecycles
        >>> valuecycles.load_framework().resolve("realized")
        'realized'
        >>> valuecycles.load_framework().resolve("orienting") is None
        True
        """
        cycle = self._index.get(key)
        return None if cycle is None else cycle.key

    def cycle(self, key: str) -> Cycle:
        """Return the cycle with this key (or alias).

        Raises :class:`UnknownKeyError`, naming the known cycles, for any
        other key.
        """
        try:
            return self._index[key]
        except KeyError:
            raise UnknownKeyError("cycle", key, self.cycle_keys, self.name) from None

    def round(self, key: str) -> Round:
        """Return the round with this key, or raise :class:`UnknownKeyError`."""
        for r in self.rounds:
            if r.key == key:
                return r
        raise UnknownKeyError("round", key, self.round_keys, self.name)

    def guidance(self, cycle_key: str, round_key: str) -> Guidance:
        """Return the guide's help for one round of one cycle.

        >>> import valuecycles
        >>> g = valuecycles.load_framework().guidance("applied", "indicators")
        >>> g.questions[0]
        'What are indicators that would suggest that application is happening?'
        >>> g.examples[0]
        'implementation of resolutions or action plans'
        """
        cycle = self.cycle(cycle_key)
        rnd = self.round(round_key)
        return cycle.guidance.get(rnd.key, Guidance())

    def position(self, key: str) -> int:
        """The index of a cycle (by key or alias) in the framework's order."""
        canonical = self.cycle(key).key
        return self.cycle_keys.index(canonical)
