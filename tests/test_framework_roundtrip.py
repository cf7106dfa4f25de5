"""Property: any framework, written as a framework file in any format, reads back equal."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import tomlkit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import valuecycles as vc
from valuecycles._text import serialize
from valuecycles.framework._file import framework_to_data

# Any text a person could type, control characters included; not lone surrogates,
# which no UTF-8 file can hold.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
NON_BLANK = TEXT.filter(lambda s: bool(s.strip()))
KEY = NON_BLANK.filter(lambda s: s == s.strip() and "\n" not in s and "\r" not in s)
TEXTS = st.lists(TEXT, max_size=4).map(tuple)

guidance = st.builds(
    vc.Guidance, lead=TEXT, questions=TEXTS, examples=TEXTS, open_ended=st.booleans()
)


@st.composite
def frameworks(draw: st.DrawFn) -> vc.Framework:
    round_keys = draw(st.lists(KEY, min_size=1, max_size=4, unique=True))
    rounds = [
        vc.Round(key=k, name=draw(NON_BLANK), description=draw(st.none() | TEXT))
        for k in round_keys
    ]
    names = draw(st.lists(KEY, min_size=1, max_size=10, unique=True))
    cycles = []
    rest = list(names)
    while rest:
        key = rest.pop(0)
        n_aliases = draw(st.integers(0, min(2, len(rest))))
        aliases, rest = rest[:n_aliases], rest[n_aliases:]
        cycle_guidance = {
            r: draw(guidance) for r in draw(st.lists(st.sampled_from(round_keys), unique=True))
        }
        cycles.append(
            vc.Cycle(
                key=key,
                name=draw(NON_BLANK),
                description=draw(TEXT),
                role=draw(st.sampled_from(["chain", "cross-cutting"])),
                aliases=aliases,
                guidance=cycle_guidance,
            )
        )
    return vc.Framework(
        name=draw(NON_BLANK),
        version=draw(TEXT),
        cycles=cycles,
        rounds=rounds,
        title=draw(st.none() | TEXT),
        description=draw(st.none() | TEXT),
        source=draw(st.none() | TEXT),
    )


def _toml(data: object) -> str:
    return tomlkit.dumps(data)


# Each format written by valuecycles' own writer, and JSON and TOML also by a common
# third-party one. (A YAML 1.1 writer such as PyYAML's leaves 1e5 unquoted, which a
# YAML 1.2 reader, like valuecycles', reads as a number: that is YAML's own change.)
WRITERS = {
    ("json", "valuecycles"): lambda data: serialize(data, "json"),
    ("json", "json"): lambda data: json.dumps(data, ensure_ascii=False),
    ("yaml", "valuecycles"): lambda data: serialize(data, "yaml"),
    ("toml", "valuecycles"): lambda data: serialize(data, "toml"),
    ("toml", "tomlkit"): _toml,
}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(framework=frameworks(), writer=st.sampled_from(sorted(WRITERS)))
def test_any_framework_file_round_trips(framework: vc.Framework, writer: tuple[str, str]) -> None:
    fmt, _ = writer
    text = WRITERS[writer](framework_to_data(framework))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"framework.{fmt}"
        path.write_text(text, encoding="utf-8")
        assert vc.load_framework(path) == framework


def test_the_guide_round_trips_through_every_format(tmp_path: Path) -> None:
    guide = vc.load_framework()
    data = framework_to_data(guide)
    for fmt in ("json", "yaml", "toml"):
        path = tmp_path / f"guide.{fmt}"
        path.write_text(serialize(data, fmt), encoding="utf-8")
        back = vc.load_framework(path)
        assert back == guide
        assert back.cycle("reframing").key == "transformative"


def test_an_extended_framework_round_trips_as_the_whole_framework(tmp_path: Path) -> None:
    orienting = vc.load_framework(
        Path(__file__).resolve().parents[1] / "examples" / "frameworks" / "orienting-2020.toml"
    )
    path = tmp_path / "flat.yaml"
    path.write_text(serialize(framework_to_data(orienting), "yaml"), encoding="utf-8")
    back = vc.load_framework(path)
    assert back.extends is None
    assert back.cycles == orienting.cycles
    assert back.rounds == orienting.rounds


def test_yaml_quotes_text_that_yaml_1_2_reads_as_a_number() -> None:
    """Found by the property above: '1e5' was written plain and read back as 100000.0."""
    from valuecycles._text import parse_text

    for text in ("1e5", "0E0", "0o17", "-2.5e-3", "12", "true", "2026-01-01", "~"):
        data, _ = parse_text(serialize({"text": text}, "yaml"), "yaml")
        assert data == {"text": text}
