"""The report's content, once, as plain data: headline figures, sections of paragraphs, tables
and pictures. :mod:`symbiosis.report.html` and :mod:`symbiosis.report.pdf` only lay it out,
so the HTML and the PDF say the same thing.

Reads a ``Result`` and the ``Park``'s metadata (names, coordinates, prices, catalogue
sources); never Pyomo.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from symbiosis import __version__
from symbiosis.analysis.explain import is_true, state_in_words
from symbiosis.park import Carrier, Park, Technology
from symbiosis.park.fields import MONEY_PER_CAPACITY, MONEY_PER_STORED, RATE, capacity_is_energy
from symbiosis.report.changes import SAVING_MOVED, Changes
from symbiosis.report.history import overrides_text, series_words
from symbiosis.report.numbers import (
    annual,
    gap,
    is_number,
    money,
    number,
    share,
    status_words,
    tonnes,
    worse_off_note,
    years,
)
from symbiosis.report.plots import PlotAccessor, figure_png, links_of
from symbiosis.results import Result

KELVIN = 273.15
PROFILE_EXCHANGES = 5
CURVE_KINDS = ("link", "heat_pump")  # the kinds whose links follow a cost curve (candidates/pairs.py)


@dataclass(frozen=True)
class Paragraph:
    text: str
    kind: str = "paragraph"
    link: str = ""  # a relative address the paragraph's last words lead to (another report)
    link_text: str = ""


@dataclass(frozen=True)
class Table:
    """Rows of text; ``numeric`` holds the indexes of right-aligned columns."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: frozenset[int] = frozenset()
    title: str = ""
    widths: tuple[float, ...] = ()  # relative column widths (PDF)
    kind: str = "table"


@dataclass(frozen=True)
class Picture:
    png: bytes
    caption: str
    kind: str = "picture"

    @property
    def size_px(self) -> tuple[int, int]:
        width, height = struct.unpack(">II", self.png[16:24])
        return int(width), int(height)


Block = Paragraph | Table | Picture


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Headline:
    label: str
    value: str
    note: str = ""


@dataclass(frozen=True)
class Report:
    title: str
    subtitle: str
    generated: str
    headline: tuple[Headline, ...]
    sections: tuple[Section, ...] = field(default_factory=tuple)

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)


def build_report(result: Result, park: Park, *, changes: Changes | None = None,
                 pareto: pd.DataFrame | None = None, why: pd.DataFrame | None = None,
                 generated: datetime | None = None) -> Report:
    """Everything the cluster meeting reads, in the order it reads it.

    ``pareto`` (columns ``emissions``, ``total_cost``) adds the Pareto section; a result with
    more than one time step adds the time profile; ``changes`` fills "what changed".
    """
    s = result.summary
    currency = str(s.get("currency", park.currency))
    when = (generated or datetime.now().astimezone()).strftime("%Y-%m-%d %H:%M %Z").strip()
    scenario = str(s.get("scenario", "") or "")
    overrides = overrides_text(s.get("overrides"))
    subtitle = " · ".join(part for part in (
        series_words(scenario, overrides),
        f"objective: least {s.get('objective_kind', 'cost')}",
        f"data fingerprint {s.get('fingerprint', '')}", f"made {when}") if part)
    plots = PlotAccessor(result)
    solved = result.has_solution
    sections = [
        _map_section(result, park, plots, solved),
        _sankey_section(result, plots, solved),
        _exchanges_section(result, currency, solved),
        _firms_section(result, plots, currency, solved),
    ]
    warnings = [str(w) for w in (s.get("warnings") or [])]
    if warnings:  # what optimize warns of, the meeting reads too (an audit: they were in result.json only)
        sections.append(Section("warnings", "Caveats of this run", (
            Paragraph("The run warns of the following; read the figures above with them in mind."),
            *(Paragraph(f"• {warning}") for warning in warnings))))
    if pareto is not None and not pareto.empty:
        sections.append(Section("pareto", "Cost against CO2 (Pareto front)", (
            Paragraph("Each point is the least total annual cost the park can reach at that emission "
                      "limit; the star is this report's result."),
            Picture(figure_png(plots.pareto(pareto)), "Pareto front: total annual cost against emissions"),
            _pareto_table(pareto, currency))))
    if why is not None and not why.empty:
        sections.append(_why_section(why, currency))
    if solved and "step" in result.flows.columns and result.flows["step"].nunique() > 1:
        sections.append(Section("profile", "Time profile of the largest exchanges", (
            Paragraph(f"Rate delivered in each of the {result.flows['step'].nunique()} time steps by the "
                      f"{min(PROFILE_EXCHANGES, len(result.exchanges))} largest exchanges "
                      "(by annual amount)."),
            Picture(figure_png(plots.profile(PROFILE_EXCHANGES)), "Time profile of the largest exchanges"))))
    sections.append(_changes_section(changes, currency))
    sections.append(_assumptions_section(result, park, currency))
    sections.append(_sources_section(result, park))
    return Report(title=f"{s.get('park', park.name)}: proposed exchanges", subtitle=subtitle, generated=when,
                  headline=_headline(result, currency), sections=tuple(sections))


