"""``symbiosis report``: HTML opened in headless Chromium, PDF pages turned into images and read
back as text, the change section after a data change, escaping, lock and folders."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import matplotlib.image as mpimg
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import PARKS, park_dict, write_park
from pypdf import PdfReader

import symbiosis
from symbiosis.cli import cli
from symbiosis.cli.common import parse_overrides
from symbiosis.cli.report import LOCK_NAME, folder_lock
from symbiosis.report import History, publish
from symbiosis.report.inputs import NotOfThisResult
from symbiosis.report.numbers import money, number

SMELTER = {"name": "Smelter AS", "location": {"x": "0 m", "y": "0 m"}, "streams": {
    "flue_gas": {"direction": "supply", "carrier": "heat", "temperature": "180 degC",
                 "target_temperature": "90 degC", "amount": "40 GWh/year", "current": "cooling_tower"}}}
TOWN = {"name": "District heating", "location": {"x": "800 m", "y": "0 m"}, "streams": {
    "network": {"direction": "demand", "carrier": "heat", "temperature": "50 degC",
                "target_temperature": "80 degC", "amount": "30 GWh/year", "current": "gas_boiler"}}}
GREENHOUSE = {"name": "Greenhouse", "location": {"x": "0 m", "y": "600 m"}, "streams": {
    "heating": {"direction": "demand", "carrier": "heat", "temperature": "30 degC",
                "target_temperature": "60 degC", "amount": "20 GWh/year", "current": "gas_boiler"}}}
SCRIPT = "<script>alert(1)</script>"
EXAMPLE_PARKS = sorted(PARKS.glob("*/park.yaml"))


def _park(folder: Path, firms: dict | None = None) -> Path:
    return write_park(folder, park_dict(firms or {"smelter": SMELTER, "town": TOWN},
                                        park={"carbon_price": "900 NOK/t", "name": "Test park"}))


# -- tools: a real browser and poppler, installed here when missing ------------------------
def _ensure(commands: tuple[str, ...], packages: tuple[str, ...]) -> str | None:
    """Install Debian packages when a command is missing; the reason it is impossible, or None."""
    if all(shutil.which(c) for c in commands):
        return None
    if not shutil.which("apt-get"):
        return f"{', '.join(commands)} missing and no apt-get to install {', '.join(packages)}"
    try:
        subprocess.run(["apt-get", "update"], check=True, capture_output=True, timeout=300)
        subprocess.run(["apt-get", "install", "-y", *packages], check=True,
                       capture_output=True, timeout=600)
    except (subprocess.SubprocessError, OSError) as exc:
        return f"cannot install {', '.join(packages)}: {exc}"
    missing = [c for c in commands if not shutil.which(c)]
    return f"{', '.join(missing)} still missing after installing {', '.join(packages)}" if missing else None


@pytest.fixture(scope="session")
def chromium() -> str:
    reason = _ensure(("chromium",), ("chromium",))
    if reason:
        pytest.skip(reason)
    return str(shutil.which("chromium"))


@pytest.fixture(scope="session")
def poppler() -> None:
    reason = _ensure(("pdftoppm",), ("poppler-utils",))
    if reason:
        pytest.skip(reason)


def _browse(chromium: str, html: Path, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"chromium-profile-{len(list(tmp_path.glob('chromium-profile-*')))}"
    return subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", "--window-size=1280,2000", *extra, html.resolve().as_uri()],
        capture_output=True, text=True, timeout=120)


# -- one report, shared by several tests ---------------------------------------------------
@pytest.fixture(scope="module")
def tiny_report(tmp_path_factory) -> tuple[Path, Path]:
    """(report folder, --out) of the two-firm park, made through the command line."""
    base = tmp_path_factory.mktemp("tiny")
    park = _park(base / "park")
    out = base / "reports" / "test"
    result = CliRunner().invoke(cli, ["report", str(park), "--out", str(out)])
    assert result.exit_code == 0, result.output
    (folder,) = [p for p in out.iterdir() if p.is_dir()]
    return folder, out


def test_report_writes_html_pdf_result_and_history(tiny_report) -> None:
    folder, out = tiny_report
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}_\d{6}", folder.name)
    assert {"report.html", "report.pdf", "result.json", "exchanges.csv"} <= {p.name for p in folder.iterdir()}
    assert (out / "symbiosis.log").read_text().count("recorded run") == 1
    (run,) = History(out.parent / "history.sqlite").runs("Test park")
    assert run.status == "optimal" and run.result_path == str(folder.resolve())
    html = (folder / "report.html").read_text()
    assert "http://" not in html and "https://" not in html and "<script" not in html  # self-contained
    assert html.count("data:image/png;base64,") >= 3


def test_html_has_the_sections_in_meeting_order(tiny_report) -> None:
    html = (tiny_report[0] / "report.html").read_text()
    order = ["Park saving per year", "Map of the park", "Annual flows by carrier",
             "Proposed exchanges, best first",
             "Cost and saving per firm", "What changed since the last report", "Assumptions", "Data sources"]
    positions = [html.index(f"<h2>{title}</h2>") if i else html.index(title) for i, title in enumerate(order)]
    assert positions == sorted(positions)
    assert "Pareto" not in html and "Time profile" not in html  # not computed: sections skipped


def test_html_opens_in_chromium_without_errors(tiny_report, chromium, tmp_path) -> None:
    html = tiny_report[0] / "report.html"
    shot = tmp_path / "shot.png"
    run = _browse(chromium, html, tmp_path, f"--screenshot={shot}", "--enable-logging=stderr", "--v=0")
    assert shot.is_file(), run.stderr[-2000:]
    console = [line for line in run.stderr.splitlines() if "Uncaught" in line or "ERROR:CONSOLE" in line]
    assert console == []
    pixels = mpimg.imread(shot)
    assert pixels.shape[0] >= 1000 and pixels[..., :3].std() > 0.05  # not a blank page
    dom = _browse(chromium, html, tmp_path, "--dump-dom").stdout
    assert "Proposed exchanges, best first" in dom and "</html>" in dom


def test_pdf_pages_become_images_and_hold_the_headline_figures(tiny_report, poppler, tmp_path) -> None:
    folder = tiny_report[0]
    pdf = folder / "report.pdf"
    pages = len(PdfReader(pdf).pages)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True,
                   timeout=120)
    images = sorted(tmp_path.glob("page*.png"))
    assert len(images) == pages >= 2
    assert mpimg.imread(images[0])[..., :3].std() > 0.05
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages)
    result = symbiosis.Result.load(folder)
    s = result.summary
    for figure in (money(s["saving"], "NOK"), f"{number(s['co2_avoided'])} t", money(s["investment"], "NOK"),
                   "optimal", "Proposed exchanges, best first", "What changed since the last report"):
        assert figure in text, figure
    assert "smelter.flue_gas" in re.sub(r"\s", "", text)  # a narrow table cell may wrap the name


def test_change_section_after_a_data_change(tmp_path) -> None:
    park, out = tmp_path / "park", tmp_path / "reports" / "park"
    runner = CliRunner()
    _park(park)
    first = runner.invoke(cli, ["report", str(park), "--out", str(out), "--json"])
    assert first.exit_code == 0, first.output
    _park(park, {"smelter": SMELTER, "greenhouse": GREENHOUSE})  # the town leaves, a greenhouse comes
    second = runner.invoke(cli, ["report", str(park), "--out", str(out), "--json"])
    assert second.exit_code == 0, second.output
    told = json.loads(second.stdout)
    assert told["data_changed"] and told["added"] == 1 and told["dropped"] == 1
    # the first run had nothing to compare with: null, not "no change" (it said false and 0)
    was = json.loads(first.stdout)
    assert [was[key] for key in ("compared_with", "data_changed", "added", "dropped")] == [None] * 4
    assert told["compared_with"] == was["run_id"]
    runs = History(tmp_path / "reports" / "history.sqlite").runs("Test park")
    assert len(runs) == 2 and runs[0].fingerprint != runs[1].fingerprint
    html = Path(told["html"]).read_text()
    changes = html[html.index('<section id="changes">'):html.index('<section id="assumptions">')]
    assert f"{runs[1].fingerprint} → {runs[0].fingerprint}" in changes
    added = changes[changes.index("Exchanges added"):changes.index("Exchanges dropped")]
    dropped = changes[changes.index("Exchanges dropped"):]
    assert "greenhouse.heating" in added and "town.network" in dropped
    assert "firm District heating (town)" in changes and "firm Greenhouse (greenhouse)" in changes
    assert "<td>firms.town</td><td>present</td><td>removed</td>" in changes  # one line, not each value
    pdf_text = " ".join(p.extract_text() for p in PdfReader(told["pdf"]).pages)
    assert "greenhouse.heating" in re.sub(r"\s", "", pdf_text) and runs[0].fingerprint in pdf_text


def test_unchanged_data_says_so(tmp_path) -> None:
    park = symbiosis.load_park(_park(tmp_path / "park"))
    result = symbiosis.optimize(park)
    publish(result, park, tmp_path / "out")
    again = publish(result, park, tmp_path / "out")
    assert again.changes.nothing and not again.changes.data_changed
    assert "The park data are unchanged" in again.html.read_text()



def test_a_technology_cost_and_a_route_price_are_named_among_the_data_that_changed(tmp_path) -> None:
    """Editing the pipe's cost per metre and the gas boiler's price said only that the
    fingerprint changed: the meeting could not tell which input moved the result."""
    folder = _park(tmp_path / "park")
    park = symbiosis.load_park(folder)
    publish(symbiosis.optimize(park), park, tmp_path / "out")
    data = park_dict({"smelter": SMELTER, "town": TOWN},
                     park={"carbon_price": "900 NOK/t", "name": "Test park"},
                     technologies={"hot_water_pipe": {"investment_per_length": "9000 NOK/m"}})
    data["routes"]["gas_boiler"] = {**data["routes"]["gas_boiler"], "price": "0.9 NOK/kWh"}
    changed = symbiosis.load_park(write_park(folder, data))
    again = publish(symbiosis.optimize(changed), changed, tmp_path / "out")
    data = {change.what: (change.before, change.after) for change in again.changes.data}
    before, now = park.routes["gas_boiler"].price, changed.routes["gas_boiler"].price
    assert data["route gas_boiler: price"] == (f"{number(before)} NOK/MWh", f"{number(now)} NOK/MWh")
    assert now == pytest.approx(900.0)
    (fixed,) = [what for what in data if what.startswith("hot_water_pipe: fixed investment")]
    assert "(1 of 1 candidate links)" in fixed
    html = again.html.read_text()
    assert "route gas_boiler: price" in html and "hot_water_pipe: fixed investment" in html


def test_a_firm_that_moved_is_not_read_as_a_technology_that_changed(tmp_path) -> None:
    """The town 200 m nearer shortens the pipe, and so its fixed investment (500,000 + 1,000
    NOK/m x length): that was reported as 'hot_water_pipe: fixed investment' changed."""
    folder = _park(tmp_path / "park")
    park = symbiosis.load_park(folder)
    publish(symbiosis.optimize(park), park, tmp_path / "out")
    town = {**TOWN, "location": {"x": "600 m", "y": "0 m"}}
    moved = symbiosis.load_park(_park(folder, {"smelter": SMELTER, "town": town}))
    again = publish(symbiosis.optimize(moved), moved, tmp_path / "out")
    assert again.changes.data_changed
    assert not [c for c in again.changes.data if c.what.startswith("hot_water_pipe")], again.changes.data


def test_a_firm_named_script_stays_text(tmp_path, chromium) -> None:
    firms = {"smelter": {**SMELTER, "name": SCRIPT}, "town": TOWN}
    park = symbiosis.load_park(_park(tmp_path / "park", firms))
    published = publish(symbiosis.optimize(park), park, tmp_path / "out")
    html = published.html.read_text()
    assert SCRIPT not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    dom = _browse(chromium, published.html, tmp_path, "--dump-dom").stdout
    assert "<script" not in dom and "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert SCRIPT in " ".join(p.extract_text() for p in PdfReader(published.pdf).pages)


def test_pareto_and_time_profile_sections_when_given(tmp_path) -> None:
    park = symbiosis.load_park(_park(tmp_path / "park"))
    result = symbiosis.optimize(park)
    delivered = result.flows["delivered"]
    flows = pd.concat([result.flows.assign(step=t, hours=365.0, delivered=delivered * (1 + t % 3))
                       for t in range(24)], ignore_index=True)
    timed = replace(result, flows=flows)
    cost = result.total_cost  # the front's least-cost end is this result (else it is refused)
    front = pd.DataFrame({"emissions": [9000.0, 7000.0, 5000.0],
                          "total_cost": [cost, 1.1 * cost, 1.4 * cost]})
    html = publish(timed, park, tmp_path / "out", pareto=front).html.read_text()
    sections = re.findall(r'<section id="(\w+)">', html)
    assert sections.index("firms") + 1 == sections.index("pareto") == sections.index("profile") - 1
    assert sections.index("profile") + 1 == sections.index("changes")


def test_plots_from_the_api(tmp_path) -> None:
    park = symbiosis.load_park(_park(tmp_path / "park"))
    result = symbiosis.optimize(park)
    figure = result.plot.map(park)
    assert "km" in figure.axes[0].get_xlabel()
    with pytest.raises(TypeError, match="plot.map takes the Park"):  # was AttributeError: 'str' ... 'firms'
        result.plot.map("parks/raufoss")
    sankey = result.plot.sankey()
    carriers = [t for t in sankey.axes[0].texts if t.get_text().startswith("heat:")]
    # a carrier's label sits where bands pass: on a white ground, over them
    assert carriers and all(t.get_bbox_patch() is not None and t.get_zorder() > 2 for t in carriers)
    assert "NOK/year" in result.plot.savings().axes[0].get_xlabel()
    front = pd.DataFrame({"emissions": [1.0, 2.0], "total_cost": [2.0, 1.0]})
    assert "t CO2/year" in result.plot.pareto(front).axes[0].get_xlabel()
    with pytest.raises(ValueError, match="total_cost"):
        result.plot.pareto(pd.DataFrame({"emissions": [1.0]}))
    # Another park's map had its firms and none of the result's links, as if valid.
    raufoss = symbiosis.load_park(Path(__file__).parent.parent / "parks" / "raufoss")
    with pytest.raises(ValueError, match="are not in Raufoss industripark: draw the map with the park"):
        result.plot.map(raufoss)
    # An audit: the figures went through pyplot, which kept every one open (a warning after 20)
    # and switched a notebook's backend to Agg on import.
    import matplotlib
    import matplotlib.pyplot as plt

    backend = matplotlib.get_backend()
    for _ in range(3):
        result.plot.map(park), result.plot.sankey(), result.plot.savings()
    assert plt.get_fignums() == [] and matplotlib.get_backend() == backend


def test_an_existing_report_is_kept_without_force(tmp_path) -> None:
    park, out = _park(tmp_path / "park"), tmp_path / "reports" / "p"
    runner = CliRunner()
    assert runner.invoke(cli, ["report", str(park), "--out", str(out), "--name", "meeting"]).exit_code == 0
    before = (out / "meeting" / "report.html").read_bytes()
    refused = runner.invoke(cli, ["report", str(park), "--out", str(out), "--name", "meeting"])
    assert refused.exit_code == 2 and "--force" in refused.output
    assert (out / "meeting" / "report.html").read_bytes() == before
    log = (out / "symbiosis.log").read_text()
    assert "already holds a report" in log and "Traceback" not in log  # the caller's mistake, said
    forced = runner.invoke(cli, ["report", str(park), "--out", str(out), "--name", "meeting", "--force"])
    assert forced.exit_code == 0, forced.output
    assert not [p for p in out.iterdir() if p.name.startswith(".meeting")]  # no staging left behind
    # the run it replaced had its report here: said so, not linked as "report.html", this very file
    html = (out / "meeting" / "report.html").read_text()
    assert "its report was in this folder, replaced by this one" in html and 'href="report.html"' not in html
    dated = runner.invoke(cli, ["report", str(park), "--out", str(out)])
    dated_again = runner.invoke(cli, ["report", str(park), "--out", str(out)])
    assert dated.exit_code == dated_again.exit_code == 0
    assert len([p for p in out.iterdir() if p.is_dir()]) == 3  # meeting + two dated folders


def test_a_held_lock_exits_3(tmp_path) -> None:
    park, out = _park(tmp_path / "park"), tmp_path / "reports" / "p"
    out.mkdir(parents=True)
    with folder_lock(out / LOCK_NAME):
        held = CliRunner().invoke(cli, ["report", str(park), "--out", str(out)])
    assert held.exit_code == 3 and "another run" in held.output
    assert "another run" in (out / "symbiosis.log").read_text()
    assert CliRunner().invoke(cli, ["report", str(park), "--out", str(out)]).exit_code == 0
    with folder_lock(out / LOCK_NAME):  # --json: stdout is one JSON object, the lock included
        held = CliRunner().invoke(cli, ["report", str(park), "--out", str(out), "--json"])
    assert held.exit_code == 3
    said = json.loads(held.stdout)
    assert said["status"] == "locked" and said["exit_code"] == 3 and "another run" in said["error"]


def test_a_run_without_a_solution_drops_nothing(tmp_path) -> None:
    """After a solved run, a run that found no solution listed every exchange of the last one
    under 'Exchanges dropped' and --json said "dropped": 13 (Raufoss at --time-limit 0)."""
    park = _park(tmp_path / "park")
    result = symbiosis.optimize(symbiosis.load_park(park))
    assert len(result.exchanges) > 0
    out = tmp_path / "reports" / "p"
    assert CliRunner().invoke(cli, ["report", str(park), "--out", str(out), "--name", "first"]).exit_code == 0
    summary = result.summary.copy()
    summary[["status", "total_cost", "saving", "emissions", "co2_avoided", "investment"]] = \
        ["time_limit", float("nan"), float("nan"), float("nan"), float("nan"), float("nan")]
    replace(result, summary=summary, exchanges=result.exchanges.iloc[0:0]).save(tmp_path / "saved")
    run = CliRunner().invoke(cli, ["report", str(park), "--out", str(out), "--name", "second",
                                                   "--result", str(tmp_path / "saved"), "--json"])
    assert run.exit_code == 1, run.output
    said = json.loads(run.stdout)
    assert said["added"] is None and said["dropped"] is None
    html = (out / "second" / "report.html").read_text()
    assert "Exchanges dropped" not in html and "found no solution" in html
    # the first run of a history too (it said 0 and 0)
    first = CliRunner().invoke(cli, ["report", str(park), "--out", str(out), "--name", "third", "--json",
                                     "--result", str(tmp_path / "saved"),
                                     "--history", str(tmp_path / "new.sqlite")])
    said = json.loads(first.stdout)
    assert first.exit_code == 1 and said["added"] is None and said["dropped"] is None


def test_no_solution_exits_1_and_still_reports_why(tmp_path) -> None:
    """An emissions cap below the least the park can emit: the report said only "status
    infeasible (Infeasible)", not the reason `optimize` had found (an audit of the reports)."""
    park = _park(tmp_path / "park", {"smelter": SMELTER, "town": TOWN, "greenhouse": GREENHOUSE})
    result = symbiosis.optimize(symbiosis.load_park(park), emissions_cap=1.0)  # 50 GWh needed, 40 there
    assert result.status == "infeasible"
    (reason,) = result.why_no_solution
    assert "emissions cap" in reason
    result.save(tmp_path / "saved")
    out = tmp_path / "reports" / "p"
    run = CliRunner().invoke(cli, ["report", str(park), "--out", str(out),
                                   "--result", str(tmp_path / "saved")])
    assert run.exit_code == 1, run.output
    (folder,) = [p for p in out.iterdir() if p.is_dir()]
    html = (folder / "report.html").read_text()
    assert "No solution" in html and "the least the park can emit" in html


