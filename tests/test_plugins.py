"""Framework plugins found for real through importlib.metadata, without pip.

Each test puts a ``*.dist-info`` folder (METADATA and entry_points.txt) and
the plugin's module on ``sys.path``, as an installed package would.
"""

from __future__ import annotations

import copy
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

import valuecycles as vc
from valuecycles.cli import main
from valuecycles.framework import ENTRY_POINT_GROUP, _registry, plugin_names

PLUGIN_MODULE = """\
import valuecycles as vc

framework = vc.Framework(
    name="good-fw",
    version="3",
    cycles=[
        vc.Cycle(key="taking-part", name="Taking part", role="chain"),
        vc.Cycle(key="using", name="Using", role="chain"),
        vc.Cycle(key="hosting", name="Hosting", role="cross-cutting"),
    ],
)


def make():
    return vc.Framework(name="func-fw", cycles=[vc.Cycle(key="only", name="Only")])


def explode():
    raise RuntimeError("no network in the sandbox")


not_a_framework = 42
misnamed = vc.Framework(name="something-else", cycles=[vc.Cycle(key="a", name="A")])
broken_framework = vc.Framework(
    name="broken-fw",
    cycles=[vc.Cycle(key="a", name="A"), vc.Cycle(key="a", name="Again")],
)
"""

ENTRY_POINTS = """\
[{group}]
good-fw = {module}:framework
func-fw = {module}:make
raises = {module}:explode
missing-module = {module}_not_there:framework
wrong-type = {module}:not_a_framework
wrong-name = {module}:misnamed
broken-fw = {module}:broken_framework
"""


@pytest.fixture
def plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Install a fake distribution with several framework plugins; return its module's name."""
    monkeypatch.setattr(_registry, "_registry", copy.copy(_registry._registry))
    module = f"vc_test_plugin_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{module}.py").write_text(PLUGIN_MODULE, encoding="utf-8")
    dist = tmp_path / "vc_test_plugins-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: vc-test-plugins\nVersion: 1.0\n", encoding="utf-8"
    )
    (dist / "entry_points.txt").write_text(
        ENTRY_POINTS.format(group=ENTRY_POINT_GROUP, module=module), encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield module
    sys.modules.pop(module, None)


PLUGINS = (
    "broken-fw",
    "func-fw",
    "good-fw",
    "missing-module",
    "raises",
    "wrong-name",
    "wrong-type",
)


def test_plugin_names_lists_them_without_loading_any(plugins: str) -> None:
    assert set(PLUGINS) <= set(plugin_names())
    assert plugins not in sys.modules
    assert "good-fw" not in _registry._registry


def test_a_good_plugin_loads_on_request_and_is_registered(plugins: str) -> None:
    fw = vc.load_framework("good-fw")
    assert fw.cycle_keys == ("taking-part", "using", "hosting")
    assert fw.version == "3"
    assert "good-fw" in _registry.registered_frameworks()
    assert vc.load_framework("good-fw") is fw


def test_a_plugin_may_name_a_function_that_returns_the_framework(plugins: str) -> None:
    assert vc.load_framework("func-fw").cycle_keys == ("only",)


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("missing-module", "failed to load: ModuleNotFoundError"),
        ("raises", "failed to load: RuntimeError: no network in the sandbox"),
        ("wrong-type", "gave int, not a valuecycles Framework"),
        ("wrong-name", "gave a framework named 'something-else', not 'wrong-name'"),
        ("broken-fw", "gave a framework with errors: $.cycles[1].key"),
    ],
)
def test_a_broken_plugin_says_which_and_why_and_the_others_still_work(
    plugins: str, name: str, why: str
) -> None:
    with pytest.raises(vc.PluginError) as info:
        vc.load_framework(name)
    message = str(info.value)
    assert f"the plugin {name!r}" in message
    assert "vc-test-plugins" in message
    assert ENTRY_POINT_GROUP in message
    assert why in message
    assert name not in _registry._registry
    # The good ones beside it are not affected.
    assert vc.load_framework("good-fw").name == "good-fw"
    assert vc.load_framework().name == "wenger-trayner"


def test_cases_load_against_a_plugin_and_roles_decide_reach(plugins: str) -> None:
    case = vc.loads(
        textwrap.dedent(
            """\
            schema_version: 1
            framework: good-fw
            framework_version: "3"
            community: {name: Plugin users}
            cycles:
              using:
                indicators: [{id: uses, name: Uses}]
            stories:
              - id: s
                title: S
                steps:
                  - {cycle: taking-part, text: I came}
                  - {cycle: using, text: I used it, indicators: [uses]}
                  - {cycle: hosting, text: Someone paid for the room}
            """
        )
    )
    assert vc.validate(case).to_dict() == {
        "schema_version": 1,
        "valid": True,
        "errors": [],
        "warnings": [],
    }
    (story,) = vc.build_graph(case).stories().stories
    assert story.cycles == ("taking-part", "using", "hosting")
    assert story.reach == "using"


