"""The case: one community's plan, cycle by round, and the evidence gathered for it."""

from __future__ import annotations

import datetime as _dt
import itertools
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar, Final, Literal

import attrs
import orjson

from valuecycles._text import (
    KEY,
    REQUIRED,
    Converter,
    Invalid,
    check_date,
    check_extra,
    check_id,
    check_number,
    check_period,
    check_str,
    check_text,
    check_value,
    field_validator,
    id_tuple,
    optional,
    to_tuple,
)
from valuecycles.framework import Framework
from valuecycles.model._types import (
    AGGREGATIONS,
    CONDITION_KINDS,
    CONSENTS,
    DIRECTIONS,
    EVIDENCE_KINDS,
    INDICATOR_KINDS,
    VERIFICATION_STATUSES,
    Aggregation,
    ConditionKind,
    Consent,
    Direction,
    EvidenceKind,
    Extra,
    Id,
    IndicatorKind,
    Period,
    Text,
    Value,
    VerificationStatus,
    enum_for,
)

__all__ = [
    "ROUND_FIELDS",
    "SCHEMA_VERSION",
    "Aspiration",
    "Case",
    "Community",
    "Condition",
    "CyclePlan",
    "DataSource",
    "Derivation",
    "Flow",
    "Indicator",
    "Measure",
    "Observation",
    "Provenance",
    "Step",
    "Story",
    "Verification",
]

#: The document version this library writes and reads without migration.
SCHEMA_VERSION: Final = 1

_id = field_validator(check_id)
_text = field_validator(check_text)
_opt_str = field_validator(optional(check_str))
_opt_date = field_validator(optional(check_date))
_extra = field_validator(check_extra)


def _enum(values: tuple[str, ...]) -> Any:
    return field_validator(enum_for(values))


def _each_id(_inst: object, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    for i, item in enumerate(value):
        try:
            check_id(item)
        except Invalid as exc:
            raise (TypeError if exc.type_error else ValueError)(
                f"{attribute.name}[{i}]: {exc.message}"
            ) from None


def _each(cls: type) -> Any:
    def validate(_inst: object, attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
        if all(map(isinstance, value, itertools.repeat(cls))):
            return  # a case may hold 100,000 observations: check them without a loop
        for i, item in enumerate(value):
            if not isinstance(item, cls):
                raise TypeError(
                    f"{attribute.name}[{i}]: expected {cls.__name__}, got {type(item).__name__}"
                )

    return validate


def _extra_field() -> Any:
    return attrs.field(factory=dict, validator=_extra, kw_only=True)


@attrs.frozen
class Community:
    """The community whose value the case plans and assesses."""

    name: Text = attrs.field(validator=_text)
    description: str | None = attrs.field(default=None, validator=_opt_str)
    extra: Extra = _extra_field()


@attrs.frozen
class Measure:
    """A value at a date: an indicator's baseline, target or milestone."""

    value: int | float = attrs.field(validator=field_validator(check_number))
    date: _dt.date | None = attrs.field(default=None, validator=_opt_date)


@attrs.frozen
class Aspiration:
    """What the community hopes for in a cycle."""

    id: Id = attrs.field(validator=_id)
    text: Text = attrs.field(validator=_text)
    extra: Extra = _extra_field()


@attrs.frozen
class Condition:
    """What must be in place (an ``enabler``) or could get in the way (a ``risk``).

    ``supports`` lists the aspirations the condition enables or, for a risk,
    threatens.
    """

    id: Id = attrs.field(validator=_id)
    text: Text = attrs.field(validator=_text)
    kind: ConditionKind = attrs.field(default="enabler", validator=_enum(CONDITION_KINDS))
    supports: tuple[Id, ...] = attrs.field(default=(), converter=id_tuple, validator=_each_id)
    mitigation: str | None = attrs.field(default=None, validator=_opt_str)
    extra: Extra = _extra_field()


@attrs.frozen
class Indicator:
    """Something that would tell whether value is being created.

    ``signals`` lists the aspirations it gives evidence of. ``direction``
    says which way is better; ``aggregation`` how observations in one period
    combine (``latest``, ``sum``, ``mean`` or ``count``).
    """

    id: Id = attrs.field(validator=_id)
    name: Text = attrs.field(validator=_text)
    kind: IndicatorKind = attrs.field(default="quantitative", validator=_enum(INDICATOR_KINDS))
    unit: str | None = attrs.field(default=None, validator=_opt_str)
    direction: Direction = attrs.field(default="increase", validator=_enum(DIRECTIONS))
    aggregation: Aggregation = attrs.field(default="latest", validator=_enum(AGGREGATIONS))
    baseline: Measure | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(Measure))
    )
    target: Measure | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(Measure))
    )
    milestones: tuple[Measure, ...] = attrs.field(
        default=(), converter=to_tuple, validator=_each(Measure)
    )
    signals: tuple[Id, ...] = attrs.field(default=(), converter=id_tuple, validator=_each_id)
    description: str | None = attrs.field(default=None, validator=_opt_str)
    extra: Extra = _extra_field()