def test_bad_park_exits_2(tmp_path) -> None:
    park = write_park(tmp_path / "park", "park: {name: x}\nfirms: {}\n")
    run = CliRunner().invoke(cli, ["report", str(park), "--out", str(tmp_path / "out")])
    assert run.exit_code == 2 and "Traceback" not in run.output


@pytest.mark.parametrize("park_file", EXAMPLE_PARKS, ids=[p.parent.name for p in EXAMPLE_PARKS])
def test_report_renders_for_every_example_park(park_file: Path, tmp_path) -> None:
    park = symbiosis.load_park(park_file.parent)
    result = symbiosis.optimize(park, time_limit=30, gap=1e-2)
    published = publish(result, park, tmp_path / "out")
    html = published.html.read_text()
    assert '<section id="map">' in html and '<section id="sources">' in html
    assert len(PdfReader(published.pdf).pages) >= 2


# -- an audit: wrong labels, data loss, --set read as the base case, tracebacks ------------------
DEARER_CARBON = ("park.carbon_price=1800 NOK/t",)


def _saved(park: Path, folder: Path, sets: tuple[str, ...] = ()) -> Path:
    """A result solved from ``park`` with ``--set`` ``sets``, saved as `optimize --out` saves it."""
    symbiosis.optimize(symbiosis.load_park(park, overrides=parse_overrides(sets))).save(folder)
    return folder