def test_a_case_naming_a_broken_plugin_gets_an_error_not_a_traceback(
    plugins: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(
        "schema_version: 1\nframework: raises\ncommunity: {name: C}\n", encoding="utf-8"
    )
    with pytest.raises(vc.ValidationError) as info:
        vc.load(case)
    (problem,) = info.value.errors
    assert (problem.path, problem.code) == ("$.framework", "framework-error")
    assert "the plugin 'raises'" in problem.message

    assert main(["validate", str(case)]) == 1
    err = capsys.readouterr().err
    assert "the plugin 'raises'" in err
    assert "Traceback" not in err
    assert main(["guide", "--print", "--framework", "wrong-type"]) == 1
    err = capsys.readouterr().err
    assert "gave int, not a valuecycles Framework" in err
    assert "Traceback" not in err


def test_the_command_line_uses_plugins(plugins: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["guide", "--print", "--framework", "good-fw"]) == 0
    out = capsys.readouterr().out
    assert "Taking part" in out
    assert "Hosting" in out


def test_an_unknown_name_lists_what_plugins_offer(plugins: str) -> None:
    vc.load_framework("good-fw")
    with pytest.raises(vc.UnknownFrameworkError) as info:
        vc.load_framework("good-fx")
    message = str(info.value)
    assert "(did you mean 'good-fw'?)" in message
    assert "registered: wenger-trayner" in message
    offered = message.split("offered by installed plugins: ")[1].split(", ")
    assert "func-fw" in offered
    assert "good-fw" not in offered  # it is registered already


def test_import_loads_no_entry_point() -> None:
    probe = textwrap.dedent(
        """\
        import importlib.metadata as md

        GROUP = "valuecycles.frameworks"
        calls = []
        real_entry_points = md.entry_points
        real_load = md.EntryPoint.load

        def entry_points(**kwargs):
            if kwargs.get("group") == GROUP:
                calls.append("listed")
            return real_entry_points(**kwargs)

        def load(self):
            if self.group == GROUP:
                calls.append("loaded " + self.name)
            return real_load(self)

        md.entry_points = entry_points
        md.EntryPoint.load = load

        import valuecycles
        import valuecycles.cli
        valuecycles.load_framework()
        valuecycles.load_framework().guidance("immediate", "data")
        print(calls)
        # The probe itself works: asking for plugins is seen.
        from valuecycles.framework import plugin_names
        plugin_names()
        print(calls)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines() == ["[]", "['listed']"]


EXAMPLE_PLUGIN = Path(__file__).resolve().parents[1] / "examples" / "plugin"


def test_the_example_plugin_package_as_pip_would_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The entry points of examples/plugin/pyproject.toml, in a dist-info, find its framework."""
    import tomllib

    monkeypatch.setattr(_registry, "_registry", copy.copy(_registry._registry))
    project = tomllib.loads((EXAMPLE_PLUGIN / "pyproject.toml").read_text(encoding="utf-8"))
    points = project["project"]["entry-points"][ENTRY_POINT_GROUP]
    assert list(points) == ["partnership-model"]
    dist = tmp_path / "valuecycles_partnership-1.0.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: valuecycles-partnership\nVersion: 1.0.0\n", encoding="utf-8"
    )
    lines = [f"[{ENTRY_POINT_GROUP}]", *(f"{k} = {v}" for k, v in points.items())]
    (dist / "entry_points.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.syspath_prepend(str(EXAMPLE_PLUGIN / "src"))
    monkeypatch.delitem(sys.modules, "valuecycles_partnership", raising=False)

    fw = vc.load_framework("partnership-model")
    assert fw.cycle_keys == ("participation", "learning", "practice", "results", "sponsorship")
    assert [c.key for c in fw.chain] == ["participation", "learning", "practice", "results"]
    assert fw.resolve("applied") == "practice"
    guide = vc.load_framework()
    assert fw.guidance("practice", "data") == guide.guidance("applied", "data")

    case = vc.load(EXAMPLE_PLUGIN / "partnership-case.yaml")
    assert vc.validate(case).valid
    (story,) = vc.build_graph(case).stories().stories
    assert story.cycles == ("participation", "practice", "sponsorship")
    assert story.reach == "practice"