#: The periods a derived figure can cover.
DerivePer = Literal["week", "month", "quarter", "year"]
DERIVE_PERS: tuple[DerivePer, ...] = ("week", "month", "quarter", "year")


@attrs.frozen
class Derivation:
    """How a data source's figures are computed from an event log (its ``derive:``).

    ``events`` names an events file or table (given when deriving),
    ``metric`` a registered metric (``active-members``, ...), ``per`` the
    period of each figure. ``indicator`` says which of the source's
    indicators the figures feed (needed only when it feeds several).
    ``action`` keeps only those actions, ``where`` only events whose
    columns or attributes have those values; ``params`` are the metric's own.

    >>> import valuecycles as vc
    >>> vc.Derivation(events="forum", metric="active-members").per
    'month'
    """

    events: Id = attrs.field(validator=_id)
    metric: Id = attrs.field(validator=_id)
    per: DerivePer = attrs.field(default="month", validator=_enum(DERIVE_PERS))
    indicator: Id | None = attrs.field(default=None, validator=field_validator(optional(check_id)))
    action: tuple[Id, ...] = attrs.field(default=(), converter=id_tuple, validator=_each_id)
    where: Extra = attrs.field(factory=dict, validator=_extra)
    params: Extra = attrs.field(factory=dict, validator=_extra)


@attrs.frozen
class DataSource:
    """Data to collect: how (``method``), how often (``cadence``), by whom (``owner``).

    ``indicators`` lists the indicators the data feeds; ``derive`` (a
    :class:`Derivation`) says how to compute them from an event log.
    """

    id: Id = attrs.field(validator=_id)
    name: Text = attrs.field(validator=_text)
    method: str | None = attrs.field(default=None, validator=_opt_str)
    cadence: str | None = attrs.field(default=None, validator=_opt_str)
    owner: str | None = attrs.field(default=None, validator=_opt_str)
    indicators: tuple[Id, ...] = attrs.field(default=(), converter=id_tuple, validator=_each_id)
    derive: Derivation | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(Derivation))
    )
    extra: Extra = _extra_field()


#: The rounds' keys and the element class each round holds, in order.
ROUND_FIELDS: Final = {
    "aspirations": Aspiration,
    "conditions": Condition,
    "indicators": Indicator,
    "data": DataSource,
}


@attrs.frozen
class CyclePlan:
    """One cycle of the plan: its four rounds."""

    # A document may write ``immediate: null`` (or nothing) for an empty cycle.
    __valuecycles_null_is_empty__: ClassVar[bool] = True

    aspirations: tuple[Aspiration, ...] = attrs.field(
        default=(), converter=to_tuple, validator=_each(Aspiration)
    )
    conditions: tuple[Condition, ...] = attrs.field(
        default=(), converter=to_tuple, validator=_each(Condition)
    )
    indicators: tuple[Indicator, ...] = attrs.field(
        default=(), converter=to_tuple, validator=_each(Indicator)
    )
    data: tuple[DataSource, ...] = attrs.field(
        default=(), converter=to_tuple, validator=_each(DataSource)
    )

    def __bool__(self) -> bool:
        return bool(self.aspirations or self.conditions or self.indicators or self.data)