def _setting(html: str, name: str) -> str:
    """The value cell of one row of the report's park settings."""
    return re.search(rf"<td>{re.escape(name)}</td>\s*<td[^>]*>([^<]*)</td>", html).group(1)


def test_a_result_solved_with_set_is_reported_with_its_own_settings(tmp_path) -> None:
    """The report of a result made with --set park.carbon_price=1800 showed the park file's 900
    NOK/t beside figures computed at 1800, and the result's fingerprint as the park's. The result
    records its --set, so the park is loaded with them (checked by the fingerprint): every
    setting shown is the one the figures were computed with."""
    park, out = _park(tmp_path / "park"), tmp_path / "reports" / "p"
    saved = _saved(park, tmp_path / "dearer", DEARER_CARBON)
    run = CliRunner().invoke(cli, ["report", str(park), "--out", str(out), "--result", str(saved),
                                   "--name", "board"])
    assert run.exit_code == 0, run.output
    html = (out / "board" / "report.html").read_text()
    assert _setting(html, "carbon price") == "1,800 NOK/t CO2"
    assert _setting(html, "overrides (--set)") == "park.carbon_price=1800 NOK/t"
    fingerprint = symbiosis.Result.load(saved).summary["fingerprint"]
    assert fingerprint != symbiosis.load_park(park).fingerprint
    assert f"(fingerprint {fingerprint}, with --set park.carbon_price=1800 NOK/t)" in html


def test_a_result_of_other_park_data_is_refused(tmp_path) -> None:
    """A result whose park data are not the park's as loaded now (the park file changed since, or
    other --set given) was reported with the wrong settings and "park data unchanged", silently.
    Now: exit 2, what happened and how to fix it, nothing written, nothing recorded."""
    park, out = _park(tmp_path / "park"), tmp_path / "reports" / "p"
    plain, dearer = _saved(park, tmp_path / "plain"), _saved(park, tmp_path / "dearer", DEARER_CARBON)
    runner = CliRunner()
    other_set = runner.invoke(cli, ["report", str(park), "--out", str(out), "--result", str(dearer),
                                    "--set", "park.carbon_price=1200 NOK/t"])
    assert other_set.exit_code == 2 and "Traceback" not in other_set.output, other_set.output
    assert "other park data" in other_set.output and "--set park.carbon_price=1800 NOK/t" in other_set.output
    write_park(park, park_dict({"smelter": SMELTER, "town": TOWN},
                               park={"carbon_price": "950 NOK/t", "name": "Test park"}))  # edited since
    edited = runner.invoke(cli, ["report", str(park), "--out", str(out), "--result", str(plain)])
    assert edited.exit_code == 2 and "other park data" in edited.output, edited.output
    assert "symbiosis optimize" in edited.output and "--scenario" in edited.output
    assert [p.name for p in out.iterdir() if p.is_dir()] == []
    assert History(out.parent / "history.sqlite").runs() == []
    result = symbiosis.Result.load(plain)
    with pytest.raises(ValueError, match="other park data"):  # the API refuses too
        publish(result, symbiosis.load_park(park), tmp_path / "api")


def test_force_replaces_only_the_report_files(tmp_path) -> None:
    """`--name board --force` deleted the whole folder, a user's minutes.txt with it. Now only the
    files a report writes are replaced; the earlier run's history row keeps its figures but no
    longer points at the folder, whose files are another run's now."""
    park, out = _park(tmp_path / "park"), tmp_path / "reports" / "p"
    runner = CliRunner()
    args = ["report", str(park), "--out", str(out), "--name", "board"]
    assert runner.invoke(cli, args).exit_code == 0
    (out / "board" / "minutes.txt").write_text("the board's minutes")
    (out / "board" / "drafts").mkdir()
    (out / "board" / "drafts" / "notes.md").write_text("notes")
    refused = runner.invoke(cli, args)
    assert refused.exit_code == 2 and "--force" in refused.output and "report.html" in refused.output
    forced = runner.invoke(cli, [*args, "--force", "--set", "park.carbon_price=1000 NOK/t"])
    assert forced.exit_code == 0, forced.output
    assert (out / "board" / "minutes.txt").read_text() == "the board's minutes"
    assert (out / "board" / "drafts" / "notes.md").read_text() == "notes"
    assert "1,000 NOK/t CO2" in (out / "board" / "report.html").read_text()
    assert symbiosis.Result.load(out / "board").summary["overrides"] == {"park.carbon_price": "1000 NOK/t"}
    assert not [p for p in out.iterdir() if p.name.startswith(".board")]  # no staging left behind
    newer, older = History(out.parent / "history.sqlite").runs("Test park")
    assert newer.result_path == str((out / "board").resolve())
    assert older.result_path == older.report_path == "" and older.saving is not None