# -- headline ---------------------------------------------------------------------------
def _headline(result: Result, currency: str) -> tuple[Headline, ...]:
    s = result.summary
    status = str(s.get("status", ""))
    solver = status_words(status) + (f", gap {gap(s.get('gap'))}" if is_number(s.get("gap"))
                                     else ", no bound (gap unknown)" if status == "time_limit" else "")
    if not result.has_solution:
        return (Headline("Solver status", status_words(status, solved=False),
                         str(s.get("solver_message", ""))),
                Headline("Proposed exchanges", "0",
                         "; ".join(result.why_no_solution) or "no solution was found"))
    baseline_co2 = s.get("baseline_emissions")
    co2_note = (f"{share(float(s['co2_avoided']) / float(baseline_co2))} of "
                f"{tonnes(baseline_co2)}" if is_number(baseline_co2) and float(baseline_co2) > 0 else "")
    baseline = s.get("baseline_cost")
    existing = result.running_today
    return (
        Headline("Park saving per year", money(s.get("saving"), currency),
                 f"annual cost {money(baseline, currency)} → {money(s.get('total_cost'), currency)}"),
        Headline("CO2 avoided per year", f"{number(s.get('co2_avoided'))} t", co2_note),
        Headline("Investment", money(s.get("investment"), currency), "in new links and equipment"),
        # as `optimize` counts them: an exchange running today is no proposal
        Headline("Proposed exchanges", str(result.proposed),
                 f"and {existing} running today" if existing else "ranked by net annual benefit"),
        Headline("Solver status", solver, f"{s.get('solver', '')}: {s.get('solver_message', '')}"),
    )


# -- sections ---------------------------------------------------------------------------
def _no_solution(result: Result) -> Paragraph:
    why = f" {result.why_no_solution_text}" if result.why_no_solution else ""
    return Paragraph(f"No solution: the solver ended with status {result.status} "
                     f"({result.summary.get('solver_message', '')}).{why} Nothing is proposed.")


def _map_section(result: Result, park: Park, plots: PlotAccessor, solved: bool) -> Section:
    blocks: list[Block] = [Paragraph(
        "Firms at their coordinates, with every proposed link drawn by carrier from the supplying to "
        "the receiving firm. Distances in km from the park's centre; no map tiles are needed.")]
    if not solved:
        blocks.append(_no_solution(result))
    blocks.append(Picture(figure_png(plots.map(park)), "Map of the park and the proposed links"))
    return Section("map", "Map of the park", tuple(blocks))


def _sankey_section(result: Result, plots: PlotAccessor, solved: bool) -> Section:
    if not solved:
        return Section("sankey", "Annual flows by carrier", (_no_solution(result),))
    if links_of(result.exchanges).empty:
        return Section("sankey", "Annual flows by carrier", (Paragraph("No exchange is proposed."),))
    today = " Links running today are drawn too." if result.running_today else ""
    return Section("sankey", "Annual flows by carrier", (
        Paragraph("What each supplying firm sends, by carrier, to each receiving firm per year (amount "
                  f"delivered; a heat pump's delivery includes the electricity it adds).{today}"),
        Picture(figure_png(plots.sankey()), "Annual flows: supplying firms, carrier, receiving firms")))


