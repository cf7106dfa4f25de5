"""The report: every section, escaping, consent, determinism, Markdown, the command line."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import valuecycles as vc
from report_cases import SCRIPT, SECTIONS, hostile_case, standing_case
from valuecycles.cli import main

AS_OF = dt.date(2026, 6, 1)
#: The day after the example's last observation and story: the whole case is known.
EXAMPLE_AS_OF = dt.date(2026, 11, 1)
CYCLES = [c.key for c in vc.load_framework().cycles]


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(page: str) -> Elements:
    parser = Elements()
    parser.feed(page)
    return parser


@pytest.fixture(scope="module")
def page() -> str:
    return vc.render_report(hostile_case(), as_of=AS_OF)


@pytest.fixture(scope="module")
def example_page() -> str:
    case = vc.load(Path(__file__).parent.parent / "examples" / "evaluators-network.yaml")
    return vc.render_report(case, as_of=EXAMPLE_AS_OF)


def test_every_section_is_there(page: str) -> None:
    ids = {a.get("id") for _t, a in parse(page).tags}
    for section in SECTIONS:
        assert section in ids, section
    for key in CYCLES:
        assert f"cycle-{key}" in ids, key


def test_an_empty_cycle_is_a_finding(page: str) -> None:
    empty = re.search(
        r"<section class='cycle empty' id='cycle-enabling'>(.*?)</section>", page, re.S
    )
    assert empty is not None
    assert "An empty cycle is a finding" in empty.group(1)
    assert "<section class='cycle' id='cycle-immediate'>" in page


def test_user_text_is_escaped(page: str) -> None:
    parsed = parse(page)
    tags = [t for t, _a in parsed.tags]
    assert "script" not in tags
    assert "img" not in tags
    assert "b" not in tags
    assert "i" not in tags
    text = "".join(parsed.text)
    assert f"Evaluators {SCRIPT}" in text
    assert f"I asked {SCRIPT}" in text
    assert f"Happy {SCRIPT}" in text


def test_plots_are_inline_svg_with_dollars_as_text(page: str) -> None:
    parsed = parse(page)
    svgs = [a for t, a in parsed.tags if t == "svg"]
    assert len(svgs) >= 2  # one trend plot (the qualitative indicator has none) and the graph
    assert any(a.get("aria-label") == "Trend of Cost in $ per $answer$" for a in svgs)
    assert "$ (US)" in "".join(parsed.text)  # the unit, on the plot's axis, as text


def test_ids_inside_plots_are_unique(example_page: str) -> None:
    ids = [a["id"] for _t, a in parse(example_page).tags if a.get("id")]
    assert len(ids) == len(set(ids))


def test_nothing_is_loaded_from_anywhere(page: str) -> None:
    for _tag, attrs in parse(page).tags:
        for name in ("src", "href", "xlink:href"):
            value = attrs.get(name)
            if value is not None:
                assert value.startswith("#"), (name, value)
    assert not re.search(r"url\((?!#)", page)
    assert not re.search(r"https?:", page)
    assert "Content-Security-Policy" in page


def test_narrators_as_consent_allows(page: str) -> None:
    assert "Ana Public" in page
    assert "Ina Internal (internal: not to be shared outside the organisation)" in page
    assert "Ano Nymous" not in page
    public = vc.render_report(hostile_case(), as_of=AS_OF, audience="public")
    assert "Ana Public" in public
    assert "Ina Internal" not in public
    assert "Ano Nymous" not in public


def test_same_case_same_bytes(page: str) -> None:
    assert vc.render_report(hostile_case(), as_of=AS_OF) == page


def test_the_example_report(example_page: str) -> None:
    text = "".join(parse(example_page).text)
    assert "Evaluation practitioners network" in text
    assert "Median hours to a first answer in the forum" in text
    assert "The audit checklist" in text
    assert "Jonas Berg, senior auditor in the north office (internal" in text
    assert "no data source feeds indicator 'reframing-conversations'" in text  # a gap


def test_progress_is_reported() -> None:
    calls: list[tuple[int, int, str]] = []
    vc.render_report(hostile_case(), as_of=AS_OF, on_progress=lambda *a: calls.append(a))
    assert calls
    assert [c[0] for c in calls] == list(range(1, len(calls) + 1))
    assert calls[-1][0] == calls[-1][1]


def test_markdown_text_escapes_and_omits_plots() -> None:
    text = vc.render_report(hostile_case(), "markdown", as_of=AS_OF)
    assert "<script>" not in text
    assert r"\<script\>" in text
    assert "Ano Nymous" not in text
    assert "The trend plot is left out here" in text
    for heading in ("## The cycles", "## Value-creation stories", "## Gaps", "## Coverage"):
        assert heading in text
    assert "### Enabling value" in text
    assert "An empty cycle is a finding" in text


def test_write_markdown_with_plot_files(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    written = vc.write_report(hostile_case(), target, as_of=AS_OF)
    assert written[0] == target
    plots = sorted(p.name for p in (tmp_path / "report-plots").iterdir())
    assert set(plots) == {p.name for p in written[1:]}
    assert "value-creation-graph.svg" in plots
    text = target.read_text()
    for name in plots:
        assert f"(report-plots/{name})" in text
    for path in written[1:]:
        assert path.read_text().lstrip().startswith("<?xml")
    again = tmp_path / "again"
    again.mkdir()
    vc.write_report(hostile_case(), again / "report.md", as_of=AS_OF)
    assert (again / "report.md").read_text() == text
    for name in plots:
        assert (again / "report-plots" / name).read_bytes() == (
            tmp_path / "report-plots" / name
        ).read_bytes()


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown report format 'pdf'"):
        vc.render_report(hostile_case(), "pdf")
    with pytest.raises(ValueError, match="cannot tell the report format"):
        vc.write_report(hostile_case(), "report.pdf")


texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1)


@settings(max_examples=25, deadline=None)
@given(name=texts, step=texts)
def test_any_text_comes_back_as_text(name: str, step: str) -> None:
    name, step = name.strip() or "x", step.strip() or "y"
    case = vc.Case(
        community=vc.Community(name=name),
        stories=[vc.Story(id="s", title="T", steps=[vc.Step(cycle="immediate", text=step)])],
    )
    parsed = parse(vc.render_report(case, as_of=AS_OF))
    assert {t for t, _a in parsed.tags} <= ALLOWED_TAGS
    text = "".join(parsed.text)
    assert " ".join(name.split()) in " ".join(text.split())
    assert " ".join(step.split()) in " ".join(text.split())


ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "p", "h1", "h2", "h3", "h4",
    "h5", "dl", "dt", "dd", "nav", "ol", "ul", "li", "a", "section", "span", "code", "strong",
    "br", "article", "figure", "figcaption", "table", "thead", "tbody", "tr", "th", "td", "div",
    "footer", "svg", "g", "path", "defs", "use", "clippath", "text", "rect", "polyline",
    "line", "circle", "tspan", "ellipse", "polygon", "details", "summary", "marker",
}  # fmt: skip


# --- the command line ----------------------------------------------------------


def test_cli_report_html(
    example_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.html"
    assert main(["report", str(example_path), "-o", str(out), "--as-of", "2026-06-01"]) == 0
    assert capsys.readouterr().err == f"wrote {out}\n"  # confirmed on standard error
    assert out.read_text() == vc.render_report(vc.load(example_path), as_of=AS_OF)


def test_cli_report_markdown(
    example_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "wiki.md"
    assert main(["report", str(example_path), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    plots = sorted((tmp_path / "wiki-plots").iterdir())
    assert len(plots) == 20
    assert err.splitlines()[0] == f"wrote {out}"
    assert sorted(err.splitlines()[1:]) == sorted(f"wrote {p}" for p in plots)
    assert (tmp_path / "wiki-plots" / "response-time.svg").exists()


def test_cli_report_unknown_suffix(
    example_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(example_path), "-o", str(tmp_path / "r.pdf")]) == 2
    assert "cannot tell the report format" in capsys.readouterr().err
    assert not (tmp_path / "r.pdf").exists()


def test_cli_report_invalid_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = tmp_path / "bad.yaml"
    case.write_text("schema_version: 1\nframework: wenger-trayner\ncommunity: {}\n")
    assert main(["report", str(case), "-o", str(tmp_path / "r.html")]) == 1
    assert "$.community.name" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()


def test_cli_report_missing_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(tmp_path / "nope.yaml"), "-o", str(tmp_path / "r.html")]) == 1
    assert "no such file" in capsys.readouterr().err


def test_cli_report_bad_date(example_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["report", str(example_path), "-o", "r.html", "--as-of", "June"])
    assert info.value.code == 2
    assert "not a date" in capsys.readouterr().err


def test_cli_public_report(
    example_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "public.html"
    assert main(["report", str(example_path), "-o", str(out), "--public"]) == 0
    assert "A member from a regional office" not in out.read_text()


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_cli_progress_bar_on_a_terminal_only(
    example_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal = FakeTerminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert main(["report", str(example_path), "-o", str(tmp_path / "r.html")]) == 0
    assert "\x1b[" in terminal.getvalue()  # rich drew (and cleared) its bar
    plain = io.StringIO()
    monkeypatch.setattr("sys.stderr", plain)
    assert main(["report", str(example_path), "-o", str(tmp_path / "r.html")]) == 0
    assert plain.getvalue() == f"wrote {tmp_path / 'r.html'}\n"  # no bar, no escape


@pytest.mark.parametrize("name", ["r.html", "r.md"])
def test_cli_report_into_a_missing_folder(
    example_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    target = tmp_path / "missing" / name
    assert main(["report", str(example_path), "-o", str(target)]) == 1
    assert "cannot write" in capsys.readouterr().err
    assert not (tmp_path / "missing").exists()


def test_the_report_reads_the_typed_results() -> None:
    """The report's parts are the query results themselves, not their --json dictionaries."""
    from valuecycles.report import gather
    from valuecycles.report._html import render_html
    from valuecycles.report._markdown import render_markdown

    case = hostile_case()
    data = gather(case, as_of=AS_OF)
    rt = 'rt"><img src=x>'
    assert isinstance(data.progress[rt], vc.evidence.IndicatorProgress)
    assert isinstance(data.matrix, vc.evidence.Matrix)
    assert isinstance(data.gaps, vc.graph.Gaps)
    assert data.matrix == vc.matrix(case)
    page = render_html(data)
    section = page.split("<section id='matrix'>", 1)[1].split("</section>", 1)[0]
    parsed = parse(section)
    assert "script" not in [t for t, _a in parsed.tags]
    cells = "".join(parsed.text)
    assert f"I asked {SCRIPT}" in cells
    assert "hoped for" in cells
    assert "Told in public" in cells
    assert "30 $ (US); change since baseline -30; 83% of the way to the target" in "".join(
        parse(page).text
    )
    text = render_markdown(data, None)
    assert "| Story | Immediate value | Potential value |" in text
    assert "83% of the way to the target" in text


