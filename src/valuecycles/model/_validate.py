"""Whole-case validation: unique ids, references that resolve, cycles that exist."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Collection, Iterable
from typing import Final

from valuecycles.errors import (
    Problem,
    UnknownFrameworkError,
    ValidationReport,
    known_list,
    unknown_message,
)
from valuecycles.framework import Framework
from valuecycles.model._case import Case, Measure, Observation, Story

__all__ = ["check_case", "validate"]


def _article(noun: str) -> str:
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


class _Checker:
    def __init__(self, case: Case, framework: Framework | None, broken: Collection[str]) -> None:
        self.case = case
        self.framework = framework
        self.broken = set(broken)
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        # id -> (kind, path)
        self.ids: dict[str, tuple[str, str]] = {}
        self.by_kind: dict[str, dict[str, str]] = defaultdict(dict)
        self.indicator_cycle: dict[str, str] = {}
        self.indicator_kind: dict[str, str] = {}
        self.source_feeds: dict[str, tuple[str, ...]] = {}
        self.observation_indicator: dict[str, str] = {}

    def error(self, path: str, code: str, message: str) -> None:
        self.errors.append(Problem(path, code, message))

    def warn(self, path: str, code: str, message: str) -> None:
        self.warnings.append(Problem(path, code, message, severity="warning"))

    def canonical_cycle(self, key: str) -> str:
        if self.framework is None:
            return key
        return self.framework.resolve(key) or key

    # --- ids ---------------------------------------------------------------

    def declare(self, kind: str, ident: str, path: str) -> None:
        if ident in self.broken:
            return
        seen = self.ids.get(ident)
        if seen is not None:
            other_kind, other_path = seen
            self.error(
                f"{path}.id",
                "duplicate-id",
                f"id {ident!r} is already used by the {other_kind} at {other_path}; "
                "ids must be unique within a case",
            )
            return
        self.ids[ident] = (kind, path)
        self.by_kind[kind][ident] = path

    def resolve(self, kind: str, ident: str, path: str) -> bool:
        if ident in self.by_kind[kind]:
            return True
        if ident in self.broken:
            return False
        other = self.ids.get(ident)
        if other is not None:
            message = f"{ident!r} is {_article(other[0])} ({other[1]}), not {_article(kind)}"
            message += f"; known {kind}s: {known_list(self.by_kind[kind])}"
        else:
            message = unknown_message(kind, ident, self.by_kind[kind])
        self.error(path, "unknown-reference", message)
        return False

    # --- the passes --------------------------------------------------------

    def run(self) -> ValidationReport:
        self.check_framework()
        self.collect_ids()
        self.check_plan()
        self.check_flows()
        self.check_observations()
        self.check_stories()
        return ValidationReport(self.errors, self.warnings)

    def check_framework(self) -> None:
        case, fw = self.case, self.framework
        if fw is None:
            return
        if case.framework_version is not None and case.framework_version != fw.version:
            self.warn(
                "$.framework_version",
                "framework-version",
                f"the case was written for version {case.framework_version!r} of framework "
                f"{fw.name!r}, but version {fw.version!r} is loaded",
            )
        seen: dict[str, str] = {}
        for key in case.cycles:
            path = f"$.cycles.{key}"
            canonical = fw.resolve(key)
            if canonical is None:
                self.error(
                    path,
                    "unknown-cycle",
                    f"{unknown_message('cycle', key, fw.cycle_keys)} "
                    f"(framework {fw.name!r})".replace("; known:", "; known cycles:", 1),
                )
                continue
            if canonical in seen:
                self.error(
                    path,
                    "duplicate-cycle",
                    f"{key!r} and {seen[canonical]!r} are the same cycle "
                    f"({canonical!r}); merge them into one",
                )
            seen[canonical] = key

    def collect_ids(self) -> None:
        # The plan's elements are declared inline; only a repeated or broken
        # id goes through :meth:`declare`, which reports it.
        ids, broken, by_kind = self.ids, self.broken, self.by_kind
        indicator_cycle, indicator_kind = self.indicator_cycle, self.indicator_kind
        for cycle_key, plan in self.case.cycles.items():
            for round_key, kind in _ROUND_KIND.items():
                declared = by_kind[kind]
                for i, element in enumerate(getattr(plan, round_key)):
                    ident = element.id
                    path = f"$.cycles.{cycle_key}.{round_key}[{i}]"
                    if ident in ids or ident in broken:
                        self.declare(kind, ident, path)
                    else:
                        ids[ident] = (kind, path)
                        declared[ident] = path
            if plan.indicators:
                canonical = self.canonical_cycle(cycle_key)
                for ind in plan.indicators:
                    indicator_cycle.setdefault(ind.id, canonical)
                    indicator_kind.setdefault(ind.id, ind.kind)
            for src in plan.data:
                self.source_feeds.setdefault(src.id, src.indicators)
        self.declare_observations()
        for i, story in enumerate(self.case.stories):
            self.declare("story", story.id, f"$.stories[{i}]")

    def declare_observations(self) -> None:
        # A case may hold 100,000 observations: a new id is recorded inline,
        # and only a repeated or broken one goes through :meth:`declare`.
        ids, broken = self.ids, self.broken
        declared = self.by_kind["observation"]
        observation_indicator = self.observation_indicator
        for i, obs in enumerate(self.case.observations):
            ident = obs.id
            if ident is None:
                continue
            path = f"$.observations[{i}]"
            if ident in ids or ident in broken:
                self.declare("observation", ident, path)
            else:
                ids[ident] = ("observation", path)
                declared[ident] = path
            observation_indicator.setdefault(ident, obs.indicator)

    def check_plan(self) -> None:
        # Paths are made only for what is wrong: a plan may hold hundreds of references.
        aspirations = self.by_kind["aspiration"]
        indicators = self.by_kind["indicator"]
        for cycle_key, plan in self.case.cycles.items():
            base = f"$.cycles.{cycle_key}"
            for i, cond in enumerate(plan.conditions):
                for j, ref in enumerate(cond.supports):
                    if ref not in aspirations:
                        self.resolve("aspiration", ref, f"{base}.conditions[{i}].supports[{j}]")
                if cond.mitigation is not None and cond.kind != "risk":
                    self.warn(
                        f"{base}.conditions[{i}].mitigation",
                        "mitigation-without-risk",
                        f"condition {cond.id!r} has a mitigation but is not a risk (kind: risk)",
                    )
            for i, ind in enumerate(plan.indicators):
                for j, ref in enumerate(ind.signals):
                    if ref not in aspirations:
                        self.resolve("aspiration", ref, f"{base}.indicators[{i}].signals[{j}]")
                if ind.baseline is not None and ind.target is not None:
                    self.check_measures(
                        ind.id,
                        ind.direction,
                        ind.baseline,
                        ind.target,
                        f"{base}.indicators[{i}]",
                    )
                if ind.kind == "qualitative" and ind.aggregation in ("sum", "mean"):
                    self.error(
                        f"{base}.indicators[{i}].aggregation",
                        "invalid-aggregation",
                        f"a qualitative indicator cannot be aggregated by {ind.aggregation}; "
                        "use latest or count",
                    )
            for i, src in enumerate(plan.data):
                for j, ref in enumerate(src.indicators):
                    if ref not in indicators:
                        self.resolve("indicator", ref, f"{base}.data[{i}].indicators[{j}]")

    def check_measures(
        self,
        ident: str,
        direction: str,
        baseline: Measure | None,
        target: Measure | None,
        path: str,
    ) -> None:
        if baseline is None or target is None:
            return
        if baseline.value == target.value:
            self.warn(
                f"{path}.target",
                "target-equals-baseline",
                f"indicator {ident!r} has its target equal to its baseline, "
                "so progress toward it cannot be measured",
            )
        elif (direction == "increase") != (target.value > baseline.value):
            self.warn(
                f"{path}.direction",
                "target-against-direction",
                f"indicator {ident!r} should {direction}, but its target "
                f"({target.value}) is on the other side of its baseline ({baseline.value})",
            )
        if baseline.date is not None and target.date is not None and target.date < baseline.date:
            self.warn(
                f"{path}.target.date",
                "target-before-baseline",
                f"indicator {ident!r} has a target date before its baseline date",
            )

    def check_flows(self) -> None:
        seen: set[tuple[str, str]] = set()
        for i, flow in enumerate(self.case.flows):
            path = f"$.flows[{i}]"
            self.resolve("indicator", flow.from_, f"{path}.from")
            self.resolve("indicator", flow.to, f"{path}.to")
            if flow.from_ == flow.to:
                self.error(path, "self-flow", f"a flow from {flow.from_!r} to itself")
            pair = (flow.from_, flow.to)
            if pair in seen:
                self.warn(
                    path,
                    "duplicate-flow",
                    f"the flow from {flow.from_!r} to {flow.to!r} is declared twice",
                )
            seen.add(pair)

    def check_observations(self) -> None:
        # A case may hold 100,000 observations: paths are made only for problems.
        # Sets, so that each test is one lookup.
        indicators = self.by_kind["indicator"]
        sources = self.by_kind["data source"]
        feeds = {source: frozenset(fed) for source, fed in self.source_feeds.items()}
        qualitative = {ind for ind, kind in self.indicator_kind.items() if kind == "qualitative"}
        for i, obs in enumerate(self.case.observations):
            ind, source = obs.indicator, obs.source
            if (
                ind in indicators
                and (source is None or (source in sources and ind in feeds[source]))
                and (ind in qualitative) is isinstance(obs.value, str)
            ):
                continue
            self.check_observation(i, obs)

    def check_observation(self, i: int, obs: Observation) -> None:
        path = f"$.observations[{i}]"
        known_indicator = self.resolve("indicator", obs.indicator, f"{path}.indicator")
        if obs.source is not None and self.resolve("data source", obs.source, f"{path}.source"):
            feeds = self.source_feeds.get(obs.source, ())
            if known_indicator and obs.indicator not in feeds:
                self.error(
                    f"{path}.source",
                    "source-mismatch",
                    f"data source {obs.source!r} does not feed indicator {obs.indicator!r}; "
                    f"it feeds: {known_list(feeds)} (add the indicator to its indicators)",
                )
        if known_indicator:
            kind = self.indicator_kind.get(obs.indicator)
            is_text = isinstance(obs.value, str)
            if kind == "quantitative" and is_text:
                self.error(
                    f"{path}.value",
                    "wrong-value-kind",
                    f"indicator {obs.indicator!r} is quantitative, so its value must be "
                    f"a number, not the text {obs.value!r}",
                )
            elif kind == "qualitative" and not is_text:
                self.error(
                    f"{path}.value",
                    "wrong-value-kind",
                    f"indicator {obs.indicator!r} is qualitative, so its value must be "
                    f"a text, not the number {obs.value!r}",
                )

    def check_stories(self) -> None:
        # Thousands of stories: a story with nothing to report is passed over
        # without making paths; any other is checked step by step below.
        clean = self.story_is_clean
        for i, story in enumerate(self.case.stories):
            if not clean(story):
                self.check_story(i, story)

    @functools.cached_property
    def _canonical(self) -> _Canonical | None:
        return None if self.framework is None else _Canonical(self.framework)

    def story_is_clean(self, story: Story) -> bool:
        """Whether :meth:`check_story` would find nothing to say about a story."""
        if not story.steps:
            return False
        canonical = self._canonical
        indicators = self.by_kind["indicator"]
        observations = self.by_kind["observation"]
        indicator_cycle = self.indicator_cycle
        observation_indicator = self.observation_indicator
        for step in story.steps:
            cycle = None
            if canonical is not None:
                cycle = canonical[step.cycle]
                if cycle is None:
                    return False
            for ref in step.indicators:
                if ref not in indicators:
                    return False
                if cycle is not None and indicator_cycle.get(ref, cycle) != cycle:
                    return False
            for ref in step.observations:
                if ref not in observations:
                    return False
                cited = observation_indicator.get(ref)
                if cited is not None and cited not in step.indicators:
                    return False
        return True

    def check_story(self, i: int, story: Story) -> None:
        base = f"$.stories[{i}]"
        if not story.steps:
            self.error(
                f"{base}.steps",
                "empty-story",
                f"story {story.id!r} has no steps; a story needs at least one",
            )
        for j, step in enumerate(story.steps):
            path = f"{base}.steps[{j}]"
            step_cycle = self.check_step_cycle(step.cycle, f"{path}.cycle")
            for k, ref in enumerate(step.indicators):
                if not self.resolve("indicator", ref, f"{path}.indicators[{k}]"):
                    continue
                own = self.indicator_cycle.get(ref)
                if step_cycle is not None and own is not None and own != step_cycle:
                    self.warn(
                        f"{path}.indicators[{k}]",
                        "cross-cycle-citation",
                        f"the step is in the {step_cycle} cycle but cites {ref!r}, "
                        f"an indicator of the {own} cycle",
                    )
            for k, ref in enumerate(step.observations):
                if not self.resolve("observation", ref, f"{path}.observations[{k}]"):
                    continue
                indicator = self.observation_indicator.get(ref)
                if indicator is not None and indicator not in step.indicators:
                    self.warn(
                        f"{path}.observations[{k}]",
                        "uncited-indicator",
                        f"observation {ref!r} is of indicator {indicator!r}, "
                        "which the step does not cite",
                    )

    def check_step_cycle(self, key: str, path: str) -> str | None:
        fw = self.framework
        if fw is None:
            return None
        canonical = fw.resolve(key)
        if canonical is None:
            self.error(
                path,
                "unknown-cycle",
                unknown_message("cycle", key, fw.cycle_keys).replace("; known:", "; known cycles:"),
            )
        return canonical


class _Canonical(dict[str, "str | None"]):
    """Cycle key or alias -> canonical key (None if unknown), resolved once per key."""

    def __init__(self, framework: Framework) -> None:
        super().__init__()
        self.framework = framework

    def __missing__(self, key: str) -> str | None:
        found = self[key] = self.framework.resolve(key)
        return found


_ROUND_KIND: Final = {
    "aspirations": "aspiration",
    "conditions": "condition",
    "indicators": "indicator",
    "data": "data source",
}


def validate(case: Case, framework: Framework | None = None) -> ValidationReport:
    """Check a case as a whole and report every problem at once.

    It checks that ids are unique, that every reference resolves to an
    element of the right kind, that every cycle exists in the case's
    framework (or is one of its aliases), that observations fit their
    indicator and source, and that stories cite what exists. ``framework``
    defaults to the registered framework the case names.

    >>> import valuecycles as vc
    >>> case = vc.Case(
    ...     community=vc.Community(name="Evaluators"),
    ...     cycles={"immediate": vc.CyclePlan(indicators=[
    ...         vc.Indicator(id="response-time", name="Hours to answer", signals=["quick"])])},
    ... )
    >>> report = vc.validate(case)
    >>> report.valid
    False
    >>> print(report.errors[0].path)
    $.cycles.immediate.indicators[0].signals[0]
    >>> print(report.errors[0].message)
    unknown aspiration 'quick'; known: none
    """
    return check_case(case, framework)


def check_case(
    case: Case, framework: Framework | None = None, *, broken_ids: Iterable[str] = ()
) -> ValidationReport:
    """:func:`validate`, passing over references to ``broken_ids``.

    A document reader that had to take elements out of a document (their
    ids in ``broken_ids``) checks what is left without reporting each
    reference to them again.
    """
    from valuecycles.framework import case_framework

    problems: list[Problem] = []
    if framework is None:
        try:
            framework = case_framework(case.framework, case.framework_version)
        except UnknownFrameworkError as exc:
            problems.append(Problem("$.framework", "unknown-framework", str(exc)))
        except Exception as exc:  # a plugin that fails to load
            problems.append(Problem("$.framework", "framework-error", str(exc)))
    elif framework.name != case.framework:
        problems.append(
            Problem(
                "$.framework",
                "framework-mismatch",
                f"the case names framework {case.framework!r}, "
                f"but it is checked against {framework.name!r}",
                severity="warning",
            )
        )
    report = _Checker(case, framework, set(broken_ids)).run()
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    return ValidationReport((*errors, *report.errors), (*warnings, *report.warnings))