def test_a_report_with_set_is_no_base_case(tmp_path) -> None:
    """A report made with --set read as the base case: subtitle "base case", history scenario "-",
    the overrides recorded nowhere, and the next plain report compared with it. Now the --set is
    in the result, the subtitle and the history row, and part of what a run is compared with."""
    park, out = _park(tmp_path / "park"), tmp_path / "reports" / "p"
    runner = CliRunner()

    def report(*extra: str) -> dict:
        run = runner.invoke(cli, ["report", str(park), "--out", str(out), "--json", *extra])
        assert run.exit_code == 0, run.output
        return json.loads(run.stdout)

    plain = report()
    dearer = report("--set", DEARER_CARBON[0])
    html = Path(dearer["html"]).read_text()
    assert "base case with --set park.carbon_price=1800 NOK/t" in html
    assert "first recorded run of this park, scenario, --set overrides and objective" in html
    assert symbiosis.Result.load(Path(dearer["folder"])).summary["overrides"] == {
        "park.carbon_price": "1800 NOK/t"}
    again = report()
    assert not again["data_changed"]
    html = Path(again["html"]).read_text()
    assert f"Compared with run {plain['run_id']} " in html and "base case ·" in html
    history = History(out.parent / "history.sqlite")
    assert [r.overrides for r in history.runs("Test park")] == ["", "park.carbon_price=1800 NOK/t", ""]
    assert history.previous("Test park", "", "park.carbon_price=1800 NOK/t").id == dearer["run_id"]


def test_mistakes_are_said_plainly_before_solving(tmp_path, monkeypatch) -> None:
    """Each of these was a traceback (FileNotFoundError, EmptyDataError, ParserError,
    NotADirectoryError, "[Errno 17] File exists", sqlite3.DatabaseError after solving). Now exit
    2, what is wrong and what to do, before anything is solved."""
    import symbiosis.cli.report as report_command

    def no_solving(*args, **kwargs):
        raise AssertionError("solved before the mistake was found")

    monkeypatch.setattr(report_command, "run_optimize", no_solving)
    park, out = _park(tmp_path / "park"), tmp_path / "reports" / "p"
    (tmp_path / "no_result").mkdir()
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "ragged.csv").write_text("emissions,total_cost\n1,2\n3,4,5,6\n")
    (tmp_path / "words.csv").write_text("emissions,total_cost\n1,2\nlots,4\n")
    (tmp_path / "infinite.csv").write_text("emissions,total_cost\n1,2\n3,inf\n")
    (tmp_path / "afile").write_text("a file")
    (tmp_path / "notes.txt").write_text("not a database")
    cases = {
        ("--result", str(tmp_path / "no_result")): "holds no result",
        ("--pareto", str(tmp_path / "empty.csv")): "is empty",
        ("--pareto", str(tmp_path / "ragged.csv")): "not a CSV table",
        ("--pareto", str(tmp_path / "words.csv")): "not a number",
        ("--pareto", str(tmp_path / "infinite.csv")): "holds 'inf' in row 2",
        ("--log-file", str(tmp_path / "afile" / "log")): "afile is a file, not a folder",
        ("--history", str(tmp_path / "notes.txt")): "is not a run history",
        # the log was appended to any file, the park's own park.yaml too (it then failed to load)
        ("--log-file", str(park / "park.yaml")): "is not a log of symbiosis",
        ("--log-file", str(tmp_path / "notes.txt")): "is not a log of symbiosis",
    }
    written = (park / "park.yaml").read_text()
    runner = CliRunner()
    for extra, said in cases.items():
        run = runner.invoke(cli, ["report", str(park), "--out", str(out), *extra])
        assert run.exit_code == 2 and said in run.output, (extra, run.output)
        assert run.exception is None or isinstance(run.exception, SystemExit), (extra, run.exception)
    (tmp_path / "unwritable" / "symbiosis.log").mkdir(parents=True)  # as a folder one cannot write
    unwritable = runner.invoke(cli, ["report", str(park), "--out", str(tmp_path / "unwritable")])
    assert unwritable.exit_code == 2 and "give --out a folder you can write" in unwritable.output
    under_a_file = runner.invoke(cli, ["report", str(park), "--out", str(tmp_path / "afile" / "sub")])
    assert under_a_file.exit_code == 2 and "afile is a file, not a folder" in under_a_file.output
    assert "symbiosis optimize PARK --out" in runner.invoke(
        cli, ["report", str(park), "--out", str(out), "--result", str(tmp_path / "no_result")]).output
    assert (tmp_path / "notes.txt").read_text() == "not a database"
    assert (park / "park.yaml").read_text() == written
    assert not [p for p in out.iterdir() if p.is_dir()]


# -- a second audit: what the firm table means, the technology units, another park's result -------
def _blocks(report, key: str) -> tuple:
    return report.section(key).blocks


def _technology_rows(report) -> dict[str, dict[str, str]]:
    """The report's technology table, row by technology name (without " (used)")."""
    (table,) = [b for b in _blocks(report, "assumptions")
                if getattr(b, "title", "").startswith("Technologies")]
    return {row[0].removesuffix(" (used)"): dict(zip(table.columns, row, strict=True)) for row in table.rows}


def test_the_firm_caption_says_the_transfer_is_in_the_figures(tmp_path) -> None:
    """The caption called the firm figures "a neutral split before any transfer price, so a firm
    can show a loss", but they include the transfer: each firm's saving is half the saving of
    its exchanges. Smelter and town share one exchange: each shows half of its saving."""
    from symbiosis.report.document import build_report

    park = symbiosis.load_park(_park(tmp_path / "park"))
    result = symbiosis.optimize(park)
    (exchange,) = result.exchanges.itertuples()
    assert exchange.saving == pytest.approx(21_705_429, rel=1e-6)
    report = build_report(result, park)
    caption = _blocks(report, "firms")[0].text
    assert "before any transfer price" not in caption and "can show a loss" not in caption
    assert "transfer" in caption and "half the saving of each of its exchanges" in caption
    table = _blocks(report, "firms")[-1]
    savings = {row[0]: row[3] for row in table.rows}
    assert savings == {"Smelter AS": money(exchange.saving / 2, "NOK"),
                       "District heating": money(exchange.saving / 2, "NOK")} == {
        "Smelter AS": "10.9 M NOK", "District heating": "10.9 M NOK"}


def test_technology_table_shows_the_units_curves_and_running_costs_the_model_uses(tmp_path) -> None:
    """Units came from the carrier (thermal_storage "NOK/MW", hydrogen_storage and the
    electrolyser "/t/h"); the heat pump and hot-water pipe showed the per-MW figure their cost
    curve replaces; trucks showed none of their running costs. Catalogue in EUR at 11.629 NOK."""
    from symbiosis.report.document import build_report

    park = symbiosis.load_park(_park(tmp_path / "park"))
    rows = _technology_rows(build_report(symbiosis.optimize(park), park))
    capacity = {name: row["per capacity or cost curve"] for name, row in rows.items()}
    assert capacity["thermal_storage"] == "46.5 k NOK/MWh stored"  # 4,000 EUR/MWh
    assert capacity["hydrogen_storage"] == "6.40 M NOK/t stored"  # 550,000 EUR/t
    assert capacity["electrolyser"] == "17.4 M NOK/MW of electricity in"  # 1.5 MEUR/MW
    assert capacity["conveyor"] == "34.9 k NOK/(t/h)"
    assert capacity["heat_pump"] == "curve: 1 MW 15.1 M, 5 MW 55.2 M, 10 MW 98.8 M, 30 MW 256 M NOK"
    assert capacity["hot_water_pipe"] == "curve: 1 MW 2.91 M, 5 MW 8.14 M, 20 MW 23.3 M, 50 MW 46.5 M NOK"
    running = {name: row["running and transport"] for name, row in rows.items()}
    assert running["truck"] == "34.9 NOK/t delivered; 0.93 NOK/(t·km)"  # 3 EUR/t, 0.08 EUR/(t*km)
    assert running["heat_pump"] == "25.6 NOK/MWh delivered"  # 2.2 EUR/MWh
    assert running["electrolyser"] == "349 NOK/t of hydrogen"  # 30 EUR/t
    assert running["hydrogen_storage"] == "1,163 NOK/t withdrawn"  # 100 EUR/t
    assert running["hydrogen_pipe"] == "-"
    assert rows["truck"]["investment"] == "581 k NOK" and rows["truck"]["lifetime"] == "15 years"


