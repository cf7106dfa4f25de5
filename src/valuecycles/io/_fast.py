"""A fast path for the bulky lists of a case on the converter's own path.

A document with nothing wrong in it is read by ``io/_mirror.py``. One with a
problem anywhere is read by the converter, which reports every problem; in
a case with 100,000 observations and one mistake, that read would spend most
of its time building the models of the items that are fine. These
hand-written functions take one observation or story of plain data and either
return the very model the converter would build from it, or :data:`MISS`
the moment anything is not plainly right (a wrong type, an unknown key, a
bad id, a value the converter would turn into an error or convert). The
caller then builds that item on the converter's exact path, so every error,
with its code, message and path, is the converter's own; the fast path
never reports anything.

The checks are those of the converter's hooks and the models' validators,
written inline; models are made by :func:`valuecycles._frozen.maker`,
which neither validates nor converts, since every value has been checked
already. If a model gains, loses or renames a field, the fast path turns
itself off (:data:`ENABLED`) rather than build a model the converter would
not.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import Any, Final

import attrs

from valuecycles._frozen import maker
from valuecycles._text import CACHE_LIMIT as _CACHE_LIMIT
from valuecycles._text import GOOD_IDS as _good_ids
from valuecycles._text import GOOD_PERIODS as _periods
from valuecycles._text import is_id as _is_id
from valuecycles._text import new_id as _new_id
from valuecycles._text import new_period as _new_period
from valuecycles.model._case import Observation, Provenance, Step, Story, Verification
from valuecycles.model._types import CONSENTS, EVIDENCE_KINDS, VERIFICATION_STATUSES

__all__ = ["ENABLED", "FAST_ITEMS", "MISS"]


class _Miss:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISS"

    def __bool__(self) -> bool:
        # False, so that ``all(items)`` says whether every item was built.
        return False


#: Returned when an item must take the converter's path.
MISS: Final = _Miss()

# Text -> date: dates repeat across observations.
_dates: dict[str, _dt.date] = {}

_Date = _dt.date
_fromisoformat = _dt.date.fromisoformat


def _maker(cls: type, names: tuple[str, ...]) -> Callable[..., Any] | None:
    """``cls``'s positional maker (see :mod:`valuecycles._frozen`), or None if its fields differ."""
    if tuple(a.name for a in attrs.fields(cls)) != names:
        return None
    return maker(cls)


_OBS_FIELDS: Final = (
    "id",
    "indicator",
    "date",
    "value",
    "period",
    "source",
    "evidence",
    "dimensions",
    "note",
    "provenance",
    "extra",
)
_STEP_FIELDS: Final = ("cycle", "text", "indicators", "observations", "aspirational", "extra")
_STORY_FIELDS: Final = (
    "id",
    "title",
    "narrator",
    "consent",
    "date",
    "tags",
    "verification",
    "steps",
    "extra",
)
_VERIFICATION_FIELDS: Final = ("status", "by", "date", "note")

_found = (
    _maker(Observation, _OBS_FIELDS),
    _maker(Step, _STEP_FIELDS),
    _maker(Story, _STORY_FIELDS),
    _maker(Verification, _VERIFICATION_FIELDS),
)
#: False when a model's fields no longer match what this module was written for,
#: or a model could be false (the converter tests ``all(items)``).
ENABLED: Final = None not in _found and not any(
    hasattr(cls, "__bool__") or hasattr(cls, "__len__") for cls in (Observation, Story)
)


def _off(*_values: object) -> Any:
    raise RuntimeError("the fast path is off: a model's fields changed")


_makers: tuple[Callable[..., Any], ...] = tuple(found or _off for found in _found)
_make_observation, _make_step, _make_story, _make_verification = _makers


def _is_text(value: object) -> bool:
    # check_text: a string with something in it
    return type(value) is str and value.strip() != ""


def _date(value: object) -> object:
    """A date from ``YYYY-MM-DD`` text or a date, else :data:`MISS`."""
    if type(value) is str:
        found = _dates.get(value)
        if found is not None:
            return found
        if len(value) != 10 or value[4] != "-" or value[7] != "-":
            return MISS
        try:
            found = _fromisoformat(value)
        except ValueError:
            return MISS
        if len(_dates) >= _CACHE_LIMIT:
            _dates.clear()
        _dates[value] = found
        return found
    if type(value) is _Date:
        return value
    return MISS


def _ids(value: object) -> object:
    """A tuple of ids from a list (or null, the empty tuple), else :data:`MISS`."""
    if value is None:
        return ()
    if type(value) is not list and type(value) is not tuple:
        return MISS
    for item in value:
        # References repeat: most are found among the ids already checked.
        if type(item) is not str or (item not in _good_ids and not _new_id(item)):
            return MISS
    return tuple(value)


def _extra(value: object) -> object:
    """A copy of an ``extra`` mapping (string keys, finite scalars), else :data:`MISS`."""
    if value is None:
        return {}
    if type(value) is not dict:
        return MISS
    for key, item in value.items():
        if type(key) is not str:
            return MISS
        kind = type(item)
        if kind is float:
            if item - item != 0.0:  # inf or nan
                return MISS
        elif kind is not str and kind is not int and kind is not bool:
            return MISS
    return dict(value)