@attrs.frozen
class Flow:
    """A declared flow of value from one indicator to another.

    In a document the source is the key ``from``; in Python it is ``from_``.
    """

    from_: Id = attrs.field(validator=_id, metadata={KEY: "from"})
    to: Id = attrs.field(validator=_id)
    rationale: str | None = attrs.field(default=None, validator=_opt_str)
    extra: Extra = _extra_field()


@attrs.frozen
class Provenance:
    """Where a derived observation came from: written by ``derive``, absent when typed in.

    ``metric`` and ``params`` (the period, action filter, ``where.KEY``
    conditions, the privacy threshold ``k``) say how the figure was
    computed, ``events`` is the fingerprint of the events it was computed
    from (``sha256:...``), ``at`` when (an ISO 8601 time in UTC).

    >>> import valuecycles as vc
    >>> vc.Provenance(metric="actions", events="sha256:ab12", at="2026-02-01T06:00:00Z").params
    {}
    """

    metric: Id = attrs.field(validator=_id)
    events: Text = attrs.field(validator=_text)
    at: Text = attrs.field(validator=_text)
    params: Extra = attrs.field(factory=dict, validator=_extra)


@attrs.frozen
class Observation:
    """One value of an indicator at a date.

    ``value`` is a number for a quantitative indicator and a text for a
    qualitative one. ``evidence`` says whether the value shows that a change
    happened (``effect``) or that the community contributed to it
    (``contribution``). ``period`` is the time the value covers (``2026``,
    ``2026-Q1`` or ``2026-01``). ``provenance`` says how ``derive`` computed it.
    """

    id: Id | None = attrs.field(
        default=None, validator=field_validator(optional(check_id)), kw_only=True
    )
    indicator: Id = attrs.field(validator=_id)
    date: _dt.date = attrs.field(validator=field_validator(check_date))
    value: Value = attrs.field(validator=field_validator(check_value))
    period: Period | None = attrs.field(
        default=None, validator=field_validator(optional(check_period))
    )
    source: Id | None = attrs.field(default=None, validator=field_validator(optional(check_id)))
    evidence: EvidenceKind = attrs.field(default="effect", validator=_enum(EVIDENCE_KINDS))
    dimensions: dict[str, str] = attrs.field(factory=dict, validator=field_validator(check_extra))
    note: str | None = attrs.field(default=None, validator=_opt_str)
    provenance: Provenance | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(Provenance))
    )
    extra: Extra = _extra_field()


@attrs.frozen
class Verification:
    """Whether someone has checked a story (as in Outcome Harvesting)."""

    status: VerificationStatus = attrs.field(
        default="unverified", validator=_enum(VERIFICATION_STATUSES)
    )
    by: str | None = attrs.field(default=None, validator=_opt_str)
    date: _dt.date | None = attrs.field(default=None, validator=_opt_date)
    note: str | None = attrs.field(default=None, validator=_opt_str)


@attrs.frozen
class Step:
    """One step of a value-creation story, in one cycle.

    ``aspirational`` marks a step that is hoped for, to be confirmed later,
    rather than grounded in what happened.
    """

    cycle: Id = attrs.field(validator=_id)
    text: Text = attrs.field(validator=_text)
    indicators: tuple[Id, ...] = attrs.field(default=(), converter=id_tuple, validator=_each_id)
    observations: tuple[Id, ...] = attrs.field(default=(), converter=id_tuple, validator=_each_id)
    aspirational: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))
    extra: Extra = _extra_field()