def test_transport_emissions_and_a_hub_heat_pump_are_shown(tmp_path) -> None:
    """A park's emissions per t*km cost carbon; a heat pump at a hub is costed by its linear
    investment_per_capacity (the curve is for links), so both figures are shown."""
    from symbiosis.report.document import build_report

    data = park_dict({"smelter": SMELTER, "town": TOWN}, park={"name": "Test park"},
                     technologies={"truck": {"emissions_per_tonne_km": "0.04 kg/(t*km)"}},
                     hubs={"loop": {"location": {"x": "400 m", "y": "0 m"}, "technologies": ["heat_pump"],
                                    "max_capacity": {"heat_pump": "5 MW"},
                                    "collect": {"from": "10 degC", "to": "20 degC"},
                                    "deliver": {"from": "95 degC", "to": "80 degC"}}})
    park = symbiosis.load_park(write_park(tmp_path / "park", data))
    rows = _technology_rows(build_report(symbiosis.optimize(park), park))
    assert rows["truck"]["running and transport"] == \
        "34.9 NOK/t delivered; 0.93 NOK/(t·km); 0.04 kg CO2/(t·km)"
    assert rows["heat_pump"]["per capacity or cost curve"] == (
        "curve: 1 MW 15.1 M, 5 MW 55.2 M, 10 MW 98.8 M, 30 MW 256 M NOK; at a hub 9.88 M NOK/MW")


def test_a_result_of_another_park_says_so(tmp_path) -> None:
    """A result of another park was refused with "the park files changed since, or ... another
    --scenario or --set": neither was true. Now the message names the result's park."""
    park, out = _park(tmp_path / "park"), tmp_path / "reports" / "p"
    other = write_park(tmp_path / "other", park_dict(
        {"smelter": SMELTER, "town": TOWN}, park={"carbon_price": "900 NOK/t", "name": "Other park"}))
    saved = _saved(other, tmp_path / "other_result")
    run = CliRunner().invoke(cli, ["report", str(park), "--out", str(out), "--result", str(saved)])
    assert run.exit_code == 2 and "Traceback" not in run.output, run.output
    said = " ".join(run.output.split())
    assert "is a result of park 'Other park', not of 'Test park'" in said, said
    assert "park files changed" not in said and "--scenario" not in said
    assert "point --result at a result of this park" in said and "report park 'Other park'" in said
    assert [p.name for p in out.iterdir() if p.is_dir()] == []
    renamed = _saved(park, tmp_path / "renamed", ("park.name=Renamed park",))  # its own --set names it
    run = CliRunner().invoke(cli, ["report", str(park), "--out", str(out), "--result", str(renamed)])
    assert run.exit_code == 0 and "Renamed park: optimal" in run.output, run.output


def test_a_kept_exchange_whose_saving_moved_is_reported(tmp_path) -> None:
    """The carbon price rises from 900 to 1,100 NOK/t: the smelter-town pipe keeps its size, its
    saving grows by 1.38 M NOK (30 GWh of gas at 0.23 t/MWh x 200 NOK/t, 6.4 %); the change
    section said nothing about it."""
    from symbiosis.report.changes import SAVING_MOVED

    folder = tmp_path / "park"
    _park(folder)
    first = publish(symbiosis.optimize(symbiosis.load_park(folder)), symbiosis.load_park(folder),
                    tmp_path / "out")
    write_park(folder, park_dict({"smelter": SMELTER, "town": TOWN},
                                 park={"carbon_price": "1100 NOK/t", "name": "Test park"}))
    park = symbiosis.load_park(folder)
    second = publish(symbiosis.optimize(park), park, tmp_path / "out")
    before = symbiosis.Result.load(first.folder).exchanges.iloc[0]
    after = symbiosis.Result.load(second.folder).exchanges.iloc[0]
    assert after.capacity == pytest.approx(before.capacity, rel=1e-9)
    assert after.saving - before.saving == pytest.approx(30_000 * 0.23 * 200, rel=1e-6)
    assert after.saving / before.saving - 1 > SAVING_MOVED
    (change,) = second.changes.savings
    assert change.what == "smelter.flue_gas → town.network (hot_water_pipe) saving"
    assert (change.before, change.after) == ("21.7 M NOK/year", "23.1 M NOK/year")
    assert not second.changes.resized and not second.changes.nothing
    # Each firm saves half of it, 0.69 M NOK more a year; the town's gas boiler emitted 6,900 t
    # of CO2 on the 30 GWh the pipe now brings, either way: no firm's emissions moved. The
    # firms' savings were never compared (an audit of the reports).
    assert [(c.what, c.before, c.after) for c in second.changes.firms] == [
        ("Smelter AS (smelter): saving", "10.9 M NOK/year", "11.5 M NOK/year"),
        ("District heating (town): saving", "10.9 M NOK/year", "11.5 M NOK/year")]
    html = second.html.read_text()
    section = html[html.index('<section id="changes">'):html.index('<section id="assumptions">')]
    assert "Savings that moved" in section and "23.1 M NOK/year" in section
    assert "Firms whose saving or CO2 moved" in section and "District heating (town): saving" in section


def test_the_solver_gap_is_news_only_when_it_moved_a_tenth_of_a_point() -> None:
    """"solver gap 0.0088 % -> 0.0089 %" was listed among the figures that moved."""
    import pandas as pd

    from symbiosis.report.changes import _figures

    def moved(before: float, after: float) -> list[str]:
        return [c.what for c in _figures(pd.Series({"gap": before}), pd.Series({"gap": after}), "NOK")]

    assert moved(8.8e-5, 8.9e-5) == [] and moved(0.0, 9e-4) == []
    assert moved(1e-4, 0.012) == ["solver gap"] and moved(0.05, 0.0) == ["solver gap"]


def test_a_saving_that_moved_less_than_the_threshold_is_not_reported(tmp_path) -> None:
    """910 NOK/t instead of 900 moves the saving by 69 k NOK (0.3 %): below the 5 % threshold,
    like solver and rounding noise, it is not reported."""
    folder = tmp_path / "park"
    _park(folder)
    publish(symbiosis.optimize(symbiosis.load_park(folder)), symbiosis.load_park(folder), tmp_path / "out")
    write_park(folder, park_dict({"smelter": SMELTER, "town": TOWN},
                                 park={"carbon_price": "910 NOK/t", "name": "Test park"}))
    park = symbiosis.load_park(folder)
    second = publish(symbiosis.optimize(park), park, tmp_path / "out")
    before = symbiosis.Result.load(second.changes.previous.result_path).exchanges.iloc[0]
    after = symbiosis.Result.load(second.folder).exchanges.iloc[0]
    assert after.saving - before.saving == pytest.approx(30_000 * 0.23 * 10, rel=1e-6)
    assert second.changes.data_changed and second.changes.savings == []


def test_a_later_run_whose_files_are_gone_is_named_not_skipped(tmp_path) -> None:
    """Run 2's report folder was deleted: run 3 compared with run 1 and said "Compared with
    run 1" as if run 2 had never been."""
    folder = tmp_path / "park"
    _park(folder)
    park = symbiosis.load_park(folder)
    result = symbiosis.optimize(park)
    first = publish(result, park, tmp_path / "out")
    second = publish(result, park, tmp_path / "out")
    shutil.rmtree(second.folder)
    third = publish(result, park, tmp_path / "out")
    assert third.changes.previous.id == first.run_id
    assert [run.id for run in third.changes.passed_over] == [second.run_id]
    html = third.html.read_text()
    assert f"Later runs passed over: run {second.run_id} of" in html
    assert "its result files are gone" in html


def test_the_headline_counts_proposed_exchanges_as_optimize_does(tmp_path) -> None:
    """On Hofors-Borlänge `optimize` said "8 proposed exchanges and 4 running today" and the
    report's headline "Proposed exchanges 12 / 4 of them already running": an existing pipe
    is no proposal. A 0.5 MW pipe runs today (A -> B) and a second one is laid beside it."""
    from analysis_parks import heat_buyers

    from symbiosis.report.document import _headline

    data = heat_buyers(existing=[
        {"from": "a.hot", "to": "b.need", "technology": "hot_water_pipe", "capacity": "0.5 MW"}])
    result = symbiosis.optimize(symbiosis.load_park(write_park(tmp_path / "park", data)))
    assert sorted(result.exchanges["existing"].astype(bool)) == [False, True]
    (count,) = [h for h in _headline(result, "NOK") if h.label == "Proposed exchanges"]
    assert (count.value, count.note) == ("1", "and 1 running today")