def _exchanges_section(result: Result, currency: str, solved: bool) -> Section:
    if not solved:
        return Section("exchanges", "Proposed exchanges, best first", (_no_solution(result),))
    rows = []
    for rank, row in enumerate(result.exchanges.itertuples(), start=1):
        technology = str(row.technology)
        if row.kind == "heat_pump" and is_number(row.cop):
            technology += f" (COP {float(row.cop):.2f})"
        if bool(row.existing):
            technology += " [existing]"
        rows.append((str(rank), f"{row.from_firm}.{row.from_stream}", f"{row.to_firm}.{row.to_stream}",
                     str(row.carrier), technology, f"{number(row.capacity)} {row.capacity_unit}",
                     annual(row.annual_amount, row.amount_unit), money(row.investment, currency),
                     money(row.saving, currency), number(row.co2_avoided), years(row.payback_years)))
    table = Table(("#", "from", "to", "carrier", "technology", "capacity", "delivered", "investment",
                   f"saving ({currency}/year)", "CO2 avoided (t/year)", "payback"),
                  tuple(rows), frozenset({0, 5, 6, 7, 8, 9, 10}),
                  widths=(0.35, 1.15, 1.15, 1.0, 1.2, 0.9, 1.0, 1.2, 1.05, 0.85, 0.9))  # "electricity" whole
    text = ("Ranked by net annual benefit (saving): what the exchange avoids in purchases, disposal and "
            "carbon, less its annualised investment, running cost and electricity. The savings add up to "
            "the park's saving." if rows else "No exchange pays off under these assumptions.")
    return Section("exchanges", "Proposed exchanges, best first", (Paragraph(text), table))


def _firms_section(result: Result, plots: PlotAccessor, currency: str, solved: bool) -> Section:
    rows = []
    for row in result.firms.itertuples():
        name = row.name if isinstance(row.name, str) and row.name else row.firm
        rows.append((str(name), money(row.baseline_cost, currency), money(row.total_cost, currency),
                     money(row.saving, currency), share(row.share_of_saving), number(row.baseline_emissions),
                     number(row.emissions)))
    table = Table(("firm", f"cost today ({currency}/year)", f"with exchanges ({currency}/year)",
                   f"saving ({currency}/year)", "share of saving", "CO2 today (t/year)", "CO2 with (t/year)"),
                  tuple(rows), frozenset({1, 2, 3, 4, 5, 6}), widths=(2.6, 1.2, 1.2, 1.2, 0.9, 1.0, 1.0))
    blocks: list[Block] = [Paragraph(
        "Each firm's annual cost of its own streams (purchases, disposal, carbon), plus half of the cost "
        "of each link it takes part in (all of it for a link inside the firm), plus or minus each "
        "exchange's transfer: the yearly payment from the receiving firm to the supplying firm that "
        "leaves each with half of the exchange's net saving (columns transfer and transfer_price of "
        "exchanges.csv). So each firm saves half the saving of each of its exchanges (all of it inside "
        "the firm); a hub is no firm: its result passes to the firms its links serve, in proportion to "
        "those links' savings. The firms' savings add up to the park's.")]
    note = worse_off_note(result.worse_off, currency, result.saving)
    if note:
        blocks.append(Paragraph(note))
    if solved:
        blocks.append(Picture(figure_png(plots.savings()), "Annual saving per firm"))
    blocks.append(table)
    return Section("firms", "Cost and saving per firm", tuple(blocks))


def _why_section(why: pd.DataFrame, currency: str) -> Section:
    """From ``symbiosis explain``: how much cheaper each unbuilt candidate must get, and how much
    of its saving each exchange may lose, found by fixing it in or out and solving again."""
    rows = []
    for row in why.itertuples():
        built = is_true(row.built)
        amount = row.margin if built else row.required_cut
        rows.append((str(row.id), f"{row.from_firm}.{row.from_stream} -> {row.to_firm}.{row.to_stream}",
                     str(row.technology), state_in_words(row.built, getattr(row, "carries_nothing", False),
                                                         getattr(row, "status", "")),
                     money(float(amount), currency, per_year=True) if pd.notna(amount) else "-"))
    return Section("why", "Why, and why not", (
        Paragraph("For a link not built: how much its yearly cost must fall before it is built. For an "
                  "exchange built: how much of its yearly saving it may lose before it drops out. Each "
                  "figure comes from solving the park again with the link fixed in or out."),
        Table(("id", "link", "technology", "state", "required cut or margin"), tuple(rows), frozenset({4}))))


def _pareto_table(frame: pd.DataFrame, currency: str) -> Table:
    rows = tuple((number(e), money(c, currency, per_year=True))
                 for e, c in zip(frame.sort_values("emissions")["emissions"],
                                 frame.sort_values("emissions")["total_cost"], strict=True))
    return Table(("emissions (t CO2/year)", "total annual cost"), rows, frozenset({0, 1}))


