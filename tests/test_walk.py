"""The guided walk: the library, the line protocol on a pipe, and a real terminal."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import valuecycles as vc
from valuecycles.cli import main
from valuecycles.walk import make_id

FW = vc.load_framework()
ROUNDS = 4


def blank_rounds(n: int) -> list[str]:
    return [""] * n


#: The details asked after an item, all left blank: condition, indicator, data source.
NO_CONDITION = ["", ""]  # supports, risk
NO_INDICATOR = ["", "", "", "", ""]  # signals, unit, direction, baseline, target
NO_DATA = ["", "", "", ""]  # feeds, method, cadence, owner


def test_a_whole_cycle_by_line_protocol() -> None:
    lines = [
        "Evaluators",
        # aspirations: own text, then example 3 (kept as it is: a blank edit line)
        "Questions answered in two days",
        "3",
        "",
        "",
        # conditions: supports aspiration 1; a risk, with its mitigation
        "facilitation",
        "1",
        "n",
        "Experts have no time",
        "questions-answered-in-two-days",
        "y",
        "Pay for an hour a week",
        "",
        # indicators: example 1 in its own words, signals aspiration 1 by number, its
        # measures; then own text, signals by id and number, nothing else
        "1",
        "Members at the monthly call",
        "1",
        "members",
        "increase",
        "10 2026-01-01",
        "30 on 2026-12-31",
        "Median hours to first answer",
        "questions-answered-in-two-days, 2",
        "hours",
        "decrease",
        "60",
        "",
        "",
        # data: feeds both indicators, one by number, one by id; method, cadence, owner
        "Forum export",
        "2,members-at-the-monthly-call",
        "platform-log",
        "monthly",
        "facilitator",
        "",
    ]
    result = vc.guided_walk(vc.LineInterviewer(lines), cycles=["immediate"])
    assert result.complete
    assert not result.interrupted
    assert result.community == "Evaluators"
    plan = result.case.plan("immediate")  # type: ignore[union-attr]
    guidance = FW.guidance("immediate", "aspirations")
    assert [a.text for a in plan.aspirations] == [
        "Questions answered in two days",
        guidance.examples[2],
    ]
    assert [a.id for a in plan.aspirations] == [
        "questions-answered-in-two-days",
        "sense-of-accomplishment",
    ]
    enabler, risk = plan.conditions
    assert (enabler.id, enabler.kind, enabler.supports) == (
        "facilitation",
        "enabler",
        ("questions-answered-in-two-days",),
    )
    assert (risk.kind, risk.supports, risk.mitigation) == (
        "risk",
        ("questions-answered-in-two-days",),
        "Pay for an hour a week",
    )
    first, second = plan.indicators
    assert first.name == "Members at the monthly call"
    assert first.signals == ("questions-answered-in-two-days",)
    assert (first.unit, first.direction) == ("members", "increase")
    assert first.baseline == vc.Measure(10, dt.date(2026, 1, 1))
    assert first.target == vc.Measure(30, dt.date(2026, 12, 31))
    assert second.signals == ("questions-answered-in-two-days", "sense-of-accomplishment")
    assert (second.direction, second.baseline, second.target) == (
        "decrease",
        vc.Measure(60),
        None,
    )
    source = plan.data[0]
    assert source.indicators == (second.id, first.id)
    assert (source.method, source.cadence, source.owner) == (
        "platform-log",
        "monthly",
        "facilitator",
    )
    assert not vc.validate(result.case).errors  # type: ignore[arg-type]
    assert result.counts() == {
        "aspirations": 2,
        "conditions": 2,
        "indicators": 2,
        "data": 1,
        "flows": 0,
    }


def test_flows_between_consecutive_cycles_come_at_the_end() -> None:
    lines = [
        "X",
        *["hope", "", ""],  # immediate: an aspiration, no conditions
        *["replies", *NO_INDICATOR, "", ""],  # an indicator, no data
        *["", "", "use", *NO_INDICATOR, "reuse", *NO_INDICATOR, "", ""],  # applied
        # flows immediate -> applied: for "replies", both applied indicators
        "1, reuse",
    ]
    result = vc.guided_walk(vc.LineInterviewer(lines), cycles=["immediate", "applied"])
    assert result.complete
    assert [(f.from_, f.to) for f in result.case.flows] == [  # type: ignore[union-attr]
        ("replies", "use"),
        ("replies", "reuse"),
    ]
    assert result.document_additions()[-1] == (("flows",), {"from": "replies", "to": "reuse"})
    assert not vc.validate(result.case).errors  # type: ignore[arg-type]


def test_commands_skip_done_undo_and_help() -> None:
    helped: list[str] = []

    class Helped(vc.LineInterviewer):
        def help(self, prompt: vc.Prompt) -> None:
            helped.append(prompt.kind)

    lines = [
        "X",
        "?",  # help at an item: asked again
        "first hope",
        "wrong hope",
        "undo",  # takes back "wrong hope"
        "\\done",  # a backslash makes the word an item
        "skip",  # the rest of the immediate cycle
        "potential hope",
        "",
        "",
        "ind",
        "?",  # help at a detail
        "undo",  # drops "ind" while its details are asked
        "done",  # on to the flows, of which there are none
    ]
    result = vc.guided_walk(Helped(lines), cycles=["immediate", "potential", "applied"])
    assert result.complete
    assert helped == ["item", "signals"]
    assert [a.element.id for a in result.additions] == [
        "first-hope",
        "done",
        "potential-hope",
    ]


def test_done_at_a_detail_keeps_the_item_and_what_it_was_given() -> None:
    lines = ["X", "", "", "ind", "", "percent", "done"]
    result = vc.guided_walk(vc.LineInterviewer(lines), cycles=["immediate", "applied"])
    assert result.complete
    (ind,) = result.case.plan("immediate").indicators  # type: ignore[union-attr]
    assert (ind.id, ind.unit, ind.direction) == ("ind", "percent", "increase")


@pytest.mark.parametrize(
    ("details", "message"),
    [
        (["", "", "sideways"], "'sideways' is not a direction"),
        (["", "", "", "lots"], "baseline: 'lots' is not a number"),
        (["", "", "", "", "5 tomorrow"], "target: 'tomorrow' is not a date"),
    ],
)
def test_a_bad_detail_is_named_with_its_line(details: list[str], message: str) -> None:
    lines = ["X", "", "", "ind", *details]
    with pytest.raises(vc.WalkError, match=f"line {len(lines)}: {message}"):
        vc.guided_walk(vc.LineInterviewer(lines), cycles=["immediate"])


control = st.characters(codec="utf-8", categories=["Cc"])
texts_with_controls = st.lists(st.one_of(st.characters(codec="utf-8"), control), min_size=1)


@given(texts_with_controls)
def test_control_characters_are_never_stored(chars: list[str]) -> None:
    import unicodedata

    text = "n " + "".join(chars) + " x\x1b[D\x1b[2K"
    result = vc.guided_walk(vc.LineInterviewer([text, text, "", ""]), cycles=["immediate"])
    assert result.case is not None
    stored = [
        result.case.community.name,
        *(a.text for a in result.case.plan("immediate").aspirations),
    ]
    for value in stored:
        assert not [ch for ch in value if unicodedata.category(ch) == "Cc"], value
        assert "[D" not in value


def test_cycles_come_in_the_frameworks_order() -> None:
    lines = ["X", "", "", "", "", "a realized hope", "", "", "", ""]
    result = vc.guided_walk(vc.LineInterviewer(lines), cycles=["realized", "immediate"])
    assert result.complete
    # immediate is walked first (four blank rounds), then realized
    assert [(a.cycle, a.element.id) for a in result.additions] == [("realized", "a-realized-hope")]


def test_an_unknown_cycle_names_the_known_ones() -> None:
    with pytest.raises(vc.UnknownKeyError, match="known: immediate"):
        vc.guided_walk(vc.LineInterviewer([]), cycles=["orienting"])


def test_the_end_of_input_keeps_what_was_given() -> None:
    lines = ["X", "hope", "", "", "an indicator"]  # ends where the signals line is due
    result = vc.guided_walk(vc.LineInterviewer(lines), cycles=["immediate"])
    assert not result.complete
    assert [a.element.id for a in result.additions] == ["hope", "an-indicator"]
    assert result.case.plan("immediate").indicators[0].signals == ()  # type: ignore[union-attr]


def test_no_input_gives_no_case() -> None:
    result = vc.guided_walk(vc.LineInterviewer([]))
    assert result.case is None
    assert result.community is None
    assert result.to_dict() == {
        "community": None,
        "complete": False,
        "interrupted": False,
        "additions": [],
        "notes": [],
    }


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["", "x"], "line 1: the community's name is empty"),
        (["X", "99"], "line 2: 99 is not the number of an example"),
        (["X", "", "", "ind", "7"], "line 5: 7 is not one of the numbers shown"),
        (
            ["X", "a", "", "", "ind", "nope"],
            "line 6: 'nope' is not a known aspiration id; known: a",
        ),
    ],
)
def test_a_bad_line_is_named(lines: list[str], message: str) -> None:
    with pytest.raises(vc.WalkError, match=message):
        vc.guided_walk(vc.LineInterviewer(lines), cycles=["immediate"])


def test_ctrl_c_keeps_what_was_given() -> None:
    class Interrupting(vc.LineInterviewer):
        def ask(self, prompt: vc.Prompt) -> str | None:
            if prompt.kind == "item" and prompt.round and prompt.round.key == "conditions":
                raise KeyboardInterrupt
            return super().ask(prompt)

    result = vc.guided_walk(Interrupting(["X", "a hope", ""]))
    assert result.interrupted
    assert not result.complete
    assert [a.element.id for a in result.additions] == ["a-hope"]


def test_an_existing_case_is_added_to_and_not_changed(example_path: Path) -> None:
    case = vc.load(example_path)
    # the name differs: kept, with a note; a new aspiration whose id is taken
    lines = ["Someone else", "Questions get a useful answer", "quick answers", "", "", "2", ""]
    lines += ["quick-answers, quick-answers-2", "", "", "", "", ""]
    lines += ["a new log", "response-time", "", "", "", "", "done"]
    result = vc.guided_walk(vc.LineInterviewer(lines), cycles=["immediate"], case=case)
    assert result.complete
    assert result.community == case.community.name
    assert "was not used" in result.notes[0]
    new = result.case.plan("immediate")  # type: ignore[union-attr]
    old = case.plan("immediate")
    assert new.aspirations[: len(old.aspirations)] == old.aspirations
    assert [a.id for a in new.aspirations[len(old.aspirations) :]] == [
        "questions-get-a-useful-answer",
        "quick-answers-2",
    ]
    assert new.indicators[-1].signals == ("quick-answers", "quick-answers-2")
    assert new.data[-1].indicators == ("response-time",)
    assert result.case.observations == case.observations  # type: ignore[union-attr]
    assert result.document_additions()[0] == (
        ("cycles", "immediate", "aspirations"),
        {"id": "questions-get-a-useful-answer", "text": "Questions get a useful answer"},
    )
    assert not vc.validate(result.case).errors  # type: ignore[arg-type]


def test_numbers_offered_for_links_are_the_cycles_own() -> None:
    seen: list[vc.Prompt] = []

    class Recording(vc.LineInterviewer):
        def ask(self, prompt: vc.Prompt) -> str | None:
            seen.append(prompt)
            return super().ask(prompt)

    lines = ["X", "hope one", "hope two", "", "", "ind", "2", "", "", "", "", ""]
    lines += ["src", "1", "", "", "", ""]
    vc.guided_walk(Recording(lines), cycles=["potential"])
    signals = next(p for p in seen if p.kind == "signals")
    assert [c.id for c in signals.choices] == ["hope-one", "hope-two"]
    assert signals.item == "ind"
    feeds = next(p for p in seen if p.kind == "feeds")
    assert [c.id for c in feeds.choices] == ["ind"]


# --- ids ------------------------------------------------------------------


@given(st.text(max_size=80), st.sets(st.text(min_size=1, max_size=12), max_size=5))
def test_ids_are_lower_case_hyphenated_unique(text: str, taken: set[str]) -> None:
    ident = make_id(text, taken)
    assert ident not in taken
    assert ident == ident.lower() or not ident.isascii()
    assert ident.strip("-") == ident
    assert "--" not in ident
    assert " " not in ident
    assert "_" not in ident
    assert len(ident) <= 70
    vc.Aspiration(id=ident, text="t")  # a valid id


@given(st.lists(st.text(alphabet="ab -", max_size=6), max_size=12))
def test_items_walked_become_elements_in_order(items: list[str]) -> None:
    items = [i for i in items if i.strip()]
    items = [i for i in items if i.strip() not in ("skip", "done", "undo", "?")]
    result = vc.guided_walk(vc.LineInterviewer(["X", *items, ""]), cycles=["enabling"])
    plan = result.case.plan("enabling")  # type: ignore[union-attr]
    assert [a.text for a in plan.aspirations] == [" ".join(i.split()) for i in items]
    ids = [a.id for a in plan.aspirations]
    assert len(set(ids)) == len(ids)
    assert not vc.validate(result.case).errors  # type: ignore[arg-type]


def test_make_id_keeps_other_scripts_and_falls_back() -> None:
    assert make_id("Ça marche") == "ca-marche"
    assert make_id("学习社区") == "学习社区"
    assert make_id("!!!", fallback="data source") == "data-source"
    assert make_id("x" * 100) == "x" * 60


# --- the command line, piped -------------------------------------------------


def run_cli(args: list[str], text: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("valuecycles")
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [str(exe), *args], input=text, capture_output=True, text=True, cwd=cwd, env=env, check=False
    )


def test_cli_writes_a_new_case_from_a_pipe(tmp_path: Path) -> None:
    answers = "\n".join(
        [
            "Evaluators",
            "quick answers",
            "",
            "",
            "1",
            "",
            "1",
            "",
            "",
            "",
            "",
            "",
            "forum",
            "1",
            "survey",
            "monthly",
            "",
            "",
        ]
    )
    done = run_cli(["guide", "-o", "case.yaml", "--cycles", "immediate"], answers, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "written, 1 aspiration, 1 indicator, 1 data source" in done.stderr
    case = vc.load(tmp_path / "case.yaml")
    assert case.community.name == "Evaluators"
    assert case.plan("immediate").data[0].indicators == (case.plan("immediate").indicators[0].id,)


def test_cli_end_of_input_writes_what_was_given(tmp_path: Path) -> None:
    done = run_cli(["guide", "-o", "case.json"], "Evaluators\nquick answers\n", tmp_path)
    assert done.returncode == 0, done.stderr
    assert "the input ended before the last round" in done.stderr
    case = vc.load(tmp_path / "case.json")
    assert [a.id for a in case.plan("immediate").aspirations] == ["quick-answers"]


def test_cli_bad_line_writes_nothing(tmp_path: Path) -> None:
    done = run_cli(["guide", "-o", "case.yaml"], "Evaluators\n42\n", tmp_path)
    assert done.returncode == 1
    assert "line 2: 42 is not the number of an example" in done.stderr
    assert "nothing was written" in done.stderr
    assert not (tmp_path / "case.yaml").exists()


def test_cli_empty_input_writes_nothing(tmp_path: Path) -> None:
    done = run_cli(["guide", "-o", "case.yaml"], "", tmp_path)
    assert done.returncode == 1
    assert "no community name" in done.stderr
    assert not (tmp_path / "case.yaml").exists()


def test_cli_unknown_cycle_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["guide", "-o", str(tmp_path / "c.yaml"), "--cycles", "nope"]) == 2
    assert "unknown cycle 'nope'" in capsys.readouterr().err


def test_cli_unknown_suffix_is_invalid_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["guide", "-o", str(tmp_path / "c.txt")]) == 1
    assert "cannot tell the format" in capsys.readouterr().err


def test_cli_print_and_output_together_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["guide", "--print", "-o", str(tmp_path / "c.yaml")]) == 2


def test_cli_an_invalid_existing_file_is_not_touched(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text("schema_version: 1\nframework: wenger-trayner\ncommunity: {}\n")
    done = run_cli(["guide", "-o", "case.yaml"], "X\n", tmp_path)
    assert done.returncode == 1
    assert "$.community.name" in done.stderr
    assert path.read_text() == "schema_version: 1\nframework: wenger-trayner\ncommunity: {}\n"


# --- the command line, in a real terminal ------------------------------------


def spawn(args: list[str], cwd: Path) -> Any:
    pexpect = pytest.importorskip("pexpect")
    exe = Path(sys.executable).with_name("valuecycles")
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100", "LINES": "40"}
    return pexpect.spawn(
        str(exe), args, cwd=str(cwd), env=env, encoding="utf-8", timeout=15, dimensions=(40, 100)
    )


def test_terminal_walk(tmp_path: Path) -> None:
    c = spawn(["guide", "-o", "case.yaml", "--cycles", "applied,realized"], tmp_path)
    expect, send = c.expect, c.sendline
    expect("2 cycles of value, each in 4 rounds")
    expect(r"undo  take back the last item")
    expect("Community name: ")
    send("Evaluators")
    expect("Cycle 1 of 2: APPLIED VALUE")
    expect(r"Applied value: Aspirations \(cycle 1 of 2, round 1 of 4\)")
    expect("Who should apply the learning of the community")
    expect(r" 2\. improved practice")
    expect("aspiration> ")
    send("2")
    expect("In your own words")
    expect("edit> ")
    send(" on the wards")  # the example is there, ready to edit: this adds to its end
    expect(r"\+ improved-practice-on-the-wards")
    expect("aspiration> ")
    send("17")
    expect("17 is not the number of an example")  # asked again, not fatal
    expect("aspiration> ")
    send("?")
    expect("Commands:")
    expect("aspiration> ")
    send("")
    expect("condition> ")
    send("Ward manager support")
    expect(r"Which aspirations does 'Ward manager support' support")
    expect("aspirations> ")
    send("1")
    expect(r"a risk rather than an enabler\? \(y/N\)")
    send("")
    expect("condition> ")
    send("")
    expect("Would you pay attention to:")
    expect("indicator> ")
    send("Share of audits using the checklist")
    expect(r"Which aspirations does 'Share of audits using the checklist' signal\?")
    expect(r" 1\. improved-practice-on-the-wards: improved practice on the wards")
    expect("aspirations> ")
    send("nope")
    expect("'nope' is not a known aspiration id")
    expect("aspirations> ")
    send("1")
    expect("unit> ")
    send("abc\x1b[D\x1b[DX")  # arrow keys edit the line: no escape sequence is stored
    expect("direction> ")
    send("up")
    expect("baseline> ")
    send("5 2026-01-01")
    expect("target> ")
    send("60")
    expect("indicator> ")
    send("")
    expect("data source> ")
    send("1")  # time to 80% adoption
    expect("edit> ")
    send("")
    expect("indicators> ")
    send("1")
    expect("method> ")
    send("register")
    expect("cadence> ")
    send("quarterly")
    expect("owner> ")
    send("")
    expect("data source> ")
    send("skip")  # the rest of the applied cycle (none left) and on to realized
    expect("Cycle 2 of 2: REALIZED VALUE")
    expect("aspiration> ")
    send("done")
    expect(r"case\.yaml: written, 1 aspiration, 1 condition, 1 indicator, 1 data source")
    expect(pexpect_eof())
    case = vc.load(tmp_path / "case.yaml")
    plan = case.plan("applied")
    ind = plan.indicators[0]
    assert ind.signals == ("improved-practice-on-the-wards",)
    assert "\x1b" not in (ind.unit or "")
    assert ind.unit in ("aXbc", "abcX")  # edited by readline, or cleaned without it
    assert (ind.direction, ind.baseline, ind.target) == (
        "increase",
        vc.Measure(5, dt.date(2026, 1, 1)),
        vc.Measure(60),
    )
    assert plan.conditions[0].supports == ("improved-practice-on-the-wards",)
    assert plan.data[0].name == "time to 80% adoption"
    assert (plan.data[0].method, plan.data[0].cadence) == ("register", "quarterly")
    assert plan.data[0].indicators == ("share-of-audits-using-the-checklist",)


def pexpect_eof() -> object:
    import pexpect

    return pexpect.EOF


@pytest.mark.parametrize("key", ["ctrl-d", "ctrl-c"])
def test_terminal_end_keeps_what_was_given(tmp_path: Path, key: str) -> None:
    c = spawn(["guide", "-o", "case.toml"], tmp_path)
    expect = c.expect
    expect("Community name: ")
    c.sendline("Evaluators")
    expect("aspiration> ")
    c.sendline("quick answers")
    expect("aspiration> ")
    if key == "ctrl-d":
        c.sendeof()
        expect("the input ended before the last round")
    else:
        c.sendintr()
        expect("interrupted; what was given is kept")
    expect(pexpect_eof())
    c.close()
    assert c.exitstatus == 0
    case = vc.load(tmp_path / "case.toml")
    assert [a.id for a in case.plan("immediate").aspirations] == ["quick-answers"]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_terminal_has_no_colour_with_no_color(tmp_path: Path) -> None:
    c = spawn(["guide", "-o", "case.yaml", "--cycles", "enabling"], tmp_path)
    c.expect("Community name: ")
    c.sendline("X")
    c.expect("aspiration> ")
    assert "\x1b[" not in c.before
    c.sendeof()
    c.expect(pexpect_eof())


def test_cli_unwritable_place_is_a_clear_error(tmp_path: Path) -> None:
    done = run_cli(["guide", "-o", "no/such/folder/case.yaml"], "X\n", tmp_path)
    assert done.returncode == 1
    assert "cannot write no/such/folder/case.yaml" in done.stderr
    assert "Traceback" not in done.stderr


def test_cli_adds_to_an_existing_file_keeping_its_comments(tmp_path: Path) -> None:
    source = Path(__file__).parent.parent / "examples" / "small-network.yaml"
    text = source.read_text(encoding="utf-8").replace(
        "    aspirations:\n", "    aspirations:  # ours, kept by the walk\n", 1
    )
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    before = vc.load(path)
    # community (kept), aspirations, conditions, indicators (+ signals), data (+ feeds)
    lines = [
        "Ignored",
        "faster answers",
        "",
        "",
        "replies a week",
        "faster-answers",
        *NO_INDICATOR[1:],
        "",
    ]
    answers = "\n".join([*lines, "forum log", "replies-a-week", "", "", "", "", "done"]) + "\n"
    done = run_cli(["guide", "-o", "case.yaml", "--cycles", "immediate"], answers, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "added 1 aspiration, 1 indicator, 1 data source" in done.stderr
    written = path.read_text(encoding="utf-8")
    assert "# ours, kept by the walk" in written
    assert written.startswith(text.split("cycles:", 1)[0])  # the head with its comments
    after = vc.load(path)
    assert after.community == before.community
    old, new = before.plan("immediate"), after.plan("immediate")
    assert new.aspirations[: len(old.aspirations)] == old.aspirations
    assert new.aspirations[-1].id == "faster-answers"
    assert new.indicators[-1].name == "replies a week"
    assert new.indicators[-1].signals == ("faster-answers",)
    assert new.data[-1].indicators == (new.indicators[-1].id,)
    assert after.stories == before.stories
    assert not vc.validate(after).errors


def test_cli_adds_flows_to_an_existing_file_and_changes_nothing_there(tmp_path: Path) -> None:
    source = Path(__file__).parent.parent / "examples" / "small-network.yaml"
    path = tmp_path / "case.yaml"
    text = source.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    before = vc.load(path)
    # a potential-value indicator, then the flows asked: immediate -> potential
    # (response-time leads to the new one), potential -> applied (the new one leads on)
    lines = ["Ignored", "", "", "Checklists downloaded", *NO_INDICATOR, "", ""]
    lines += ["1", "checklist-adoption"]
    done = run_cli(
        ["guide", "-o", "case.yaml", "--cycles", "potential"], "\n".join(lines), tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "added 1 indicator, 2 flows" in done.stderr
    after = vc.load(path)
    assert after.flows[: len(before.flows)] == before.flows
    assert [(f.from_, f.to) for f in after.flows[len(before.flows) :]] == [
        ("response-time", "checklists-downloaded"),
        ("checklists-downloaded", "checklist-adoption"),
    ]
    assert after.observations == before.observations
    assert path.read_text(encoding="utf-8").startswith(text.split("cycles:", 1)[0])
    assert not vc.validate(after).errors


def test_the_documented_example_answers_walk() -> None:
    """The answers shown in docs/walk-and-report.md run through the line protocol."""
    page = (Path(__file__).parent.parent / "docs" / "walk-and-report.md").read_text()
    block = page.split("```text\n", 1)[1].split("```", 1)[0]
    lines = [line.split("<-", 1)[0].rstrip() for line in block.splitlines()]
    immediate = [*lines[: lines.index("facilitator") + 1], ""]
    result = vc.guided_walk(vc.LineInterviewer(immediate), cycles=["immediate"])
    assert result.complete
    plan = result.case.plan("immediate")  # type: ignore[union-attr]
    (indicator,) = plan.indicators
    assert indicator.name == "Replies within a day"
    assert (indicator.unit, indicator.direction) == ("percent", "increase")
    assert plan.conditions[0].supports == (plan.aspirations[0].id,)
    assert plan.data[0].owner == "facilitator"
