"""Figures of a ``Result`` with matplotlib (Agg): a park map, an alluvial Sankey, savings, Pareto front.

Every figure reads only the ``Result`` tables (and, for the map, the firms' coordinates from
the ``Park``), is sized for print (A4 width) and labels its axes with units.

>>> result.plot.map(park)          # doctest: +SKIP
>>> result.plot.sankey()           # doctest: +SKIP
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

# Figures are made with matplotlib's object interface, not pyplot: no display is needed (reports
# are made by cron jobs and servers), no backend is switched under a notebook, and no figure is
# kept open in pyplot's registry after it is returned (an audit: 22 figures open, and a warning).
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, PathPatch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.ticker import FuncFormatter

from symbiosis.report.numbers import number, share
from symbiosis.results.result import NOT_LINKS

if TYPE_CHECKING:
    from symbiosis.park import Park
    from symbiosis.results import Result

# Colour per carrier (Okabe-Ito palette: tells apart for colour-blind readers and in grey print).
CARRIER_COLOURS = {
    "heat": "#D55E00", "steam": "#E69F00", "hydrogen": "#0072B2", "electricity": "#CC79A7",
    "oxygen": "#56B4E9", "material": "#009E73",
}
OTHER_COLOUR = "#666666"
EARTH_RADIUS_KM = 6371.0
WIDTH_IN = 10.0  # figure width: A4 text width at a readable scale
DAILY_FROM_STEPS = 2000  # hourly steps of a year (or a long stretch of one) are drawn by day
LABEL_CHARS = 30


def colour(carrier: str) -> str:
    return CARRIER_COLOURS.get(str(carrier), OTHER_COLOUR)


def short(text: str, limit: int = LABEL_CHARS) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def links_of(exchanges: pd.DataFrame) -> pd.DataFrame:
    """Exchanges that carry something from one site to another (no stores, no electrolysers)."""
    if exchanges.empty or "kind" not in exchanges.columns:
        return exchanges
    return exchanges[~exchanges["kind"].isin(NOT_LINKS)]


def _figure(**size: Any) -> Figure:
    """A figure on its own Agg canvas (it measures text for the labels' layout), outside pyplot."""
    figure = Figure(**size)
    FigureCanvasAgg(figure)
    return figure


def figure_png(figure: Figure, *, dpi: int = 150) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    return buffer.getvalue()


class PlotAccessor:
    """``result.plot``: the report's figures, each returned as a matplotlib ``Figure``."""

    def __init__(self, result: Result) -> None:
        self._result = result

    @property
    def _currency(self) -> str:
        return str(self._result.summary.get("currency", ""))

    # -- map --------------------------------------------------------------------------
    def map(self, park: Park) -> Figure:
        """Firms at their coordinates (km from the park's centre) and the proposed links by carrier.

        Line width grows with the annual amount (within one unit: MWh or t); arrows point
        from the supplying to the receiving firm. A site far from the others (a town's
        district heating) is drawn at the map's edge with its true distance and direction,
        so the park itself stays readable. No web tiles: readable offline and in print.
        A park without the result's firms (another park's data) is refused.
        """
        if not hasattr(park, "firms") or not hasattr(park, "hubs"):
            raise TypeError(f"plot.map takes the Park the result was solved from (symbiosis.load_park), "
                            f"not {type(park).__name__} {park!r:.60}")
        missing = sorted(set(self._result.firms["firm"]) - set(park.firms) - set(park.hubs))
        if missing:
            named = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
            raise ValueError(f"the result's firms {named} are not in {park.name}: draw the map with the "
                             "park the result was solved from (symbiosis.load_park of its folder, "
                             "scenario and overrides)")
        true_points = _site_points(park)
        points, far, radius = _fold_far_sites(true_points)
        clusters = _close_groups(points)
        figure = _figure(figsize=(WIDTH_IN, 7.4))
        if clusters:  # the map and, beside it, a close-up of each group too small to read on it
            grid = figure.add_gridspec(len(clusters), 2, width_ratios=(2.0, 1.0))
            ax = figure.add_subplot(grid[:, 0])
            close_ups = [figure.add_subplot(grid[i, 1]) for i in range(len(clusters))]
        else:
            ax, close_ups = figure.subplots(), []
        links = links_of(self._result.exchanges)
        widths = _line_widths(links)
        own = _own_assets(self._result.exchanges)
        carriers_drawn = _draw_links(ax, links, widths, points)
        _draw_sites(ax, points, own, far)
        _set_limits(ax, np.array([p[0] for p in points.values()]), np.array([p[1] for p in points.values()]))
        ax.set_aspect("equal", adjustable="box")
        ax.set_xlabel("west - east, km from the park's centre")
        ax.set_ylabel("south - north, km")
        ax.grid(True, color="#e6e6e6", linewidth=0.6, zorder=0)
        handles = [Line2D([0], [0], color=colour(c), linewidth=3, label=str(c)) for c in carriers_drawn]
        handles.append(Line2D([0], [0], marker="o", color="black", markerfacecolor="white", linestyle="",
                              label="firm"))
        if any(p[2] for p in points.values()):
            handles.append(Line2D([0], [0], marker="s", color="black", markerfacecolor="white",
                                  linestyle="", label="hub"))
        if far:
            handles.append(Line2D([0], [0], marker="D", color="black", markerfacecolor="white",
                                  linestyle="", label=f"beyond {radius:.1f} km, drawn at the edge"))
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.1), frameon=False,
                  ncol=min(len(handles), 5 if not clusters else 3), fontsize=9)
        running = int(links["existing"].astype(bool).sum()) if "existing" in links.columns else 0
        proposed = len(links) - running
        counted = f"{proposed} proposed link{'' if proposed == 1 else 's'}" + (
            f" and {running} running today (dashed)" if running else "")
        ax.set_title(f"{short(self._result.summary.get('park', ''), 50)}: {counted}\n"
                     "(arrow: supplier to receiver; width: annual amount)", fontsize=11, loc="left")

        def label_of(site: str) -> str:
            label = short(_site_name(park, site))
            if site in own:
                label += f" ({own[site]})"
            if site in far:
                label += f" ({far[site]})"
            return label

        grouped = {site for cluster in clusters for site in cluster}
        for letter, close_up, cluster in zip("ABC", close_ups, clusters, strict=False):
            xs = np.array([points[site][0] for site in cluster])
            ys = np.array([points[site][1] for site in cluster])
            ax.add_patch(Rectangle((xs.min(), ys.min()), np.ptp(xs), np.ptp(ys), fill=False, linewidth=0.8,
                                   edgecolor="#555555", linestyle=":", zorder=1))
            ax.text(xs.max(), ys.max(), f" {letter}", fontsize=10, fontweight="bold", va="bottom", zorder=4)
            _draw_links(close_up, links, widths, points)
            _draw_sites(close_up, {site: points[site] for site in cluster}, own, far)
            _set_limits(close_up, xs, ys, ratio=1.3)
            close_up.set_aspect("equal", adjustable="box")
            close_up.grid(True, color="#e6e6e6", linewidth=0.6, zorder=0)
            close_up.tick_params(labelsize=7)
            span = max(float(np.ptp(xs)), float(np.ptp(ys)))
            close_up.set_title(f"{letter}: {len(cluster)} sites within {span:.2g} km", fontsize=9, loc="left")
        figure.tight_layout()
        _spread_labels(ax, [(x, y, label_of(site)) for site, (x, y, _) in points.items()
                            if site not in grouped])
        for close_up, cluster in zip(close_ups, clusters, strict=True):
            _spread_labels(close_up, [(points[site][0], points[site][1], label_of(site)) for site in cluster])
        return figure

    # -- Sankey -----------------------------------------------------------------------
    def sankey(self) -> Figure:
        """Annual amounts delivered, supplying firms -> carrier -> receiving firms.

        One panel per unit (energy in GWh, mass in t), so no two units share a scale.
        """
        links = links_of(self._result.exchanges)
        if links.empty:
            return _empty_figure("no exchange proposed: nothing flows")
        groups = [(unit, frame) for unit, frame in links.groupby("amount_unit", sort=True)]
        heights = [_alluvial_height(frame) for _, frame in groups]
        figure = _figure(figsize=(WIDTH_IN, sum(heights) + 0.6 * len(groups)))
        grid = figure.add_gridspec(len(groups), 1, height_ratios=heights, hspace=0.25)
        names = _firm_names(self._result.firms)
        for i, (unit, frame) in enumerate(groups):
            _alluvial(figure.add_subplot(grid[i]), frame, str(unit), names)
        return figure

    # -- per firm ---------------------------------------------------------------------
    def savings(self) -> Figure:
        """Each firm's annual saving (link costs split half and half), with its share of the park's."""
        firms = self._result.firms.copy()
        if firms.empty or firms["saving"].isna().all():
            return _empty_figure("no solution: no savings to show")
        firms = firms.sort_values("saving")
        scale, prefix = _money_scale(firms["saving"].abs().max())
        values = firms["saving"].to_numpy(dtype=float) / scale
        names = [short(n if isinstance(n, str) and n else f) for n, f in zip(firms["name"], firms["firm"],
                                                                             strict=True)]
        figure = _figure(figsize=(WIDTH_IN, 1.2 + 0.34 * len(firms)))
        ax = figure.subplots()
        ax.barh(range(len(firms)), values, color=["#009E73" if v >= 0 else "#D55E00" for v in values],
                height=0.65, zorder=2)
        ax.set_yticks(range(len(firms)), names, fontsize=9)
        span = max(abs(values).max(), 1e-9)
        ax.set_xlim(min(values.min(), 0) - 0.35 * span, max(values.max(), 0) + 0.35 * span)
        for y, (value, part) in enumerate(zip(values, firms["share_of_saving"], strict=True)):
            text = f"{number(value)}" + (f"  ({share(part)})" if pd.notna(part) else "")
            ax.text(value + (0.02 if value >= 0 else -0.02) * span, y, text, va="center",
                    ha="left" if value >= 0 else "right", fontsize=8)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_xlabel(f"annual saving, {prefix}{self._currency}/year (share of the park's saving)")
        ax.grid(True, axis="x", color="#e6e6e6", zorder=0)
        ax.set_title("saving per firm (each link's cost shared half and half)", fontsize=11, loc="left")
        figure.tight_layout()
        return figure

    # -- Pareto -----------------------------------------------------------------------
    def pareto(self, frame: pd.DataFrame) -> Figure:
        """Total annual cost against emissions (a frame with columns ``emissions``, ``total_cost``)."""
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"plot.pareto takes the frame of symbiosis.pareto(park), not "
                            f"{type(frame).__name__} {frame!r:.60}")
        missing = {"emissions", "total_cost"} - set(frame.columns)
        if missing:
            raise ValueError("a Pareto frame needs the columns emissions and total_cost; "
                             f"missing {sorted(missing)}")
        front = frame.sort_values("emissions")
        scale, prefix = _money_scale(front["total_cost"].abs().max())
        figure = _figure(figsize=(WIDTH_IN, 5.0))
        ax = figure.subplots()
        ax.plot(front["emissions"], front["total_cost"] / scale, marker="o", color="#0072B2", label="front")
        s = self._result.summary
        if self._result.has_solution:
            ax.scatter([s["emissions"]], [float(s["total_cost"]) / scale], s=90, marker="*", color="#D55E00",
                       zorder=3, label="this result")
        ax.set_xlabel("park emissions, t CO2/year")
        ax.set_ylabel(f"total annual cost, {prefix}{self._currency}/year")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.grid(True, color="#e6e6e6")
        ax.legend(frameon=False)
        ax.set_title("cost against CO2: each point the least cost at that emission limit", fontsize=11,
                     loc="left")
        figure.tight_layout()
        return figure

    # -- time profile -----------------------------------------------------------------
    def profile(self, largest: int = 5) -> Figure:
        """Rate delivered in each time step by the ``largest`` exchanges (by annual amount)."""
        result = self._result
        flows = result.flows
        top = result.exchanges.sort_values("annual_amount", ascending=False).head(largest)
        top = top[top["id"].isin(flows["id"])] if not flows.empty else top.iloc[0:0]
        if top.empty:
            return _empty_figure("no time-resolved flows")
        units = sorted({_rate_unit(c) for c in top["carrier"]})
        steps = flows.drop_duplicates("step")
        # A year of hours drawn hour by hour is a solid block (an audit: a night-and-day pipe's
        # 8,760 steps hid the store's line): by day, its mean and the band of its hours.
        by_day = len(steps) >= DAILY_FROM_STEPS and bool((steps["hours"] == 1).all())
        figure = _figure(figsize=(WIDTH_IN, 3.2 * len(units)))
        axes = figure.subplots(len(units), 1, squeeze=False, sharex=True)
        for ax, unit in zip(axes[:, 0], units, strict=True):
            for row in top.itertuples():
                if _rate_unit(row.carrier) != unit:
                    continue
                series = flows[flows["id"] == row.id].sort_values("step")
                if by_day:
                    days = series.groupby(series["step"] // 24)["delivered"]
                    line = ax.plot(days.mean().index, days.mean(), linewidth=0.9, label=_profile_label(row))
                    ax.fill_between(days.min().index, days.min(), days.max(), color=line[0].get_color(),
                                    alpha=0.2, linewidth=0)
                else:
                    ax.plot(series["step"], series["delivered"], linewidth=0.9, label=_profile_label(row))
            ax.set_ylabel(f"delivered, {unit}")
            ax.grid(True, color="#e6e6e6")
            ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
        if by_day:
            axes[-1, 0].set_xlabel("day of the year (line: the day's mean; band: its lowest to highest hour)")
        else:
            axes[-1, 0].set_xlabel(f"time step ({flows['step'].nunique()} steps covering "
                                   f"{number(steps['hours'].sum())} h)")
        axes[0, 0].set_title(f"time profile of the {len(top)} largest exchanges", fontsize=11, loc="left")
        figure.tight_layout()
        return figure


def _profile_label(row: Any) -> str:
    """Which exchange a line is: its streams, and by what (a pipe running today, a new one beside
    it and a heat pump may join the same two streams)."""
    today = ", existing" if bool(getattr(row, "existing", False)) else ""
    return short(f"{row.from_firm}.{row.from_stream} → {row.to_firm}.{row.to_stream} "
                 f"({row.technology}{today})", 80)


# -- helpers: map ---------------------------------------------------------------------
def _site_points(park: Park) -> dict[str, tuple[float, float, bool]]:
    """(x km, y km, is hub) of every firm and hub, centred on the park."""
    places = [(f.id, f.location, False) for f in park.firms.values()]
    places += [(h.id, h.location, True) for h in park.hubs.values()]
    if not places:
        return {}
    if places[0][1].is_geographic:
        lat0 = float(np.mean([loc.lat for _, loc, _ in places]))
        lon0 = float(np.mean([loc.lon for _, loc, _ in places]))
        k = math.pi / 180 * EARTH_RADIUS_KM
        return {site: ((loc.lon - lon0) * k * math.cos(math.radians(lat0)), (loc.lat - lat0) * k, hub)
                for site, loc, hub in places}
    x0 = float(np.mean([loc.x for _, loc, _ in places]))
    y0 = float(np.mean([loc.y for _, loc, _ in places]))
    return {site: (loc.x - x0, loc.y - y0, hub) for site, loc, hub in places}


def _site_name(park: Park, site: str) -> str:
    firm = park.firms.get(site)
    return firm.name if firm is not None and firm.name else site


def _own_assets(exchanges: pd.DataFrame) -> dict[str, str]:
    """Stores and electrolysers at one site: ``{site: 'storage'}``."""
    if exchanges.empty or "kind" not in exchanges.columns:
        return {}
    rows = exchanges[exchanges["kind"].isin(NOT_LINKS)]
    found: dict[str, list[str]] = {}
    for row in rows.itertuples():
        found.setdefault(row.from_firm, []).append(str(row.kind))
    return {site: ", ".join(sorted(set(kinds))) for site, kinds in found.items()}


def _line_widths(links: pd.DataFrame) -> list[float]:
    widths = []
    largest = links.groupby("amount_unit")["annual_amount"].max().to_dict() if not links.empty else {}
    for row in links.itertuples():
        top = largest.get(row.amount_unit) or 0
        widths.append(1.2 + 4.8 * (float(row.annual_amount) / top) ** 0.5 if top > 0 else 1.5)
    return widths


CLOSE_GROUP_SHARE = 0.06
"""A group of sites whose extent is below this share of the map's is drawn again, close up, beside
the map: Hofors-Borlänge's four Hofors sites within 1 km on a 50 km map were one blot, their
labels over each other and their links unseen (an audit)."""


def _close_groups(points: dict[str, tuple[float, float, bool]], most: int = 3) -> list[list[str]]:
    """Groups of at least two sites, each within a small share of the map's extent of the next
    (single linkage at :data:`CLOSE_GROUP_SHARE` of it), whose own extent is below that share:
    the ones a close-up makes readable, largest first (at most ``most``)."""
    names = list(points)
    if len(names) < 3:
        return []
    xy = np.array([points[name][:2] for name in names])
    span = max(float(np.ptp(xy[:, 0])), float(np.ptp(xy[:, 1])))
    if span <= 0:
        return []
    reach = CLOSE_GROUP_SHARE * span
    group = list(range(len(names)))  # union-find over the sites nearer than ``reach``

    def root(i: int) -> int:
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            if math.dist(xy[i], xy[j]) <= reach:
                group[root(i)] = root(j)
    members: dict[int, list[int]] = {}
    for i in range(len(names)):
        members.setdefault(root(i), []).append(i)
    found = [[names[i] for i in indices] for indices in members.values() if len(indices) >= 2
             and max(float(np.ptp(xy[indices, 0])), float(np.ptp(xy[indices, 1]))) < reach]
    return sorted(found, key=len, reverse=True)[:most] if len(members) > 1 else []


def _draw_links(ax: Axes, links: pd.DataFrame, widths: Sequence[float],
                points: dict[str, tuple[float, float, bool]]) -> list[str]:
    """The links as arrows from supplier to receiver (several between two sites bent apart); the
    carriers drawn, in order."""
    pairs: dict[tuple[str, str], int] = {}
    carriers_drawn: list[str] = []
    for row, width in zip(links.itertuples(), widths, strict=True):
        start, end = points.get(row.from_firm), points.get(row.to_firm)
        if start is None or end is None or row.from_firm == row.to_firm:
            continue
        key = tuple(sorted((row.from_firm, row.to_firm)))
        count = pairs.get(key, 0)
        pairs[key] = count + 1
        bend = 0.15 * (1 + count // 2) * (1 if count % 2 == 0 else -1)
        ax.add_patch(FancyArrowPatch(
            start[:2], end[:2], connectionstyle=f"arc3,rad={bend}", arrowstyle="-|>",
            mutation_scale=8 + 2 * width, linewidth=width, color=colour(row.carrier), alpha=0.8,
            linestyle="--" if getattr(row, "existing", False) else "-", shrinkA=6, shrinkB=6, zorder=2))
        if row.carrier not in carriers_drawn:
            carriers_drawn.append(row.carrier)
    return carriers_drawn


def _draw_sites(ax: Axes, points: dict[str, tuple[float, float, bool]], own: dict[str, str],
                far: dict[str, str]) -> None:
    """Firms as circles, hubs as squares, far sites as diamonds; grey where an asset of its own
    (a store, a unit) is built."""
    for site, (x, y, is_hub) in points.items():
        marker = "D" if site in far else "s" if is_hub else "o"
        ax.scatter([x], [y], s=60, marker=marker, facecolor="#dddddd" if site in own else "white",
                   edgecolor="black", linewidth=1.2, zorder=3)


def _fold_far_sites(points: dict[str, tuple[float, float, bool]]
                    ) -> tuple[dict[str, tuple[float, float, bool]], dict[str, str], float]:
    """Move sites far beyond the others to the edge of the park's core, keeping their direction.

    Returns the positions to draw, ``{site: '7.7 km NNE'}`` for the moved sites, and the
    radius beyond which a site was moved (km).
    """
    if len(points) < 3:
        return dict(points), {}, math.inf
    xy = np.array([p[:2] for p in points.values()])
    centre = np.median(xy, axis=0)
    distance = np.hypot(*(xy - centre).T)
    radius = max(2.5 * float(np.quantile(distance, 0.75)), 0.3)
    if distance.max() <= 1.5 * radius:
        return dict(points), {}, math.inf
    drawn, far = {}, {}
    core = xy[distance <= radius].mean(axis=0)
    for (site, (x, y, hub)), d in zip(points.items(), distance, strict=True):
        if d > radius:
            dx, dy = (x - centre[0]) / d, (y - centre[1]) / d
            drawn[site] = (centre[0] + dx * radius - core[0], centre[1] + dy * radius - core[1], hub)
            far[site] = f"{d:.1f} km {_compass(dx, dy)}"
        else:
            drawn[site] = (x - core[0], y - core[1], hub)
    return drawn, far, radius


def _compass(dx: float, dy: float) -> str:
    names = ("E", "ENE", "NE", "NNE", "N", "NNW", "NW", "WNW",
             "W", "WSW", "SW", "SSW", "S", "SSE", "SE", "ESE")
    return names[round(math.degrees(math.atan2(dy, dx)) / 22.5) % 16]


def _set_limits(ax: Axes, xs: np.ndarray, ys: np.ndarray, ratio: float = 1.6) -> None:
    """Limits around the sites with room for labels, widened to ``ratio`` (width / height)."""
    span = max(float(np.ptp(xs)) if len(xs) else 0.0, float(np.ptp(ys)) if len(ys) else 0.0, 0.2)
    pad = 0.12 * span
    x0, x1 = float(xs.min()) - pad, float(xs.max()) + pad
    y0, y1 = float(ys.min()) - pad, float(ys.max()) + pad
    width, height = x1 - x0, y1 - y0
    if width < ratio * height:
        grow = (ratio * height - width) / 2
        x0, x1 = x0 - grow, x1 + grow
    else:
        grow = (width / ratio - height) / 2
        y0, y1 = y0 - grow, y1 + grow
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)


def _spread_labels(ax: Axes, items: Sequence[tuple[float, float, str]], rounds: int = 300) -> None:
    """Label points without overlapping text: each label starts beside its point (on the side
    with more room), overlapping labels are pushed apart vertically in screen space and kept
    inside the axes; a thin leader line joins a label moved off its point."""
    if not items:
        return
    figure = ax.figure
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    box = ax.get_window_extent(renderer)
    anchors = np.array([ax.transData.transform((x, y)) for x, y, _ in items])
    right = anchors[:, 0] < box.x0 + 0.62 * box.width
    texts = [ax.text(x, y, label, fontsize=8, va="center", ha="left" if r else "right", zorder=4,
                     bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none",
                           "alpha": 0.85})
             for (x, y, label), r in zip(items, right, strict=True)]
    sizes = np.array([[t.get_window_extent(renderer).width + 8, t.get_window_extent(renderer).height + 3]
                      for t in texts])
    # Lower-left corners of the label boxes in screen pixels.
    left = np.where(right, anchors[:, 0] + 7, anchors[:, 0] - 7 - sizes[:, 0])
    bottom = anchors[:, 1] - sizes[:, 1] / 2
    for _ in range(rounds):
        moved = False
        order = np.argsort(bottom)
        for a_index, i in enumerate(order):
            for j in order[a_index + 1:]:
                overlap_x = min(left[i] + sizes[i, 0], left[j] + sizes[j, 0]) - max(left[i], left[j])
                overlap_y = bottom[i] + sizes[i, 1] - bottom[j]
                if overlap_x > 0 and overlap_y > 0:
                    bottom[i] -= overlap_y / 2 + 0.5
                    bottom[j] += overlap_y / 2 + 0.5
                    moved = True
        bottom = np.clip(bottom, box.y0 + 2, box.y1 - sizes[:, 1] - 2)
        if not moved:
            break
    to_data = ax.transData.inverted()
    for i, text in enumerate(texts):
        edge = left[i] if right[i] else left[i] + sizes[i, 0]
        x, y = to_data.transform((edge + (4 if right[i] else -4), bottom[i] + sizes[i, 1] / 2))
        text.set_position((x, y))
        if abs(bottom[i] + sizes[i, 1] / 2 - anchors[i, 1]) > 0.6 * sizes[i, 1]:
            ax_x, ax_y = to_data.transform(anchors[i])
            ax.plot([ax_x, x], [ax_y, y], color="#888888", linewidth=0.5, zorder=1)