def _dimensions(value: object) -> object:
    """A copy of a ``dimensions`` mapping (text to text), else :data:`MISS`."""
    if value is None:
        return {}
    if type(value) is not dict:
        return MISS
    for key, item in value.items():
        if type(key) is not str or type(item) is not str:
            return MISS
    return dict(value)


def _opt_str(value: object) -> bool:
    return value is None or type(value) is str


def observation(data: object) -> object:
    """The :class:`Observation` for one item of plain data, or :data:`MISS`."""
    if type(data) is not dict:
        return MISS
    get = data.get
    found = 3  # the required keys, checked below
    indicator = get("indicator")
    if type(indicator) is not str or (indicator not in _good_ids and not _new_id(indicator)):
        return MISS
    date = get("date")
    date = _dates.get(date, MISS) if type(date) is str else MISS
    if date is MISS:
        date = _date(get("date", MISS))
        if date is MISS:
            return MISS
    value = get("value", MISS)
    kind = type(value)
    if kind is float:
        if value - value != 0.0:  # inf or nan
            return MISS
    elif kind is not int and kind is not str:
        return MISS
    # Each optional key: absent (MISS), null (None, the default) or checked.
    ident = get("id", MISS)
    if ident is not MISS:
        found += 1
        if ident is not None and not _is_id(ident):
            return MISS
    else:
        ident = None
    period = get("period", MISS)
    if period is not MISS:
        found += 1
        if period is not None and (
            type(period) is not str or (period not in _periods and not _new_period(period))
        ):
            return MISS
    else:
        period = None
    source = get("source", MISS)
    if source is not MISS:
        found += 1
        if source is not None and (
            type(source) is not str or (source not in _good_ids and not _new_id(source))
        ):
            return MISS
    else:
        source = None
    evidence = get("evidence", MISS)
    if evidence is not MISS:
        found += 1
        if type(evidence) is not str or evidence not in EVIDENCE_KINDS:
            return MISS
    else:
        evidence = "effect"
    dimensions = get("dimensions", MISS)
    if dimensions is not MISS:
        found += 1
        dimensions = _dimensions(dimensions)
        if dimensions is MISS:
            return MISS
    else:
        dimensions = {}
    note = get("note", MISS)
    if note is not MISS:
        found += 1
        if note is not None and type(note) is not str:
            return MISS
    else:
        note = None
    extra = get("extra", MISS)
    if extra is not MISS:
        found += 1
        extra = _extra(extra)
        if extra is MISS:
            return MISS
    else:
        extra = {}
    if found != len(data):  # an unknown key
        return MISS
    # A ``provenance`` key is not counted above: such an item takes the converter's path.
    return _make_observation(
        ident, indicator, date, value, period, source, evidence, dimensions, note, None, extra
    )


def step(data: object) -> object:
    """The :class:`Step` for one item of plain data, or :data:`MISS`."""
    if type(data) is not dict:
        return MISS
    get = data.get
    cycle = get("cycle")
    if type(cycle) is not str or (cycle not in _good_ids and not _new_id(cycle)):
        return MISS
    text = get("text")
    if type(text) is not str or text.strip() == "":  # check_text
        return MISS
    # Each optional key: absent (MISS) is the default, else checked and counted.
    found = 2
    indicators = get("indicators", MISS)
    if indicators is MISS:
        indicators = ()
    else:
        indicators = _ids(indicators)
        if indicators is MISS:
            return MISS
        found += 1
    observations = get("observations", MISS)
    if observations is MISS:
        observations = ()
    else:
        observations = _ids(observations)
        if observations is MISS:
            return MISS
        found += 1
    aspirational = get("aspirational", MISS)
    if aspirational is MISS:
        aspirational = False
    elif type(aspirational) is bool:
        found += 1
    else:
        return MISS
    extra = get("extra", MISS)
    if extra is MISS:
        extra = {}
    else:
        extra = _extra(extra)
        if extra is MISS:
            return MISS
        found += 1
    if found != len(data):  # an unknown key
        return MISS
    return _make_step(cycle, text, indicators, observations, aspirational, extra)


_UNVERIFIED: Final = Verification()


def verification(data: object) -> object:
    """The :class:`Verification` for plain data, or :data:`MISS`."""
    if type(data) is not dict:
        return MISS
    found = 0
    status = data.get("status", "unverified")
    if "status" in data:
        if type(status) is not str or status not in VERIFICATION_STATUSES:
            return MISS
        found += 1
    by = data.get("by")
    if "by" in data:
        if not _opt_str(by):
            return MISS
        found += 1
    date = data.get("date")
    if date is not None:
        date = _date(date)
        if date is MISS:
            return MISS
    if "date" in data:
        found += 1
    note = data.get("note")
    if "note" in data:
        if not _opt_str(note):
            return MISS
        found += 1
    if found != len(data):
        return MISS
    return _make_verification(status, by, date, note)