def test_time_profile_lines_of_the_same_two_streams_are_told_apart() -> None:
    """On Hofors-Borlänge three lines (the pipe running today, a new pipe beside it, a heat
    pump) had one legend entry, "ovako_mill.waste_heat → hofors_dh.district_heating", each."""
    from types import SimpleNamespace

    from symbiosis.report.plots import _profile_label

    ends = {"from_firm": "ovako_mill", "from_stream": "waste_heat", "to_firm": "hofors_dh",
            "to_stream": "district_heating"}
    three = (("hot_water_pipe", True), ("hot_water_pipe", False), ("heat_pump", False))
    labels = {_profile_label(SimpleNamespace(**ends, technology=tech, existing=existing))
              for tech, existing in three}
    assert len(labels) == 3
    assert "ovako_mill.waste_heat → hofors_dh.district_heating (hot_water_pipe, existing)" in labels


def test_a_long_name_in_a_narrow_pdf_column_breaks_after_its_separators() -> None:
    """ReportLab splits a word wider than its column at any letter ("elkem.waste_he" / "at"); a
    park's names break after an underscore, dot or arrow instead, and no character is lost."""
    from reportlab.platypus import Paragraph

    from symbiosis.report.pdf import _cell_text, _register_fonts, _styles

    _register_fonts()
    style = _styles()["cell"]
    name = "elkem.waste_heat -> mo_fjernvarme.district_heating"
    paragraph = Paragraph(_cell_text(name, style, 60), style)
    paragraph.wrap(60, 1000)
    lines = ["".join(word.text for word in line.words) for line in paragraph.blPara.lines]
    assert len(lines) > 1
    assert all(line.endswith(("_", ".", "->")) for line in lines[:-1]), lines
    assert " ".join(lines).replace("_ ", "_").replace(". ", ".") == name
    assert _cell_text("short name", style, 60) == "short name"


def test_a_headline_figure_in_the_pdf_stays_on_one_line_with_its_unit() -> None:
    """The solver's card read "optimal, gap 0.0098" with the "%" alone on a third line (13 pt
    bold in a fifth of the page): each phrase of a headline value now has a line of its own, the
    font shrunk until a phrase with a figure fits whole."""
    from reportlab.lib.pagesizes import A4

    from symbiosis.report.pdf import MARGIN, _headline_value, _register_fonts, _styles

    _register_fonts()
    width = (A4[0] - 2 * MARGIN) / 5 - 12
    paragraph = _headline_value("optimal, gap 0.0098 %", _styles()["value"], width)
    paragraph.wrap(width, 1000)
    lines = [" ".join(word.text for word in line.words) for line in paragraph.blPara.lines]
    assert [line.strip() for line in lines] == ["optimal,", "gap 0.0098 %"]
    assert paragraph.style.fontSize < _styles()["value"].fontSize
    whole = _headline_value("48.2 M NOK", _styles()["value"], width)
    assert whole.style.fontSize == _styles()["value"].fontSize  # fits as it was: not shrunk


def test_a_proposal_built_since_the_last_report_is_neither_added_nor_dropped(tmp_path) -> None:
    """Between two meetings the firms build the proposed pipe and write it as an existing link.
    The report had listed the same pipe as added (the existing link) and dropped (the proposal),
    with nothing saying it now runs, while the park's saving fell by its saving."""
    park, out = tmp_path / "park", tmp_path / "reports" / "park"
    runner = CliRunner()
    _park(park)
    first = runner.invoke(cli, ["report", str(park), "--out", str(out), "--json"])
    assert first.exit_code == 0, first.output
    pipe = symbiosis.Result.load(json.loads(first.stdout)["folder"]).exchanges.iloc[0]
    built = {"from": "smelter.flue_gas", "to": "town.network", "technology": str(pipe["technology"]),
             "capacity": f"{pipe['capacity']} MW"}
    write_park(park, park_dict({"smelter": SMELTER, "town": TOWN}, existing=[built],
                               park={"carbon_price": "900 NOK/t", "name": "Test park"}))
    second = runner.invoke(cli, ["report", str(park), "--out", str(out), "--json"])
    assert second.exit_code == 0, second.output
    told = json.loads(second.stdout)
    assert (told["added"], told["dropped"], told["built"]) == (0, 0, 1)
    html = Path(told["html"]).read_text()
    changes = html[html.index('<section id="changes">'):html.index('<section id="assumptions">')]
    assert "Built since the last report" in changes
    assert "existing link smelter.flue_gas → town.network" in changes
    assert "proposed exchanges" in changes
    # and back: the existing entry taken out again, the pipe is proposed anew; it was listed as
    # dropped (the running link, at 0 NOK a year) and added (the proposal) at once (an audit)
    _park(park)
    third = runner.invoke(cli, ["report", str(park), "--out", str(out), "--json"])
    assert third.exit_code == 0, third.output
    told = json.loads(third.stdout)
    assert (told["added"], told["dropped"]) == (1, 0)


def test_a_figure_that_moved_less_than_its_rounding_is_not_listed() -> None:
    from symbiosis.report.changes import Change, _shown

    moved = [Change("investment", "121 M NOK", "121 M NOK"),
             Change("park saving", "61.2 M NOK", "41.3 M NOK")]
    assert [change.what for change in _shown(moved)] == ["park saving"]



def test_a_front_or_why_table_of_other_park_data_is_refused(tmp_path) -> None:
    """Found by an audit: Mo i Rana's report took Raufoss's Pareto front and explain table
    without a word (its star far off the front; Raufoss's links listed as built), and a why-table
    written before a firm left listed that firm's links as built."""
    folder = _park(tmp_path / "park")
    park = symbiosis.load_park(folder)
    result = symbiosis.optimize(park)
    link = result.candidates.iloc[0]
    named = ("id", "from_firm", "from_stream", "to_firm", "to_stream", "technology", "built")
    why = pd.DataFrame([{key: link[key] for key in named} | {"required_cut": 0.0, "margin": 1.0}])
    other = {"emissions": [100.0, 50.0], "total_cost": [3 * result.total_cost, 4 * result.total_cost]}
    cases = {
        "--pareto": (pd.DataFrame(other), "the front's least-cost point costs"),
        "--why": (why.assign(to_firm="elsewhere"), f"{link['id']} {link['from_firm']}."),
    }
    for option, (table, says) in cases.items():
        with pytest.raises(NotOfThisResult, match=re.escape(says)):
            publish(result, park, tmp_path / "api", **{option.strip("-"): table})
        csv = tmp_path / f"{option.strip('-')}.csv"
        table.to_csv(csv, index=False)
        run = CliRunner().invoke(cli, ["report", str(folder), "--out", str(tmp_path / "cli"), option,
                                       str(csv)])
        assert run.exit_code == 2 and "Traceback" not in run.output, run.output
        assert f"{option} {csv} was made for other park data" in run.output and says in run.output
    assert not (tmp_path / "api").exists()  # refused before anything was written
    flipped = why.assign(built=not bool(link["built"]))
    with pytest.raises(NotOfThisResult, match="built there and"):
        publish(result, park, tmp_path / "api", why=flipped)
    publish(result, park, tmp_path / "api", why=why)  # its own table is taken


def _reported(park: Path, out: Path, *extra: str) -> dict:
    """``symbiosis report PARK --out OUT --json ...``, succeeded: what it printed."""
    run = CliRunner().invoke(cli, ["report", str(park), "--out", str(out), "--json", *extra])
    assert run.exit_code == 0, run.output
    return json.loads(run.stdout)


def test_since_compares_with_the_last_meeting_and_an_emissions_run_is_another_series(tmp_path) -> None:
    """Monthly meetings, weekly scheduled reports: the meeting's report must say what changed
    since the last meeting's (``--since board``), not since last week's; and a one-off report
    for least emissions was the baseline of the next least-cost one (an audit of the reports).
    A run --since does not find is refused before solving (exit 2)."""
    folder = tmp_path / "park"
    _park(folder)
    out = tmp_path / "reports" / "p"

    def report(*extra: str) -> dict:
        return _reported(folder, out, *extra)

    board = report("--name", "board")
    write_park(folder, park_dict({"smelter": SMELTER, "town": TOWN},
                                 park={"carbon_price": "1100 NOK/t", "name": "Test park"}))
    weekly = report()
    assert weekly["compared_with"] == board["run_id"]
    emissions = report("--objective", "emissions")
    assert emissions["compared_with"] is None  # the first of its series
    assert report()["compared_with"] == weekly["run_id"]  # not the emissions run
    for since in ("board", str(out / "board"), str(board["run_id"])):
        assert report("--since", since)["compared_with"] == board["run_id"]
    today = datetime.now().astimezone().strftime("%Y-%m-%d")
    assert report("--since", today)["compared_with"] > emissions["run_id"]
    for since, said in (("1900-01-01", "on or before 1900-01-01"), ("9999", "holds no run 9999"),
                        ("no_such_meeting", "no run of the history")):
        run = CliRunner().invoke(cli, ["report", str(folder), "--out", str(out), "--since", since])
        assert run.exit_code == 2 and said in run.output and "Traceback" not in run.output, run.output