# -- helpers: alluvial ---------------------------------------------------------------
NODE_W = 0.16  # inches
GAP = 0.30  # inches between nodes: at least one 8 pt text line
SCALE_IN = 3.2  # inches for the largest column total


def _alluvial_scale(frame: pd.DataFrame) -> tuple[int, float]:
    """Most nodes in one column, and the inches given to a column's total amount."""
    counts = max(frame["from_firm"].nunique(), frame["to_firm"].nunique(), frame["carrier"].nunique())
    return counts, min(SCALE_IN, max(1.2, 0.6 * counts))


def _alluvial_height(frame: pd.DataFrame) -> float:
    counts, inches = _alluvial_scale(frame)
    return inches + GAP * counts + 0.4


def _firm_names(firms: pd.DataFrame) -> dict[str, str]:
    if "name" not in firms.columns:
        return {}
    return {str(f): str(n) for f, n in zip(firms["firm"], firms["name"], strict=True)
            if isinstance(n, str) and n}


def _alluvial(ax: Axes, frame: pd.DataFrame, unit: str, names: dict[str, str]) -> None:
    """Three columns of nodes (suppliers, carriers, receivers) joined by bezier bands."""
    big = unit in ("MWh", "t") and frame["annual_amount"].sum() >= (1000 if unit == "MWh" else 10000)
    shown_unit = {"MWh": "GWh", "t": "kt"}.get(unit, unit) if big else unit
    factor = 1000.0 if big else 1.0
    frame = frame.assign(value=frame["annual_amount"].astype(float) / factor)
    total = float(frame["value"].sum())
    scale = _alluvial_scale(frame)[1] / total if total > 0 else 0.0
    columns = {
        "left": frame.groupby("from_firm")["value"].sum().sort_values(ascending=False),
        "middle": frame.groupby("carrier")["value"].sum().sort_values(ascending=False),
        "right": frame.groupby("to_firm")["value"].sum().sort_values(ascending=False),
    }
    xs = {"left": 3.0, "middle": 5.0 - NODE_W / 2, "right": 7.0 - NODE_W}
    tallest = max(sum(max(v * scale, 0.03) for v in col) + GAP * (len(col) - 1) for col in columns.values())
    nodes: dict[tuple[str, str], list[float]] = {}  # (column, name) -> [bottom, top, used_out, used_in]
    for side, values in columns.items():
        height = sum(max(v * scale, 0.03) for v in values) + GAP * (len(values) - 1)
        top = tallest - (tallest - height) / 2
        for name, value in values.items():
            h = max(value * scale, 0.03)
            nodes[(side, str(name))] = [top - h, top, 0.0, 0.0]
            node_colour = colour(name) if side == "middle" else "#444444"
            ax.add_patch(Rectangle((xs[side], top - h), NODE_W, h, facecolor=node_colour, edgecolor="none"))
            label = f"{short(names.get(str(name), name), 28)}  {number(value)}"
            if side == "left":
                ax.text(xs[side] - 0.08, top - h / 2, label, ha="right", va="center", fontsize=8)
            elif side == "right":
                ax.text(xs[side] + NODE_W + 0.08, top - h / 2, label, ha="left", va="center", fontsize=8)
            else:
                # on a white ground: a carrier's label sits in the gap above its node, where the
                # bands into and out of the node above pass (Herøya's "steam" over the heat bands)
                ax.text(xs[side] + NODE_W / 2, top + 0.04, f"{name}: {number(value)}", ha="center",
                        va="bottom", fontsize=8, fontweight="bold", zorder=3,
                        bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none", "pad": 1.0})
            top -= h + GAP
    for row in frame.sort_values("value", ascending=False).itertuples():
        h = row.value * scale
        _band(ax, nodes[("left", str(row.from_firm))], nodes[("middle", str(row.carrier))], h,
              xs["left"] + NODE_W, xs["middle"], colour(row.carrier))
        _band(ax, nodes[("middle", str(row.carrier))], nodes[("right", str(row.to_firm))], h,
              xs["middle"] + NODE_W, xs["right"], colour(row.carrier))
    ax.set_xlim(0, WIDTH_IN)
    ax.set_ylim(-0.1, tallest + 0.3)
    ax.axis("off")
    ax.set_title(f"annual amount delivered, {shown_unit}/year: supplying firms → carrier → receiving firms",
                 fontsize=10, loc="left")


def _band(ax: Axes, source: list[float], target: list[float], h: float, x0: float, x1: float,
          band_colour: str) -> None:
    y0 = source[1] - source[2]
    y1 = target[1] - target[3]
    source[2] += h
    target[3] += h
    mid = (x0 + x1) / 2
    path = MplPath(
        [(x0, y0), (mid, y0), (mid, y1), (x1, y1), (x1, y1 - h), (mid, y1 - h), (mid, y0 - h), (x0, y0 - h),
         (x0, y0)],
        [MplPath.MOVETO, MplPath.CURVE4, MplPath.CURVE4, MplPath.CURVE4, MplPath.LINETO, MplPath.CURVE4,
         MplPath.CURVE4, MplPath.CURVE4, MplPath.CLOSEPOLY])
    ax.add_patch(PathPatch(path, facecolor=band_colour, edgecolor="none", alpha=0.45))


# -- helpers: other -------------------------------------------------------------------
def _money_scale(largest: float) -> tuple[float, str]:
    if not np.isfinite(largest):
        return 1.0, ""
    for limit, prefix in ((1e9, "bn "), (1e6, "M "), (1e3, "k ")):
        if largest >= limit:
            return limit, prefix
    return 1.0, ""


def _rate_unit(carrier: str) -> str:
    return "MW" if str(carrier) in ("heat", "steam", "electricity") else "t/h"


def _empty_figure(message: str) -> Figure:
    figure = _figure(figsize=(WIDTH_IN, 1.2))
    ax = figure.subplots()
    ax.axis("off")
    ax.text(0.5, 0.5, textwrap.fill(message, 90), ha="center", va="center", fontsize=10)
    return figure
