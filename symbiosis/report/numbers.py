"""Numbers for people: money in k/M/bn, annual amounts in GWh or kt, shares in %."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any


def is_number(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def number(value: Any, digits: int = 3) -> str:
    """Thousands separators above 100, ``digits`` significant digits below; '-' when missing."""
    if not is_number(value):
        return "-"
    value = float(value)
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) < 1e-9:  # solver noise
        return "0"
    return f"{value:,.{digits}g}"


def money(value: Any, currency: str, *, per_year: bool = False) -> str:
    """``60.8 M NOK`` (``/year`` when ``per_year``)."""
    if not is_number(value):
        return "-"
    value = float(value)
    suffix = f" {currency}" + ("/year" if per_year else "")
    for limit, unit in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"{_half_up(value / limit, _decimals(value / limit)):,} {unit}{suffix}"
    return f"{_half_up(value, 0):,}{suffix}"


def _half_up(value: float, decimals: int) -> Decimal:
    """``value`` rounded half away from zero as its shortest decimal reads: 17,650,000 NOK is
    17.7 M whether it came from a file or from a sum 1e-7 above it (binary 17.65 is 17.6499...,
    so one table said 17.6 M and another 17.7 M; an audit)."""
    return Decimal(repr(round(value, 9))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _decimals(scaled: float) -> int:
    return 2 if abs(scaled) < 10 else 1 if abs(scaled) < 100 else 0


def annual(value: Any, unit: str) -> str:
    """Annual energy (MWh) or mass (t) in the largest readable unit."""
    if not is_number(value):
        return "-"
    value = float(value)
    if unit == "MWh" and abs(value) >= 1000:
        return f"{number(value / 1000)} GWh/year"
    if unit == "t" and abs(value) >= 10000:
        return f"{number(value / 1000)} kt/year"
    return f"{number(value)} {unit}/year"


def tonnes(value: Any) -> str:
    return "-" if not is_number(value) else f"{number(value)} t CO2/year"


def share(value: Any) -> str:
    return "-" if not is_number(value) else f"{100 * float(value):.1f} %"


def gap(value: Any) -> str:
    """A relative MIP gap: ``0.0084 %``; below 0.0001 % it is the solver's round-off (a proven
    optimum read ``3.6e-14 %``), so ``0 %``."""
    if not is_number(value):
        return "-"
    percent = 100 * float(value)
    return "0 %" if abs(percent) < 1e-4 else f"{percent:.2g} %"


def years(value: Any) -> str:
    """``4.2 years``; under a year to two significant digits (``0.03 years``, not ``0.0 years``)."""
    if not is_number(value):
        return "never" if value is not None and str(value) in ("inf", "infinity") else "-"
    value = float(value)
    return f"{value:.2g} years" if 0 < value < 1 else f"{value:.1f} years"


# The solver's status in a reader's words (the codes stay in the result files and the JSON).
STATUS_WORDS = {"optimal": "optimal", "time_limit": "stopped at the time limit", "infeasible": "infeasible",
                "unbounded": "unbounded", "error": "solver error"}


def status_words(status: Any, solved: bool = True) -> str:
    """``stopped at the time limit``, and ``(no answer)`` when it found none."""
    words = STATUS_WORDS.get(str(status), str(status))
    return words if solved or status in ("infeasible", "unbounded") else f"{words} (no answer)"


def signed(value: float, formatter) -> str:
    """A change with its sign: ``+1.2 M NOK``."""
    text = formatter(value)
    return text if text.startswith(("-", "−")) or text == "-" else "+" + text


def worse_off_note(worse_off: Any, currency: str, park_saving: float) -> str:
    """A sentence naming the firms the half-and-half split leaves worse off (``Result.worse_off``),
    and where to find a split that does not; '' when there is none. A park that saves nothing as a
    whole (an answer for emissions, or under a cap) is told so: no split leaves every firm whole."""
    if worse_off is None or len(worse_off) == 0:
        return ""
    named = ", ".join(f"{row.name if isinstance(row.name, str) and row.name else row.firm} "
                      f"({money(-row.saving, currency, per_year=True)})" for row in worse_off.itertuples())
    start = (f"Under the half-and-half split {named} end{'s' if len(worse_off) == 1 else ''} worse off than "
             "today: an exchange running today carries less, a link costs more than its half of the "
             "saving, or a store of its own costs more, or loses more, than it gains it. ")
    if park_saving > 0:
        return start + ("The park still gains; symbiosis share gives each firm a share of it (Shapley "
                        "value) checked to leave every firm at least as well off as alone.")
    return start + (f"The park as a whole pays {money(-park_saving, currency, per_year=True)} more than "
                    "today (this answer cuts emissions, not cost), so no split of the cost leaves every firm "
                    "as well off as today.")