def test_the_report_reads_the_evidence_against_the_framework_it_was_given() -> None:
    """An unregistered framework whose cycle has an alias: progress and matrix use its keys."""
    from valuecycles.framework._file import framework_from_text
    from valuecycles.report import gather

    fw = framework_from_text(
        "name: unregistered-for-report\n"
        "cycles:\n"
        "  - {key: first-hand, name: First-hand value, aliases: [quick]}\n"
        "  - {key: later, name: Later value}\n",
        "yaml",
    )
    case = vc.loads(
        "schema_version: 1\nframework: unregistered-for-report\ncommunity: {name: C}\n"
        "cycles:\n  quick:\n    indicators:\n      - {id: n, name: N, baseline: {value: 1},"
        " target: {value: 3}}\n"
        "observations:\n  - {indicator: n, date: 2026-03-01, period: '2026', value: 2}\n"
        "stories:\n  - id: s\n    title: T\n    steps:\n"
        "      - {cycle: quick, text: I asked, indicators: [n]}\n"
        "      - {cycle: later, text: I used it}\n",
        "yaml",
        framework=fw,
    )
    data = gather(case, framework=fw, as_of=AS_OF, inline_plots=False)
    assert data.progress["n"].cycle == "first-hand"
    assert data.progress["n"].progress == 0.5
    assert data.matrix == vc.matrix(case, framework=fw)
    assert [c.cycle for c in data.matrix.cells] == ["first-hand", "later"]
    # without the framework, the keys as written: what the report showed before
    assert vc.matrix(case) != data.matrix
    assert vc.progress(case).to_dict()["indicators"][0]["cycle"] == "quick"