@attrs.frozen
class Story:
    """A value-creation story: one person's account, step by step across cycles.

    ``consent`` says what a report may show of the narrator: ``public``
    (their name), ``internal`` (their name, inside the organisation) or
    ``anonymous`` (nothing).
    """

    id: Id = attrs.field(validator=_id)
    title: Text = attrs.field(validator=_text)
    narrator: str | None = attrs.field(default=None, validator=_opt_str)
    consent: Consent = attrs.field(default="internal", validator=_enum(CONSENTS))
    date: _dt.date | None = attrs.field(default=None, validator=_opt_date)
    tags: tuple[str, ...] = attrs.field(default=(), converter=id_tuple)
    verification: Verification = attrs.field(
        factory=Verification, validator=attrs.validators.instance_of(Verification)
    )
    steps: tuple[Step, ...] = attrs.field(converter=to_tuple, validator=_each(Step), kw_only=True)
    extra: Extra = _extra_field()


def _cycles(value: Mapping[str, CyclePlan]) -> dict[str, CyclePlan]:
    return dict(value)


def _check_cycles(_inst: object, _attribute: attrs.Attribute[Any], value: dict[str, Any]) -> None:
    for key, plan in value.items():
        try:
            check_id(key)
        except Invalid as exc:
            raise ValueError(f"cycles: {exc.message}") from None
        if not isinstance(plan, CyclePlan):
            raise TypeError(f"cycles[{key!r}]: expected CyclePlan, got {type(plan).__name__}")


