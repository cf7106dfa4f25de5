"""The report in a real browser: headless Chromium renders it offline.

In CI (``CI`` set) a missing browser fails the test; elsewhere it skips.
Set ``VALUECYCLES_CHROMIUM`` to use a browser that is not on the path.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

import valuecycles as vc
from report_cases import SCRIPT, SECTIONS, hostile_case

pytestmark = pytest.mark.browser

EXAMPLE = Path(__file__).parent.parent / "examples" / "evaluators-network.yaml"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)


def find_browser() -> str:
    names = [os.environ.get("VALUECYCLES_CHROMIUM", "")]
    names += ["chromium", "chromium-browser", "google-chrome", "chrome"]
    for name in names:
        found = shutil.which(name) if name else None
        if found:
            return found
    message = "no Chromium found (install Debian's chromium package, or set VALUECYCLES_CHROMIUM)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def browse(page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    browser = find_browser()
    command = [browser, *FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


class Dom(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def page_requests(net_log: Path) -> list[str]:
    """The URLs the page asked for (not the browser's own background requests)."""
    log = json.loads(net_log.read_text())
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for event in log["events"]:
        params = event.get("params") or {}
        if (
            event["type"] == start
            and "url" in params
            and params.get("initiator") != "not an origin"
        ):
            urls.append(params["url"])
    return urls


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("browser")
    path = folder / "report.html"
    vc.write_report(hostile_case(), path, as_of=dt.date(2026, 6, 1))
    return path


def test_the_rendered_dom(report: Path, tmp_path: Path) -> None:
    net_log = tmp_path / "net.json"
    done = browse(report, tmp_path / "profile", f"--log-net-log={net_log}", "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    dom = Dom()
    dom.feed(done.stdout)
    ids = {a.get("id") for _t, a in dom.tags}
    for section in SECTIONS:
        assert section in ids, f"section {section} is missing from the rendered page"
    for cycle in vc.load_framework().cycles:
        assert f"cycle-{cycle.key}" in ids
    tags = [t for t, _a in dom.tags]
    assert "script" not in tags
    assert "img" not in tags
    assert tags.count("svg") >= 2  # the trend plot and the graph, as SVG elements
    figures = [a for t, a in dom.tags if t == "svg" and a.get("role") == "img"]
    assert any("Trend of" in (a.get("aria-label") or "") for a in figures)
    text = "".join(dom.text)
    assert f"I asked {SCRIPT}" in text  # the story's <script> shows as text
    assert page_requests(net_log) == []


def test_a_page_that_loads_something_is_caught(tmp_path: Path) -> None:
    """The network check above can fail: a page with an outside image is caught."""
    page = tmp_path / "loads.html"
    page.write_text("<!DOCTYPE html><p>x<img src='http://example.invalid/x.png'></p>")
    net_log = tmp_path / "net.json"
    done = browse(page, tmp_path / "profile", f"--log-net-log={net_log}", "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    assert page_requests(net_log) == ["http://example.invalid/x.png"]


def test_the_screenshot_is_not_blank(report: Path, tmp_path: Path) -> None:
    image_module = pytest.importorskip("matplotlib.image")
    shot = tmp_path / "shot.png"
    done = browse(report, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1100,1800")
    assert done.returncode == 0, done.stderr[-2000:]
    pixels = image_module.imread(shot)
    height, width = pixels.shape[:2]
    assert (height, width) == (1800, 1100)
    rgb = (pixels[..., :3] * 255).astype("uint8").reshape(-1, 3)
    colours = {tuple(p) for p in rgb[:: max(1, len(rgb) // 200_000)]}
    assert len(colours) > 50, "the screenshot has almost no variety: is the page blank?"
    ink = (rgb.min(axis=1) < 200).mean()
    assert 0.01 < ink < 0.6, f"{ink:.1%} of the screenshot is ink"


# --- layout at a phone's width and a laptop's -------------------------------------------

#: A page that loads a report in a frame of the given size and writes what it measured
#: into its own DOM (the report itself runs no script: its CSP forbids it).
MEASURE = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="f" src="REPORT" style="width:WIDTHpx;height:HEIGHTpx;border:0"></iframe>
<pre id="out">pending</pre>
<script>
document.getElementById("f").addEventListener("load", function () {
  var out = {};
  try {
    var doc = this.contentDocument, win = this.contentWindow;
    out.scrollWidth = doc.documentElement.scrollWidth;
    out.clientWidth = doc.documentElement.clientWidth;
    out.viewport = win.innerHeight;
    var summary = doc.getElementById("summary");
    out.summaryBottom = summary ? summary.getBoundingClientRect().bottom : null;
    var svgMin = 1e9, svgWhere = "", svgCount = 0;
    doc.querySelectorAll("svg text").forEach(function (t) {
      var m = t.getScreenCTM();
      if (!m || !t.textContent.trim()) return;
      svgCount += 1;
      var size = parseFloat(win.getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
      if (size < svgMin) { svgMin = size; svgWhere = t.textContent; }
    });
    out.svgText = svgMin; out.svgWhere = svgWhere; out.svgCount = svgCount;
    var htmlMin = 1e9, htmlWhere = "";
    doc.querySelectorAll("body *").forEach(function (e) {
      if (e.closest("svg")) return;
      var own = Array.prototype.some.call(e.childNodes, function (n) {
        return n.nodeType === 3 && n.textContent.trim();
      });
      if (!own || !e.getClientRects().length) return;
      var size = parseFloat(win.getComputedStyle(e).fontSize);
      if (size < htmlMin) { htmlMin = size; htmlWhere = e.tagName + ": " + e.textContent; }
    });
    out.htmlText = htmlMin; out.htmlWhere = htmlWhere.slice(0, 80);
  } catch (e) { out.error = String(e); }
  document.getElementById("out").textContent = JSON.stringify(out);
});
</script></body></html>
"""


def measure(report: Path, profile: Path, width: int, height: int) -> dict[str, object]:
    """Lay the report out in a frame of ``width`` x ``height`` CSS pixels; what it measured."""
    page = report.parent / f"measure-{report.stem}-{width}.html"
    page.write_text(
        MEASURE.replace("REPORT", report.name)
        .replace("WIDTH", str(width))
        .replace("HEIGHT", str(height))
    )
    done = browse(
        page,
        profile,
        "--allow-file-access-from-files",
        "--hide-scrollbars",
        "--virtual-time-budget=20000",
        "--dump-dom",
    )
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r'<pre id="out">(.*?)</pre>', done.stdout, re.S)
    assert found is not None, done.stdout[-2000:]
    result: dict[str, object] = json.loads(html.unescape(found.group(1)))
    assert "error" not in result, result
    return result


@pytest.fixture(scope="module")
def example_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("browser-example") / "example.html"
    vc.write_report(vc.load(EXAMPLE), path, as_of=dt.date(2026, 6, 1))
    return path


@pytest.fixture(scope="module")
def dense_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A case too dense to draw whole, with long names and ids that do not break."""
    cycles = ["immediate", "potential", "applied"]
    long = "Averyveryverylongwordwithoutanyspaceinsideitatall" * 2
    plans = {
        c: vc.CyclePlan(
            indicators=[
                vc.Indicator(id=f"{c}-{n}-{long}", name=f"{long} {c} {n}") for n in range(25)
            ]
        )
        for c in cycles
    }
    flows = [
        vc.Flow(from_=f"{a}-{i}-{long}", to=f"{b}-{j}-{long}")
        for a, b in itertools.pairwise(cycles)
        for i in range(25)
        for j in range(25)
    ]
    case = vc.Case(community=vc.Community(name=long), cycles=plans, flows=flows)
    path = tmp_path_factory.mktemp("browser-dense") / "dense.html"
    vc.write_report(case, path, as_of=dt.date(2026, 6, 1))
    return path


@pytest.mark.parametrize("which", ["report", "example_report", "dense_report"])
def test_at_a_phone_s_width_nothing_widens_the_page(
    which: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    page: Path = request.getfixturevalue(which)
    found = measure(page, tmp_path / "profile", 390, 844)
    assert found["clientWidth"] == 390
    assert found["scrollWidth"] == 390, found
    assert isinstance(found["svgCount"], int)
    assert found["svgCount"] > 0
    assert found["svgText"] >= 10 - 1e-6, found  # type: ignore[operator]
    assert found["htmlText"] >= 10 - 1e-6, found  # type: ignore[operator]


@pytest.mark.parametrize("which", ["report", "example_report"])
def test_at_a_laptop_s_width_the_summary_is_the_first_screen(
    which: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    page: Path = request.getfixturevalue(which)
    found = measure(page, tmp_path / "profile", 1280, 800)
    assert found["viewport"] == 800
    assert found["scrollWidth"] == 1280, found
    assert found["summaryBottom"] <= 800, found  # type: ignore[operator]
    assert found["svgText"] >= 10 - 1e-6, found  # type: ignore[operator]


def test_the_layout_checks_can_fail(tmp_path: Path) -> None:
    """A page with a wide table, tiny plot text and a long summary is caught."""
    page = tmp_path / "bad.html"
    page.write_text(
        "<!DOCTYPE html><meta name='viewport' content='width=device-width'>"
        "<section id='summary' style='height:1500px'>x</section>"
        "<table style='width:900px'><tr><td>wide</td></tr></table>"
        "<svg viewBox='0 0 1000 100' style='width:300px'><text y='50' font-size='11'>tiny</text>"
        "</svg>"
    )
    found = measure(page, tmp_path / "profile", 390, 844)
    assert found["scrollWidth"] > 390  # type: ignore[operator]
    assert found["svgText"] < 10  # type: ignore[operator]
    assert found["summaryBottom"] > 844  # type: ignore[operator]