# --- the first screen, progress, chains, pictures ----------------------------------------

STANDING_DAY = dt.date(2026, 7, 2)


def section(page: str, ident: str) -> str:
    start = page.index(f"<section id='{ident}'")
    return page[start : page.index("</section>", start)]


def test_the_sections_come_summary_first(page: str) -> None:
    order = [page.index(f"id='{ident}'") for ident in SECTIONS]
    assert order == sorted(order)


def test_the_summary_counts_indicators_on_track_behind_and_without_data() -> None:
    page = vc.render_report(standing_case(), as_of=STANDING_DAY)
    summary = section(page, "summary")
    row = re.search(r"<tr><th><a href='#cycle-immediate'>Immediate</a></th>(.*?)</tr>", summary)
    assert row is not None
    numbers = re.findall(r">(\d+)<", row.group(1))
    # on track (ahead), behind (late), without data (silent and requests, no baseline), gaps
    assert numbers[:3] == ["1", "1", "2"]
    progress = "".join(parse(section(page, "progress")).text)
    assert "Indicator ahead" in progress
    assert "on track" in progress
    assert "behind" in progress
    assert "60%" in progress
    assert "50%" in progress
    later = vc.render_report(standing_case(), as_of=dt.date(2026, 12, 1))
    row = re.search(r"#cycle-immediate'>Immediate</a></th>(.*?)</tr>", section(later, "summary"))
    assert row is not None
    assert re.findall(r">(\d+)<", row.group(1))[:3] == ["0", "2", "2"]