def _changes_section(changes: Changes | None, currency: str) -> Section:
    title = "What changed since the last report"
    if changes is None or changes.first_run:
        return Section("changes", title, (Paragraph(
            "This is the first recorded run of this park, scenario, --set overrides and objective: nothing "
            "to compare with yet."),))
    run = changes.previous
    assert run is not None
    objective = run.minimised if run.minimised != "cost" else None  # least cost goes unsaid
    series = series_words(run.scenario, run.overrides, objective)
    compared = (f"Compared with run {run.id} of {run.time[:16].replace('T', ' ')} "
                f"({series}; {status_words(run.status, run.has_solution)}")
    if changes.previous_report:
        blocks: list[Block] = [Paragraph(f"{compared}). Its report:", link=changes.previous_report,
                                         link_text=changes.previous_report)]
    elif changes.previous_replaced:
        blocks = [Paragraph(f"{compared}; its report was in this folder, replaced by this one).")]
    else:
        gone = " (no longer there)" if run.report_path else ""
        blocks = [Paragraph(compared + (f"; report in {run.report_path}{gone}" if run.report_path else "")
                            + ").")]
    if changes.passed_over:
        later = ", ".join(f"run {r.id} of {r.time[:16].replace('T', ' ')} ("
                          + ("no solution" if not r.has_solution else "its result files are gone") + ")"
                          for r in changes.passed_over)
        blocks.append(Paragraph(f"Later runs passed over: {later}."))
    if changes.data_changed:
        note = f" {changes.inputs_note}" if changes.inputs_note else ""
        blocks.append(Paragraph(f"The park data changed: fingerprint {changes.fingerprint_before} → "
                                f"{changes.fingerprint_after}.{note}"))
    else:
        blocks.append(Paragraph(f"The park data are unchanged (fingerprint {changes.fingerprint_after})."))
    if changes.nothing:
        blocks.append(Paragraph("Nothing else changed: same exchanges, same figures."))
    if not changes.solution:
        blocks.append(Paragraph("This run found no solution, so it proposes no design to compare: the "
                                "exchanges of the last run are neither kept nor dropped by it."))
    elif not changes.previous_solved:
        blocks.append(Paragraph("The run compared with found no solution: it proposed no design, so its "
                                "exchanges are not set against these."))
    elif not changes.exchanges_known:
        blocks.append(Paragraph("The previous run's result files are gone: only its headline figures "
                                "are compared."))
    if changes.unproven:
        blocks.append(Paragraph(
            "A run compared here stopped at the time limit with no bound on its answer (its gap is "
            "unknown): how good its design is was never measured, so the exchanges that differ below "
            "may be the solver's, not a change the data call for. Give the run more time (--time-limit)."))
    elif changes.within_gap is not None:
        blocks.append(Paragraph(
            f"The park's saving moved by only {money(changes.within_gap, currency, per_year=True)}, within "
            "the solver's gap: the exchanges that differ below make another design of about the same worth "
            "(the solver stops at any design within its gap), not a change the data call for."))
    for title_of, frame in (("Exchanges added", changes.added), ("Exchanges dropped", changes.dropped)):
        if frame is not None and not frame.empty:
            rows = tuple((f"{r.from_firm}.{r.from_stream}", f"{r.to_firm}.{r.to_stream}", str(r.technology),
                          f"{number(r.capacity)} {r.capacity_unit}", money(r.saving, currency, per_year=True))
                         for r in frame.itertuples())
            blocks.append(Table(("from", "to", "technology", "capacity", "saving per year"), rows,
                                frozenset({3, 4}), title=title_of))
        elif not changes.nothing and changes.exchanges_known and changes.solution:
            blocks.append(Paragraph(f"{title_of}: none."))
    if changes.built is not None and not changes.built.empty:
        rows = tuple((f"{r.from_firm}.{r.from_stream}", f"{r.to_firm}.{r.to_stream}", str(r.technology),
                      f"{number(r.capacity)} {r.capacity_unit}") for r in changes.built.itertuples())
        blocks.append(Table(("from", "to", "technology", "capacity"), rows, frozenset({3}),
                            title="Built since the last report (proposed then, running today now)"))
        blocks.append(Paragraph("What these exchanges save is now part of today's cost, so the park's "
                                "saving no longer counts it."))
    for title_of, items in (("Park data that changed (the park files as read, scenario and --set applied)",
                             changes.inputs),
                            ("Figures that moved", changes.figures),
                            ("Capacities that moved", changes.resized),
                            (f"Savings that moved (kept exchanges, by more than {100 * SAVING_MOVED:g} %)",
                             changes.savings),
                            (f"Firms whose saving or CO2 moved (by more than {100 * SAVING_MOVED:g} %)",
                             changes.firms),
                            ("What the data changed in the model", changes.data)):
        if items:
            blocks.append(Table(("what", "before", "now"), tuple((c.what, c.before, c.after) for c in items),
                                title=title_of, widths=(3.0, 1.5, 1.5)))
    return Section("changes", title, tuple(blocks))