def test_the_park_data_that_changed_are_named_by_key(tmp_path) -> None:
    """A stream's temperature, a firm's rules, a profile edited in place, a firm that left: the
    report said only "fingerprint A -> B" (with, at most, a count of candidate links), so a
    meeting could not tell what had been edited (an audit of the reports). A value rewritten in
    other units is the same value; a firm removed whole is one line, not one per value."""
    import copy

    folder = tmp_path / "park"
    town = copy.deepcopy(TOWN)
    town["streams"]["network"]["profile"] = "profiles/town.csv"
    firms = {"smelter": SMELTER, "town": town, "greenhouse": GREENHOUSE}
    shape = "".join(f"{1 + (h % 24 > 7)}\n" for h in range(24))
    write_park(folder, park_dict(firms, park={"carbon_price": "900 NOK/t", "name": "Test park"}),
               {"profiles/town.csv": shape})
    publish(symbiosis.optimize(symbiosis.load_park(folder)), symbiosis.load_park(folder), tmp_path / "out")
    changed = copy.deepcopy(firms)
    del changed["greenhouse"]
    changed["town"]["streams"]["network"]["temperature"] = "55 degC"
    changed["smelter"]["rules"] = {"exclude_partners": ["town"]}
    write_park(folder, park_dict(changed, park={"carbon_price": "0.9 NOK/kg", "name": "Test park"}),
               {"profiles/town.csv": shape.replace("2\n", "3\n")})
    park = symbiosis.load_park(folder)
    second = publish(symbiosis.optimize(park), park, tmp_path / "out")
    said = {c.what: (c.before, c.after) for c in second.changes.inputs}
    assert said["firms.town.streams.network.temperature"] == ("50 degC", "55 degC")
    assert said["firms.smelter.rules.exclude_partners"] == ("not given", "town")
    assert said["firms.greenhouse"] == ("present", "removed")
    assert said["profile file profiles/town.csv"][0] != said["profile file profiles/town.csv"][1]
    assert len(said) == 4  # not the carbon price (900 NOK/t is 0.9 NOK/kg), not each greenhouse value
    html = second.html.read_text()
    section = html[html.index('<section id="changes">'):html.index('<section id="assumptions">')]
    assert "Park data that changed" in section and "firms.town.streams.network.temperature" in section
    assert (second.folder / "park_data.json").is_file()


def test_sources_are_those_of_the_park_data_as_read(tmp_path) -> None:
    """A scenario that removes a firm: its source was still listed under "Sources named in the
    park file", read again from park.yaml without the scenario (an audit of the reports)."""
    from symbiosis.report.document import park_file_sources

    greenhouse = dict(GREENHOUSE, source="interview with the greenhouse, 2026")
    firms = {"smelter": SMELTER, "town": TOWN, "greenhouse": greenhouse}
    settings = {"carbon_price": "900 NOK/t", "name": "Test park"}
    folder = write_park(tmp_path / "park", park_dict(firms, park=settings),
                        {"scenarios/closed.yaml": "remove_firms: [greenhouse]\n"})
    noted = park_file_sources(symbiosis.load_park(folder))
    assert ("firm greenhouse", "interview with the greenhouse, 2026") in noted
    assert park_file_sources(symbiosis.load_park(folder, scenario="closed")) == []


def test_a_new_design_of_the_same_worth_and_a_run_without_an_answer_are_said_so() -> None:
    """An edited profile moved Raufoss's saving from 61.755 to 61.752 M NOK (3 k NOK, within the
    solver's gap of a 268 M NOK total) and the report listed two exchanges dropped, one added and
    capacities halved with no word that the worth was the same; a time-limited run without an
    answer after one with an answer read "time_limit -> time_limit" (an audit of the reports)."""
    from symbiosis.report.changes import _within_gap
    from symbiosis.report.numbers import status_words, years

    then = pd.Series({"saving": 61.755e6, "total_cost": 268e6, "gap": 1e-4})
    assert _within_gap(then, pd.Series({"saving": 61.752e6, "gap": 1e-4}), redesigned=True) == \
        pytest.approx(3e3)
    assert _within_gap(then, pd.Series({"saving": 61.752e6, "gap": 1e-4}), redesigned=False) is None
    assert _within_gap(then, pd.Series({"saving": 60.0e6, "gap": 1e-4}), redesigned=True) is None
    assert status_words("time_limit") == "stopped at the time limit"
    assert status_words("time_limit", solved=False) == "stopped at the time limit (no answer)"
    assert status_words("infeasible", solved=False) == "infeasible"
    assert (years(0.03), years(4.21)) == ("0.03 years", "4.2 years")


def test_money_rounds_as_its_decimal_reads() -> None:
    """17,650,000 NOK read 17.7 M in the firms' table and 17.6 M in the changes' (binary 17.65 is
    17.6499..., and a sum 1e-7 above it rounded up; an audit): half away from zero, as written."""
    assert money(17_650_000, "NOK") == money(17_650_000.0000001, "NOK") == "17.7 M NOK"
    assert money(17_649_999.99, "NOK") == "17.6 M NOK"
    assert money(1_234_567_890, "SEK", per_year=True) == "1.23 bn SEK/year"
    assert money(999.5, "EUR") == "1,000 EUR"


def test_a_run_stopped_with_no_bound_is_not_news() -> None:
    """A 0.05 s run's only answer was to build nothing (no bound, gap unknown): its report said
    the data were unchanged, dropped all 17 exchanges without a word, and the next run added
    them back (an audit). A run stopped at the time limit with no bound now marks the comparison
    unproven, and the headline says the gap is unknown."""
    from symbiosis.report.changes import _unbounded

    assert _unbounded(pd.Series({"status": "time_limit", "gap": float("nan")}))
    assert _unbounded(pd.Series({"status": "time_limit", "gap": None}))
    assert not _unbounded(pd.Series({"status": "time_limit", "gap": 0.02}))
    assert not _unbounded(pd.Series({"status": "optimal", "gap": float("nan")}))


def test_a_report_stopped_with_nothing_built_and_no_bound_says_its_comparison_is_unproven(
        tmp_path, monkeypatch) -> None:
    """End to end: a first report, then one whose solve stopped at once on the empty answer
    (status time_limit, no bound): its JSON marks the comparison unproven and its HTML says the
    dropped exchanges may be the solver's; a normal run after it says nothing of the kind."""
    import dataclasses

    import symbiosis.cli.report as command

    folder = tmp_path / "park"
    _park(folder)
    out = tmp_path / "reports" / "p"
    first = _reported(folder, out, "--name", "first")
    real = command.run_optimize

    def stopped_at_once(park, **kwargs):
        nothing = {link: False for link in symbiosis.find_candidates(park).table["id"]}
        result = real(park, **{**kwargs, "fixed_links": nothing})
        summary = result.summary.copy()
        summary["status"], summary["gap"], summary["bound"] = "time_limit", float("nan"), float("nan")
        return dataclasses.replace(result, summary=summary)

    monkeypatch.setattr(command, "run_optimize", stopped_at_once)
    stopped = _reported(folder, out, "--name", "stopped")
    assert stopped["compared_with"] == first["run_id"] and stopped["dropped"] > 0 and stopped["unproven"]
    html = (out / "stopped" / "report.html").read_text()
    assert "no bound (gap unknown)" in html and "may be the solver" in html
    monkeypatch.undo()
    assert _reported(folder, out, "--name", "third")["unproven"] is True  # compared with the stopped run


def test_a_gap_of_round_off_reads_as_none() -> None:
    """A proven optimum's gap of 3.6e-16 read "gap 3.6e-14 %" in the report's headline and in
    `history` (an audit); `optimize` prints none below 0.005 %."""
    from symbiosis.report.numbers import gap

    shown = gap(3.6e-16), gap(0.0), gap(8.4e-5), gap(0.1298), gap(None)
    assert shown == ("0 %", "0 %", "0.0084 %", "13 %", "-")


def test_a_result_reported_again_is_compared_with_the_run_before_it(tmp_path) -> None:
    """`report --result` of an older report's folder was compared with the newest run, newer
    than itself: the newer runs' exchanges read as 'added' (an audit of the reports)."""
    folder = tmp_path / "park"
    _park(folder)
    out = tmp_path / "reports" / "p"

    def report(*extra: str) -> dict:
        return _reported(folder, out, *extra)

    first, second, _ = report("--name", "one"), report("--name", "two"), report("--name", "three")
    again = report("--result", str(out / "two"), "--name", "two-again")
    assert again["compared_with"] == first["run_id"] != second["run_id"]