@attrs.frozen
class Case:
    """One community's case: its plan, cycle by round, and its evidence.

    ``cycles`` maps a cycle's key to its :class:`CyclePlan`; an absent cycle
    is the same as an empty one. Models are frozen: the ``with_*`` methods
    return a new case.

    >>> import valuecycles as vc
    >>> case = vc.Case(community=vc.Community(name="Evaluators"))
    >>> case.framework
    'wenger-trayner'
    >>> case.plan("immediate")
    CyclePlan(aspirations=(), conditions=(), indicators=(), data=())
    """

    schema_version: int = attrs.field(
        default=SCHEMA_VERSION,
        validator=field_validator(check_number),
        kw_only=True,
        metadata={REQUIRED: True},
    )
    framework: Id = attrs.field(
        default="wenger-trayner", validator=_id, kw_only=True, metadata={REQUIRED: True}
    )
    framework_version: str | None = attrs.field(default=None, validator=_opt_str, kw_only=True)
    community: Community = attrs.field(
        validator=attrs.validators.instance_of(Community), kw_only=True
    )
    cycles: dict[str, CyclePlan] = attrs.field(
        factory=dict, converter=_cycles, validator=_check_cycles, kw_only=True
    )
    flows: tuple[Flow, ...] = attrs.field(
        default=(), converter=to_tuple, validator=_each(Flow), kw_only=True
    )
    observations: tuple[Observation, ...] = attrs.field(
        default=(), converter=to_tuple, validator=_each(Observation), kw_only=True
    )
    stories: tuple[Story, ...] = attrs.field(
        default=(), converter=to_tuple, validator=_each(Story), kw_only=True
    )
    extra: Extra = _extra_field()

    def to_dict(self) -> dict[str, Any]:
        """The case as JSON-ready data in the document's own shape (dates as ``YYYY-MM-DD``).

        :func:`valuecycles.loads` reads it back as the same case.

        >>> import valuecycles as vc
        >>> vc.Case(community=vc.Community(name="Evaluators")).to_dict()
        {'schema_version': 1, 'framework': 'wenger-trayner', 'community': {'name': 'Evaluators'}}
        """
        data: dict[str, Any] = orjson.loads(orjson.dumps(_writer().unstructure(self)))
        return data

    def plan(self, cycle: str, framework: Framework | None = None) -> CyclePlan:
        """The plan for one cycle, empty if the case has none.

        ``cycle`` is a framework cycle's key or any of its aliases: the plan
        is found under whichever key the document used (a case keyed
        ``reframing:`` answers ``plan("transformative")`` when the framework
        lists ``reframing`` as an alias of ``transformative``). ``framework``
        defaults to the registered framework the case names; without one, the
        key is looked up as written.

        >>> import valuecycles as vc
        >>> asp = vc.Aspiration(id="new-lens", text="We see audits differently")
        >>> case = vc.Case(community=vc.Community(name="Evaluators"),
        ...                cycles={"reframing": vc.CyclePlan(aspirations=[asp])})
        >>> [a.id for a in case.plan("transformative").aspirations]
        ['new-lens']
        >>> [key for key, _plan in case.plans()]
        ['transformative']
        """
        found = self.cycles.get(cycle)
        if found is not None:
            return found
        fw = framework if framework is not None else _framework_of(self)
        if fw is None:
            return CyclePlan()
        wanted = fw.resolve(cycle)
        if wanted is None:
            return CyclePlan()
        for key, plan in self.cycles.items():
            if fw.resolve(key) == wanted:
                return plan
        return CyclePlan()

    def plans(self, framework: Framework | None = None) -> list[tuple[str, CyclePlan]]:
        """Every cycle's plan as ``(canonical key, plan)``, in the framework's cycle order.

        A key that is an alias gives its cycle's canonical key; a key the
        framework does not know (which validation reports) comes after the
        framework's cycles, as written and in the document's order.
        ``framework`` defaults to the registered framework the case names;
        without one, the keys come as written in the document's order.

        >>> import valuecycles as vc
        >>> case = vc.Case(community=vc.Community(name="Evaluators"),
        ...                cycles={"applied": vc.CyclePlan(), "immediate": vc.CyclePlan()})
        >>> [key for key, _plan in case.plans()]
        ['immediate', 'applied']
        """
        return _canonical_plans(self, framework)

    def elements(self) -> Iterator[tuple[str, str, int, Any]]:
        """Every planned element as ``(cycle key, round key, index, element)``.

        Cycles come in the case's order with the document's keys (as error
        paths need them), rounds in the framework's order.
        """
        for cycle_key, plan in self.cycles.items():
            for round_key in ROUND_FIELDS:
                for i, element in enumerate(getattr(plan, round_key)):
                    yield cycle_key, round_key, i, element

    def aspirations(self, framework: Framework | None = None) -> Iterator[tuple[str, Aspiration]]:
        """Every aspiration with its cycle's canonical key, cycles in the framework's order.

        ``framework`` defaults to the registered framework the case names
        (see :meth:`plans` for keys it does not know).
        """
        for key, plan in _canonical_plans(self, framework):
            for item in plan.aspirations:
                yield key, item

    def conditions(self, framework: Framework | None = None) -> Iterator[tuple[str, Condition]]:
        """Every condition with its cycle's canonical key, cycles in the framework's order."""
        for key, plan in _canonical_plans(self, framework):
            for item in plan.conditions:
                yield key, item

    def indicators(self, framework: Framework | None = None) -> Iterator[tuple[str, Indicator]]:
        """Every indicator with its cycle's canonical key, cycles in the framework's order.

        >>> import valuecycles as vc
        >>> late = vc.CyclePlan(indicators=[vc.Indicator(id="adoption", name="Adoption")])
        >>> early = vc.CyclePlan(indicators=[vc.Indicator(id="attendance", name="Attendance")])
        >>> case = vc.Case(community=vc.Community(name="Evaluators"),
        ...                cycles={"applied": late, "immediate": early})
        >>> [(cycle, ind.id) for cycle, ind in case.indicators()]
        [('immediate', 'attendance'), ('applied', 'adoption')]
        """
        for key, plan in _canonical_plans(self, framework):
            for item in plan.indicators:
                yield key, item

    def data_sources(self, framework: Framework | None = None) -> Iterator[tuple[str, DataSource]]:
        """Every data source with its cycle's canonical key, cycles in the framework's order."""
        for key, plan in _canonical_plans(self, framework):
            for item in plan.data:
                yield key, item

    def until(self, as_of: _dt.date | None) -> Case:
        """The case as it stood on a date: observations and stories dated after it left out.

        A story without a date is kept. ``None`` means no limit (the case
        itself is returned). Every evidence function and query that takes
        ``as_of`` answers for this case.

        >>> import datetime, valuecycles as vc
        >>> ind = vc.Indicator(id="attendance", name="Members at the clinic")
        >>> case = vc.Case(community=vc.Community(name="Evaluators"),
        ...                cycles={"immediate": vc.CyclePlan(indicators=[ind])})
        >>> case = case.with_observations(*[
        ...     vc.Observation(indicator="attendance", date=datetime.date(2026, m, 28), value=v)
        ...     for m, v in ((1, 18), (2, 21))])
        >>> [o.value for o in case.until(datetime.date(2026, 1, 31)).observations]
        [18]
        """
        if as_of is None:
            return self
        if not isinstance(as_of, _dt.date) or isinstance(as_of, _dt.datetime):
            raise TypeError(f"as_of must be a date, not {type(as_of).__name__}")
        observations = [o for o in self.observations if o.date <= as_of]
        stories = [s for s in self.stories if s.date is None or s.date <= as_of]
        if len(observations) == len(self.observations) and len(stories) == len(self.stories):
            return self
        return attrs.evolve(self, observations=observations, stories=stories)

    def with_observations(self, *observations: Observation) -> Case:
        """A new case with these observations added after the existing ones.

        The case itself is unchanged (models are frozen); pass a list with
        ``*rows``. :func:`~valuecycles.validate` checks that each indicator
        and source exists and that the value fits the indicator.

        >>> import datetime, valuecycles as vc
        >>> ind = vc.Indicator(id="attendance", name="Members at the clinic")
        >>> case = vc.Case(community=vc.Community(name="Evaluators"),
        ...                cycles={"immediate": vc.CyclePlan(indicators=[ind])})
        >>> rows = [vc.Observation(indicator="attendance", date=datetime.date(2026, m, 28),
        ...                        value=v) for m, v in ((1, 18), (2, 21))]
        >>> new = case.with_observations(*rows)
        >>> len(case.observations), len(new.observations), vc.validate(new).valid
        (0, 2, True)
        >>> vc.progress(new)["attendance"].latest
        21
        """
        return attrs.evolve(self, observations=(*self.observations, *observations))

    def with_stories(self, *stories: Story) -> Case:
        """A new case with these stories added after the existing ones.

        The case itself is unchanged (models are frozen); check the new one
        with :func:`~valuecycles.validate`, which resolves what the steps cite.

        >>> import valuecycles as vc
        >>> case = vc.Case(community=vc.Community(name="Evaluators"))
        >>> story = vc.Story(id="first-answer", title="A first answer", steps=[
        ...     vc.Step(cycle="immediate", text="I asked in the forum"),
        ...     vc.Step(cycle="applied", text="I used the answer", aspirational=True)])
        >>> new = case.with_stories(story)
        >>> len(case.stories), len(new.stories), vc.validate(new).valid
        (0, 1, True)
        """
        return attrs.evolve(self, stories=(*self.stories, *stories))

    def with_plan(self, cycle: str, plan: CyclePlan) -> Case:
        """A new case whose plan for ``cycle`` is replaced by ``plan``."""
        cycles = dict(self.cycles)
        cycles[cycle] = plan
        return attrs.evolve(self, cycles=cycles)


_WRITERS: list[Converter] = []


def _writer() -> Converter:
    """The converter that writes a case as plain data (made on first use)."""
    if not _WRITERS:
        _WRITERS.append(Converter())
    return _WRITERS[0]


def _framework_of(case: Case) -> Framework | None:
    """The registered framework the case names, or ``None`` when there is none."""
    from valuecycles.framework import case_framework

    try:
        return case_framework(case.framework, case.framework_version)
    except Exception:  # an unknown framework or a broken plugin: validation says so
        return None


def _canonical_plans(case: Case, framework: Framework | None) -> list[tuple[str, CyclePlan]]:
    fw = framework if framework is not None else _framework_of(case)
    if fw is None:
        return list(case.cycles.items())
    position = {key: n for n, key in enumerate(fw.cycle_keys)}
    last = len(position)
    ranked = []
    for n, (key, plan) in enumerate(case.cycles.items()):
        canonical = fw.resolve(key) or key
        ranked.append((position.get(canonical, last), n, canonical, plan))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [(canonical, plan) for _rank, _n, canonical, plan in ranked]