def test_every_summary_link_leads_somewhere(example_page: str) -> None:
    ids = {a.get("id") for _t, a in parse(example_page).tags}
    summary = section(example_page, "summary")
    links = re.findall(r"href='#([^']+)'", summary)
    assert links
    for target in links:
        assert target in ids, target


@settings(max_examples=50, deadline=None)
@given(
    start=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 1, 1)),
    days=st.integers(1, 3000),
    one=st.integers(-100, 4000),
    two=st.integers(-100, 4000),
)
def test_the_expected_share_grows_with_time_from_0_to_1(
    start: dt.date, days: int, one: int, two: int
) -> None:
    from valuecycles.report._words import expected_share

    end = start + dt.timedelta(days=days)
    b, t = vc.Measure(0, start), vc.Measure(1, end)
    early, late = sorted((start + dt.timedelta(days=one), start + dt.timedelta(days=two)))
    a, z = expected_share(b, t, early), expected_share(b, t, late)
    assert a is not None
    assert z is not None
    assert 0 <= a <= z <= 1
    assert expected_share(b, t, end) == 1
    assert expected_share(b, t, start) == 0


def test_chains_in_words_ranked_and_folded(example_page: str) -> None:
    chains = section(example_page, "chains")
    items = re.findall(r"<li class='chain'>(.*?)</li>", chains, re.S)
    assert len(items) == 18
    before, folded = chains.split("<details>", 1)
    assert before.count("<li class='chain'>") == 5
    assert "13 more chains" in folded
    first = "".join(parse(items[0]).text)
    assert " → " in first
    assert "stories" in first
    assert "links:" not in chains