def story(data: object) -> object:
    """The :class:`Story` for one item of plain data (steps and all), or :data:`MISS`."""
    if type(data) is not dict:
        return MISS
    ident = data.get("id")
    title = data.get("title")
    raw_steps = data.get("steps")
    if not _is_id(ident) or not _is_text(title):
        return MISS
    if raw_steps is None:
        # A missing list is an error; an explicit null is an empty list.
        if "steps" not in data:
            return MISS
        raw_steps = ()
    elif type(raw_steps) is not list and type(raw_steps) is not tuple:
        return MISS
    steps = []
    for item in raw_steps:
        made = step(item)
        if made is MISS:
            return MISS
        steps.append(made)
    found = 3
    narrator = data.get("narrator")
    if "narrator" in data:
        if not _opt_str(narrator):
            return MISS
        found += 1
    consent = data.get("consent", "internal")
    if "consent" in data:
        if type(consent) is not str or consent not in CONSENTS:
            return MISS
        found += 1
    date = data.get("date")
    if date is not None:
        date = _date(date)
        if date is MISS:
            return MISS
    if "date" in data:
        found += 1
    tags: object = ()
    if "tags" in data:
        raw_tags = data["tags"]
        if raw_tags is not None:
            if type(raw_tags) is not list and type(raw_tags) is not tuple:
                return MISS
            for tag in raw_tags:
                if type(tag) is not str:
                    return MISS
            tags = tuple(raw_tags)
        found += 1
    checked: object = _UNVERIFIED
    if "verification" in data:
        checked = verification(data["verification"])
        if checked is MISS:
            return MISS
        found += 1
    extra: object = {}
    if "extra" in data:
        extra = _extra(data["extra"])
        if extra is MISS:
            return MISS
        found += 1
    if found != len(data):
        return MISS
    return _make_story(ident, title, narrator, consent, date, tags, checked, tuple(steps), extra)


#: Item class -> its fast builder, for the converter's list hook.
FAST_ITEMS: Final[dict[type, Callable[[object], object]]] = (
    {Observation: observation, Story: story} if ENABLED else {}
)


# --- the other way: models to plain data, for dump ---------------------------


def observation_data(obs: Observation) -> dict[str, Any]:
    """Plain data for an observation, in the document's keys, defaults left out.

    The same dict, key for key and in the model's field order, as the
    converter's own hook gives.
    """
    out: dict[str, Any] = {}
    if obs.id is not None:
        out["id"] = obs.id
    out["indicator"] = obs.indicator
    out["date"] = obs.date
    out["value"] = obs.value
    if obs.period is not None:
        out["period"] = obs.period
    if obs.source is not None:
        out["source"] = obs.source
    if obs.evidence != "effect":
        out["evidence"] = obs.evidence
    if obs.dimensions:
        out["dimensions"] = dict(obs.dimensions)
    if obs.note is not None:
        out["note"] = obs.note
    if obs.provenance is not None:
        out["provenance"] = _provenance_data(obs.provenance)
    if obs.extra:
        out["extra"] = dict(obs.extra)
    return out


def _provenance_data(prov: Provenance) -> dict[str, Any]:
    out: dict[str, Any] = {"metric": prov.metric, "events": prov.events, "at": prov.at}
    if prov.params:
        out["params"] = dict(prov.params)
    return out


def _step_data(step: Step) -> dict[str, Any]:
    out: dict[str, Any] = {"cycle": step.cycle, "text": step.text}
    if step.indicators:
        out["indicators"] = list(step.indicators)
    if step.observations:
        out["observations"] = list(step.observations)
    if step.aspirational is not False:
        out["aspirational"] = step.aspirational
    if step.extra:
        out["extra"] = dict(step.extra)
    return out


def _verification_data(checked: Verification) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if checked.status != "unverified":
        out["status"] = checked.status
    if checked.by is not None:
        out["by"] = checked.by
    if checked.date is not None:
        out["date"] = checked.date
    if checked.note is not None:
        out["note"] = checked.note
    return out


def story_data(story: Story) -> dict[str, Any]:
    """Plain data for a story and its steps, as the converter's own hook gives."""
    out: dict[str, Any] = {"id": story.id, "title": story.title}
    if story.narrator is not None:
        out["narrator"] = story.narrator
    if story.consent != "internal":
        out["consent"] = story.consent
    if story.date is not None:
        out["date"] = story.date
    if story.tags:
        out["tags"] = list(story.tags)
    if story.verification != _UNVERIFIED:
        out["verification"] = _verification_data(story.verification)
    out["steps"] = [_step_data(step) for step in story.steps]
    if story.extra:
        out["extra"] = dict(story.extra)
    return out


#: Item class -> plain data for a tuple of it, for the converter's unstructure hooks.
FAST_LISTS: Final[dict[type, Callable[[Any], list[dict[str, Any]]]]] = (
    {
        Observation: lambda items: [observation_data(o) for o in items],
        Story: lambda items: [story_data(s) for s in items],
    }
    if ENABLED
    else {}
)
