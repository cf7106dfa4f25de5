"""The portfolio report in headless Chromium, as the case report is checked.

In CI (``CI`` set) a missing browser fails the test; elsewhere it skips.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson
import pytest

import valuecycles as vc
from portfolio_cases import case_document, tagged
from report_cases import SCRIPT
from test_browser import Dom, browse, page_requests
from valuecycles.report import write_portfolio_report

pytestmark = pytest.mark.browser

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "portfolio"
SECTIONS = ("summary", "communities", "figures", "stories", "coverage", "gaps", "problems")


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("portfolio-browser")
    shutil.copytree(EXAMPLE, folder / "portfolio")
    shutil.copytree(EXAMPLE.parent / "frameworks", folder / "frameworks")
    hostile = case_document(SCRIPT, {"x": tagged("active-members")}, [("x", "2026-06", 3)])
    (folder / "portfolio" / "cases" / "hostile.yaml").write_bytes(orjson.dumps(hostile))
    (folder / "portfolio" / "cases" / "broken.yaml").write_text("schema_version: 1\n")
    portfolio = vc.load_portfolio(folder / "portfolio" / "portfolio.yaml")
    result = vc.rollup(portfolio, gaps=True)
    out = folder / "out" / "portfolio.html"
    out.parent.mkdir()
    write_portfolio_report(result, out, portfolio=portfolio)
    return out


def test_the_rendered_dom(page: Path, tmp_path: Path) -> None:
    net_log = tmp_path / "net.json"
    done = browse(page, tmp_path / "profile", f"--log-net-log={net_log}", "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    dom = Dom()
    dom.feed(done.stdout)
    ids = [a.get("id") for _t, a in dom.tags]
    for section in SECTIONS:
        assert section in ids, f"section {section} is missing from the rendered page"
    assert ids.index("summary") < ids.index("communities")  # summary first
    tags = [t for t, _a in dom.tags]
    assert "script" not in tags
    assert "img" not in tags
    text = "".join(dom.text)
    assert SCRIPT in text  # the community's name shows as text
    assert "did not load" in text
    links = [a["href"] for t, a in dom.tags if t == "a" and a.get("href")]
    assert len(links) == 6  # five example cases and the hostile one
    for link in links:
        assert (page.parent / link).is_file()
    heat = [a for t, a in dom.tags if t == "td" and "cell" in (a.get("class") or "")]
    assert any("background:hsl" in (a.get("style") or "") for a in heat)
    assert any("absent" in (a.get("class") or "") for a in heat)
    assert page_requests(net_log) == []


def test_the_screenshot_is_not_blank(page: Path, tmp_path: Path) -> None:
    image_module = pytest.importorskip("matplotlib.image")
    shot = tmp_path / "shot.png"
    done = browse(page, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1100,1800")
    assert done.returncode == 0, done.stderr[-2000:]
    pixels = image_module.imread(shot)
    rgb = (pixels[..., :3] * 255).astype("uint8").reshape(-1, 3)
    ink = (rgb.min(axis=1) < 200).mean()
    assert 0.01 < ink < 0.6, f"{ink:.1%} of the screenshot is ink"