def test_the_graph_has_a_key(example_page: str) -> None:
    graph = section(example_page, "graph")
    text = "".join(parse(graph).text)
    for entry in ("declared, told by stories", "told by stories only", "declared, no story yet"):
        assert entry in text


def test_a_dense_graph_is_drawn_a_pair_of_cycles_at_a_time() -> None:
    from valuecycles.report import gather
    from valuecycles.report._data import PAIR_FLOWS

    cycles = ["immediate", "potential", "applied"]
    plans = {
        c: vc.CyclePlan(
            indicators=[vc.Indicator(id=f"{c}-{n}", name=f"{c} {n}") for n in range(30)]
        )
        for c in cycles
    }
    flows = [
        vc.Flow(from_=f"{a}-{i}", to=f"{b}-{j}")
        for a, b in itertools.pairwise(cycles)
        for i in range(30)
        for j in range(30)
    ]
    case = vc.Case(community=vc.Community(name="Dense"), cycles=plans, flows=flows)
    data = gather(case, as_of=AS_OF)
    assert not data.graph_whole
    assert [p.cycles for p in data.pictures] == [tuple(cycles[:2]), tuple(cycles[1:])]
    for picture in data.pictures:
        assert picture.flows_total == 900
        assert picture.flows_drawn <= PAIR_FLOWS
        assert picture.svg.count("<path d=") - 3 == picture.flows_drawn  # 3 arrow heads
    text = "".join(parse(section(render_html_of(data), "graph")).text)
    assert "1,800 flows" in text
    assert "one pair of cycles at a time" in text
    assert f"The {PAIR_FLOWS} strongest of 900 flows" in text


def render_html_of(data: object) -> str:
    from valuecycles.report._html import render_html

    return render_html(data)  # type: ignore[arg-type]


def test_count_axes_have_whole_numbers_only() -> None:
    import attrs

    case = standing_case()
    effect = [o for o in case.observations if o.evidence == "effect"]
    page = vc.render_report(attrs.evolve(case, observations=effect), as_of=STANDING_DAY)
    plot = page[page.index('aria-label="Trend of Requests for help"') :]
    plot = plot[: plot.index("</svg>")]
    ticks = re.findall(r'text-anchor="end">([^<]+)<', plot)
    assert ticks
    assert all(re.fullmatch(r"-?[\d,]+k?", t) for t in ticks), ticks


def test_contribution_groups_are_lines_of_their_own() -> None:
    from valuecycles.report._svg import Series, trend_svg

    day = dt.date(2026, 1, 1)
    lines = [
        Series("observed", ((day, 1.0), (day + dt.timedelta(days=40), 2.0))),
        Series("contribution: tools: used", ((day, 3.0),), kind="contribution"),
        Series("contribution: tools: not-used", ((day, 1.0),), kind="contribution"),
    ]
    svg = trend_svg("Requests", lines, integers=True)
    assert svg is not None
    assert svg.count("<polyline") == 3
    assert "contribution: tools: used" in svg
    assert "contribution: tools: not-used" in svg


def test_the_case_s_contribution_data_is_drawn_when_progress_carries_it() -> None:
    case = standing_case()
    row = vc.progress(case)["requests"]
    if not hasattr(row, "contribution"):
        pytest.skip("progress does not carry contribution series in this tree yet")
    page = vc.render_report(case, as_of=STANDING_DAY)
    plot = page[page.index("Trend of Requests for help") :]
    plot = plot[: plot.index("</svg>")]
    assert "contribution: tools: used" in plot
    assert "contribution: tools: not-used" in plot


