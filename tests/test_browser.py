"""The report in a real browser: headless Chromium renders it offline.

In CI (``CI`` set) a missing browser fails the test; elsewhere it skips.
Set ``VALUECYCLES_CHROMIUM`` to use a browser that is not on the path.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

import valuecycles as vc
from report_cases import SCRIPT, hostile_case

pytestmark = pytest.mark.browser

SECTIONS = ("community", "cycles", "stories", "matrix", "graph", "chains", "gaps", "coverage")
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