def _assumptions_section(result: Result, park: Park, currency: str) -> Section:
    st = park.settings
    electricity = st.electricity or "-"
    settings = Table(("setting", "value"), (
        ("currency", currency),
        ("discount rate", share(st.discount_rate)),
        ("carbon price", f"{number(st.carbon_price)} {currency}/t CO2"),
        ("time resolution", str(st.time)),
        ("routing factor (pipe or road length / straight distance)", number(st.routing_factor)),
        ("links inside one firm", "yes" if st.internal_links else "no"),
        ("electricity for heat pumps and electrolysers from", electricity),
        ("objective", f"least {result.summary.get('objective_kind', 'cost')}"),
        ("overrides (--set)", overrides_text(result.summary.get("overrides")) or "none"),
    ), title="Park settings", widths=(3.0, 2.0))
    routes = []
    for route in park.routes.values():
        unit = Carrier(route.carrier).annual_unit
        temperature = f"{route.temperature - KELVIN:.0f} °C" if route.temperature is not None else ""
        routes.append((route.id, str(route.carrier), route.material or temperature,
                       f"{number(route.price)} {currency}/{unit}", f"{number(route.emissions)} t CO2/{unit}"))
    route_table = Table(("route", "carrier", "material or temperature", "price", "emissions"), tuple(routes),
                        frozenset({3, 4}),
                        title="Today's routes: prices and emission factors (negative price = income)",
                        widths=(1.6, 1.0, 1.6, 1.4, 1.4))
    used = set(result.exchanges["technology"]) if not result.exchanges.empty else set()
    at_hubs = {name for hub in park.hubs.values() for name in hub.technologies}
    technologies = []
    for name in sorted(park.technologies, key=lambda n: (n not in used, n)):
        t = park.technologies[name]
        if not t.enabled and name not in used:
            continue
        per_capacity = _per_capacity(t, currency, at_hub=name in at_hubs)
        technologies.append((name + (" (used)" if name in used else ""), t.kind,
                             money(t.investment, currency), per_capacity,
                             f"{money(t.investment_per_length, currency)}/km", f"{number(t.lifetime)} years",
                             share(t.fixed_om), _running(t, currency)))
    tech_table = Table(("technology", "kind", "investment", "per capacity or cost curve", "per length",
                        "lifetime", "fixed O&M per year", "running and transport"),
                       tuple(technologies), frozenset({2, 4, 5, 6}),
                       title="Technologies (catalogue with the park's overrides; sources below)",
                       widths=(1.5, 0.95, 1.0, 1.8, 0.85, 0.7, 0.65, 1.55))  # "investment" whole
    text = Paragraph("Prices and emission factors are per MWh for energy and per tonne for materials and "
                     "gases, in the park's currency; investment is annualised at the discount rate over each "
                     "technology's lifetime. A link or heat pump with a cost curve pays the curve's "
                     "investment at its capacity (linear between the points) instead of a figure per "
                     "capacity; the fixed investment and the one per length are added. Running costs are "
                     "per MWh or t delivered (a store: withdrawn; an electrolyser: per t of hydrogen), "
                     "transport costs per t and km carried.")
    return Section("assumptions", "Assumptions", (text, settings, route_table, tech_table))


def _per_capacity(t: Technology, currency: str, *, at_hub: bool) -> str:
    """Investment per capacity in the unit the park loader reads it in (MW, t/h, MWh or t stored,
    MW of electricity into an electrolyser), or the cost curve where the model uses it instead."""
    if t.kind == "storage":
        unit = MONEY_PER_STORED[t.carrier.is_energy].base.removeprefix("CUR/") + " stored"
    else:
        unit = MONEY_PER_CAPACITY[capacity_is_energy(t.carrier, t.kind)].base.removeprefix("CUR/")
        unit += " of electricity in" if t.kind == "electrolyser" else ""
    linear = f"{money(t.investment_per_capacity, currency)}/{unit}"
    if not t.cost_curve or t.kind not in CURVE_KINDS:
        return linear
    rate = RATE[capacity_is_energy(t.carrier, t.kind)].base
    points = ", ".join(f"{number(p.capacity)} {rate} {_bare_money(p.investment, currency)}"
                       for p in t.cost_curve)
    curve = f"curve: {points} {currency}"
    # A heat pump at a hub is costed by the linear figure (symbiosis/candidates/assets.py).
    return curve + (f"; at a hub {linear}" if at_hub and t.kind == "heat_pump" else "")