def test_a_long_series_is_thinned_for_the_picture_but_not_the_table() -> None:
    from valuecycles.report._svg import MAX_POINTS

    start = dt.date(2020, 1, 1)
    observations = [
        vc.Observation(
            indicator="daily", date=start + dt.timedelta(days=n), period=None, value=n % 17
        )
        for n in range(1500)
    ]
    case = vc.Case(
        community=vc.Community(name="Daily"),
        cycles={
            "immediate": vc.CyclePlan(
                indicators=[vc.Indicator(id="daily", name="Daily")],
                data=[vc.DataSource(id="d", name="D", cadence="daily", indicators=["daily"])],
            )
        },
        observations=[attrs_evolve(o, source="d") for o in observations],
    )
    rows = vc.progress(case)["daily"].series
    page = vc.render_report(case, as_of=AS_OF)
    plot = page[page.index("<polyline") :]
    points = plot[plot.index('points="') + 8 : plot.index('"', plot.index('points="') + 8)]
    assert len(points.split()) <= MAX_POINTS < len(rows)
    figures = section(page, "cycles")
    assert figures.count("<tr><td>") >= len(rows)


def attrs_evolve(obs: vc.Observation, **changes: object) -> vc.Observation:
    import attrs

    return attrs.evolve(obs, **changes)


def test_the_markdown_report_has_the_summary_and_progress_table() -> None:
    text = vc.render_report(standing_case(), "markdown", as_of=STANDING_DAY)
    assert text.index("## Where the community stands") < text.index("## Progress")
    assert "| Immediate value | 1 | 1 | 2 |" in text
    assert "| Indicator ahead | Immediate value | 6 |" in text


@pytest.mark.slow
def test_the_report_benchmark_prints_its_figures() -> None:
    """benchmarks/report.py runs at its smallest size; it asserts no time, only the shape."""
    import json
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [
            sys.executable,
            str(root / "benchmarks" / "report.py"),
            "--quick",
            "--json",
            "--repeat",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=root,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["quick"] is True
    assert result["observations"] == 1000
    assert result["ratio"] > 0
    assert result["time_pass"] in (True, False)
    assert 0 < result["page_bytes"] <= result["size_target"]


def test_a_dense_graph_s_picture_is_summarised(tmp_path: Path) -> None:
    """Past a size a reader can follow, ValueGraph.draw draws one arrow per pair of cycles."""
    pytest.importorskip("matplotlib")
    cycles = ["immediate", "potential", "applied"]
    plans = {
        c: vc.CyclePlan(
            indicators=[vc.Indicator(id=f"{c}-{n}", name=f"{c} {n}") for n in range(30)]
        )
        for c in cycles
    }
    flows = [
        vc.Flow(from_=f"{a}-{i}", to=f"{b}-{j}")
        for a, b in [("immediate", "potential"), ("potential", "applied")]
        for i in range(30)
        for j in range(30)
    ]
    vg = vc.build_graph(vc.Case(community=vc.Community(name="D"), cycles=plans, flows=flows))
    path = tmp_path / "graph.svg"
    vg.draw(path)
    text = path.read_text()
    assert "Summarised: 90 indicators and 1800 flows" in text
    assert text.count("900 flows") == 2
    assert "immediate 7" not in text  # no indicator is drawn one by one


def test_steps_are_labelled_from_1_on_the_page(page: str) -> None:
    matrix = "".join(parse(section(page, "matrix")).text)
    assert f"step 1: I asked {SCRIPT}" in matrix
    assert "step 2: I used it" in matrix
    assert "count them from 0" in matrix
    text = vc.render_report(hostile_case(), "markdown", as_of=AS_OF)
    assert "step 2: I used it" in text


def test_cli_single_file_exports_are_confirmed_on_stderr(
    example_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for fmt, name in (("json", "case.json"), ("graphml", "g.graphml"), ("dot", "g.dot")):
        target = tmp_path / name
        assert main(["export", str(example_path), "--to", fmt, "-o", str(target)]) == 0
        assert capsys.readouterr().err == f"wrote {target}\n"
        assert target.exists()


def test_a_missing_file_is_said_in_plain_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(tmp_path / "nosuch.yaml"), "-o", str(tmp_path / "r.html")]) == 1
    err = capsys.readouterr().err
    assert f"no such file: {tmp_path / 'nosuch.yaml'}" in err
    assert "$" not in err