def test_since_and_result_of_other_series_or_of_a_run_without_an_answer(tmp_path) -> None:
    """Findings of an audit of the new comparisons: `--result` of a scenario's result with
    `--since DATE` ended in a traceback (the date was looked up in the base case's series);
    `--result` of the first run of its series was compared with a newer run; `--since` a run
    without an answer listed every exchange as added; a date that is none was taken."""
    folder = tmp_path / "park"
    _park(folder)
    (folder / "scenarios").mkdir()
    (folder / "scenarios" / "dear.yaml").write_text("park: {carbon_price: 1200 NOK/t}\n")
    out = tmp_path / "reports" / "p"
    first = _reported(folder, out, "--name", "first")
    symbiosis.optimize(symbiosis.load_park(folder, scenario="dear")).save(tmp_path / "dear")
    today = datetime.now().astimezone().strftime("%Y-%m-%d")
    run = CliRunner().invoke(cli, ["report", str(folder), "--out", str(out), "--result",
                                   str(tmp_path / "dear"), "--since", today, "--json"])
    assert run.exit_code == 2 and "scenario dear" in run.output and "Traceback" not in run.output, run.output
    _reported(folder, out, "--name", "second")
    again = _reported(folder, out, "--result", str(out / "first"), "--name", "first-again")
    assert again["compared_with"] is None  # the first of its series: nothing before it
    unsolved = CliRunner().invoke(cli, ["report", str(folder), "--out", str(out), "--name", "none",
                                        "--time-limit", "0", "--json"])
    assert unsolved.exit_code == 1
    after = _reported(folder, out, "--since", "none")
    assert after["added"] == 0 and after["dropped"] == 0
    assert "found no solution: it proposed no design" in Path(after["html"]).read_text()
    bad = CliRunner().invoke(cli, ["report", str(folder), "--out", str(out), "--since", "2026-99-99"])
    assert bad.exit_code == 2 and "no date" in bad.output
    assert first["run_id"] == 1


def test_kept_park_data_edited_by_hand_is_not_trusted_and_existing_links_are_named_by_their_ends(
        tmp_path) -> None:
    """Findings of an audit of the park data compared: a park_data.json edited by hand was
    trusted (a table of six 'changes' under "the park data are unchanged"); removing the first
    existing link listed each value of every link after it (keyed by place); a catalogue
    technology switched off read as 'technologies.heat_pump: added'."""
    folder = tmp_path / "park"
    built = {"from": "smelter.flue_gas", "to": "town.network", "technology": "hot_water_pipe",
             "capacity": "1 MW"}
    settings = {"carbon_price": "900 NOK/t", "name": "Test park"}
    firms = {"smelter": SMELTER, "town": TOWN, "greenhouse": GREENHOUSE}
    write_park(folder, park_dict(firms, existing=[built], park=settings))
    out = tmp_path / "reports" / "p"
    _reported(folder, out, "--name", "one")
    kept = json.loads((out / "one" / "park_data.json").read_text())
    kept["values"]["park.carbon_price"] = "1 NOK/t"
    (out / "one" / "park_data.json").write_text(json.dumps(kept))
    html = Path(_reported(folder, out, "--name", "two")["html"]).read_text()
    assert "Park data that changed" not in html  # the same data: nothing listed
    write_park(folder, park_dict(firms, park=settings, technologies={"heat_pump": {"enabled": False}}))
    (out / "two" / "park_data.json").write_text("{not json")
    html = Path(_reported(folder, out, "--name", "three")["html"]).read_text()
    assert "were changed since or cannot be read" in html
    write_park(folder, park_dict(firms, existing=[built], park=settings))
    park = symbiosis.load_park(folder)
    changes = publish(symbiosis.optimize(park), park, out, name="four").changes
    said = {c.what: (c.before, c.after) for c in changes.inputs}
    assert said["existing[smelter/flue_gas -> town/network, hot_water_pipe]"] == ("absent", "added")
    assert said["technologies.heat_pump.enabled"] == ("False", "not given")


def test_a_report_links_the_earlier_report_it_compares_with(tmp_path) -> None:
    """"What changed" named the earlier report's absolute path as text, also after its folder was
    deleted. Now the HTML and the PDF link it by a relative address (so the link holds when the
    meeting's reports are copied or served together), and one deleted is said to be gone."""
    park, out = _park(tmp_path / "park"), tmp_path / "reports" / "p"
    runner = CliRunner()

    def report(name: str) -> dict:
        run = runner.invoke(cli, ["report", str(park), "--out", str(out), "--json", "--name", name])
        assert run.exit_code == 0, run.output
        return json.loads(run.stdout)

    report("october")
    november = report("november")
    html = Path(november["html"]).read_text()
    assert 'Its report: <a href="../october/report.html">../october/report.html</a>' in html
    assert (Path(november["html"]).parent / "../october/report.html").resolve().is_file()
    links = [annotation.get_object().get("/A", {}).get("/URI")
             for page in PdfReader(november["pdf"]).pages for annotation in page.get("/Annots") or ()]
    assert "../october/report.html" in links
    shutil.rmtree(out / "october")
    html = Path(report("december")["html"]).read_text()
    assert 'href="../november/report.html"' in html  # the latest run before it, still there
    (out / "december" / "report.html").unlink()  # its result files kept: still the run compared with
    html = Path(report("january")["html"]).read_text()
    assert "<a href" not in html.split('<section id="changes">')[1].split("</section>")[0]
    assert "december/report.html (no longer there)" in html


def test_the_runs_warnings_are_in_the_report(tmp_path) -> None:
    """optimize warns (here of a lifetime written in days); the report, the meeting's document,
    left its warnings in result.json only (an audit): a section lists them."""
    folder = _park(tmp_path / "park")
    out = tmp_path / "reports" / "p"
    reported = _reported(folder, out, "--set", "technologies.hot_water_pipe.lifetime=20 day")
    html = Path(reported["html"]).read_text()
    assert "Caveats of this run" in html and "lifetime of 20 days" in html
    plain = _reported(folder, out)
    assert "Caveats of this run" not in Path(plain["html"]).read_text()


def test_sites_too_close_for_the_map_get_a_close_up() -> None:
    """Hofors-Borlänge: four Hofors sites within 1 km on a 50 km map were one blot, their labels
    over each other and their links unseen (an audit). Groups of sites much smaller than the
    map are found and drawn again beside it; a park spread evenly gets none."""
    from symbiosis.report.plots import _close_groups

    hofors = {f"h{i}": (24.5 + 0.3 * (i % 2), 2.0 + 0.3 * (i // 2), False) for i in range(4)}
    borlange = {f"b{i}": (-21.5 + 0.5 * i, -5.5, False) for i in range(3)}
    alone = {"falun": (-12.0, 8.7, False), "kvarn": (-23.5, -1.4, False)}
    groups = _close_groups({**hofors, **borlange, **alone})
    assert [sorted(group) for group in groups] == [sorted(hofors), sorted(borlange)]
    spread = {f"s{i}": (float(i % 4), float(i // 4), False) for i in range(12)}
    assert _close_groups(spread) == []


def test_a_result_shows_its_headline_and_exchanges_in_a_notebook(tmp_path) -> None:
    """A notebook shows a Result as HTML (``_repr_html_``): the park, the status, the headline
    figures as the summary has them and one row per exchange; text from the park stays text;
    a result without an answer says why."""
    park = symbiosis.load_park(write_park(tmp_path / "park", park_dict(
        {"smelter": SMELTER, "town": TOWN}, park={"carbon_price": "900 NOK/t", "name": SCRIPT})))
    result = symbiosis.optimize(park)
    shown = result._repr_html_()
    assert SCRIPT not in shown and "&lt;script&gt;alert(1)&lt;/script&gt;: optimal" in shown
    assert f"{result.summary['saving']:,.0f} NOK" in shown
    assert f"{result.summary['baseline_cost']:,.0f} &rarr; {result.total_cost:,.0f} NOK" in shown
    headline, exchanges = shown.split("</table>", 1)
    assert headline.count("<tr>") == 5 and exchanges.count("<tr>") == len(result.exchanges) > 0
    for exchange in result.exchanges.itertuples():
        assert f"<td>{exchange.id}</td>" in shown and f"<td>{exchange.investment:,.0f}</td>" in shown
    summary = result.summary.copy()
    summary[["status", "total_cost"]] = ["time_limit", float("nan")]
    unsolved = replace(result, summary=summary, exchanges=result.exchanges.iloc[0:0])._repr_html_()
    assert ": time_limit</h4>" in unsolved and "time limit" in unsolved.split("</h4>")[1]