def _bare_money(value: float, currency: str) -> str:
    """``15.1 M``: :func:`money` without the currency, for a list that names it once."""
    return money(value, currency).removesuffix(f" {currency}")


def _running(t: Technology, currency: str) -> str:
    """The costs a technology adds per amount: running cost, transport per t and km, and the
    transport's CO2 (paid at the carbon price)."""
    per = Carrier(t.carrier).annual_unit
    parts = []
    if t.running_cost:
        what = {"storage": "withdrawn", "electrolyser": "of hydrogen"}.get(t.kind, "delivered")
        parts.append(f"{number(t.running_cost)} {currency}/{per} {what}")
    if t.cost_per_tonne_km:
        parts.append(f"{number(t.cost_per_tonne_km)} {currency}/({per}·km)")
    if t.emissions_per_tonne_km:
        parts.append(f"{number(t.emissions_per_tonne_km * 1000)} kg CO2/({per}·km)")
    return "; ".join(parts) or "-"


def _sources_section(result: Result, park: Park) -> Section:
    s = result.summary
    blocks: list[Block] = []
    if park.settings.description:
        blocks.append(Paragraph(park.settings.description))
    folder = park.folder
    where = f"{folder}" if folder else "the park file"
    overrides = overrides_text(s.get("overrides"))
    blocks.append(Paragraph(f"Park data: {where} (fingerprint {s.get('fingerprint', '')}"
                            + (f", scenario {s.get('scenario')}" if s.get("scenario") else "")
                            + (f", with --set {overrides}" if overrides else "") + ")."))
    if folder is not None and (Path(folder) / "SOURCES.md").is_file():
        blocks.append(Paragraph("Every number of the park file is explained with its source in SOURCES.md "
                                "in the park folder."))
    noted = park_file_sources(park)
    if noted:
        blocks.append(Table(("in the park file", "source"), tuple(noted),
                            title="Sources named in the park file", widths=(1.6, 4.4)))
    used = set(result.exchanges["technology"]) if not result.exchanges.empty else set()
    catalogue = tuple((name, park.technologies[name].source or "no source given")
                      for name in sorted(park.technologies, key=lambda n: (n not in used, n))
                      if park.technologies[name].enabled or name in used)
    blocks.append(Table(("technology", "catalogue source"), catalogue, title="Technology catalogue sources",
                        widths=(1.2, 4.8)))
    solver = Table(("", ""), (
        ("solver", f"{s.get('solver', '')}: {s.get('status', '')} ({s.get('solver_message', '')})"),
        ("gap, bound", f"{gap(s.get('gap'))}, {number(s.get('bound'))}"),
        ("model size", f"{number(s.get('rows'))} rows, {number(s.get('columns'))} columns, "
                       f"{number(s.get('binaries'))} binaries, "
                       f"{number(s.get('candidates'))} candidate links"),
        ("time steps", f"{number(s.get('time_steps'))} ({s.get('time', '')})"),
        ("solve time", f"{_seconds(s.get('solve_s'))}"),
        ("symbiosis", __version__),
    ), title="About this run", widths=(1.2, 4.8))
    blocks.append(solver)
    return Section("sources", "Data sources", tuple(blocks))


def _seconds(value: Any) -> str:
    return f"{float(value):.2f} s" if is_number(value) else "-"


def park_file_sources(park: Park) -> list[tuple[str, str]]:
    """``source:`` texts of the park data as read (a scenario's removed firms gone, its own
    sources in) for firms, streams, routes, technologies and hubs, in the park file's order."""
    found: list[tuple[str, str]] = []
    for key, text in park.data_as_read.items():
        parts = key.split(".")
        if parts[-1] != "source" or not isinstance(text, str):
            continue
        match parts[:-1]:
            case ["routes", name]:
                found.append((f"route {name}", text))
            case ["technologies", name]:
                found.append((f"technology {name}", text))
            case ["hubs", name]:
                found.append((f"hub {name}", text))
            case ["firms", firm]:
                found.append((f"firm {firm}", text))
            case ["firms", firm, "streams", stream]:
                found.append((f"{firm}.{stream}", text))
    return found
