"""Fuzzed park files: every mutation of the example parks ends in a valid answer or a ParkError.

The example parks (``parks/*/park.yaml`` with their profiles) are copied to a temporary folder and
mutated: keys dropped, duplicated, misspelt and retyped; units swapped; numbers made extreme,
negative, NaN or infinite; files emptied, blown up, re-encoded or replaced by garbage; profiles
broken. Every run of ``load_park`` must end in a ``Park`` or in a ``ParkError`` whose every
problem names its file, field, what was found and what was expected; never another exception and
never a hang. Parks that load are (a sampled share of them) solved on annual time with a 10 s limit
and must give a result with a solution that passed its audit.

Reproducible: ``derandomize=True`` fixes the examples. ``SYMBIOSIS_FUZZ_SCALE=20 pytest
tests/test_fuzz.py`` tries twenty times as many (and new ones with ``SYMBIOSIS_FUZZ_RANDOM=1``).
"""

from __future__ import annotations

import math
import os
import re
import shutil
import signal
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import PARKS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import symbiosis
from symbiosis.park import ParkError

SCALE = float(os.environ.get("SYMBIOSIS_FUZZ_SCALE", "1"))
RANDOM = os.environ.get("SYMBIOSIS_FUZZ_RANDOM", "") not in ("", "0")
LOAD_EXAMPLES = max(1, round(120 * SCALE))  # mutated park files per CI run, only loaded
SOLVE_EXAMPLES = max(1, round(40 * SCALE))  # mutated park files per CI run, loaded and solved
SOLVE_SHARE = 4  # in the load test, one loaded park in this many is solved too
EXAMPLE_SECONDS = 60  # no single example may take longer: a hang fails the test
FUZZ = dict(deadline=None, derandomize=not RANDOM, database=None, print_blob=True,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                   HealthCheck.function_scoped_fixture])

EXAMPLES = sorted(p for p in PARKS.iterdir() if (p / "park.yaml").is_file())
SOURCES = {p.name: yaml.safe_load((p / "park.yaml").read_text(encoding="utf-8")) for p in EXAMPLES}
FOLDERS = {p.name: p for p in EXAMPLES}

QUANTITY = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*)$")
UNITS = ["kg", "bar", "degC", "degF", "K", "GWh/year", "kWh/year", "MW", "W", "t/year", "kg/h", "Nm3/h",
         "NOK/kWh", "EUR/MWh", "SEK/t", "%", "m", "km", "m/s", "furlong", "year", "h", "", "1/km",
         "NOK/t", "kW/K", "degC/year", "GWh", "t", "pints", "µs", "kg/kWh"]
NUMBERS = ["0", "-0", "-1", "-1e9", "1e308", "-1e308", "1e-308", "5e-324", "1e400", "-1e400", "nan", "NaN",
           "inf", "-inf", "1e30", "1e-30", "0.000001", "123456789012345678901234567890", "1_000", "0x10",
           "1e", ".", "-", "1.2.3", "١٢"]
SCALES = [0.0, -1.0, 1e-12, 1e-9, 1e-6, 1e-3, 0.5, 2.0, 1e3, 1e6, 1e9, 1e12]
ODD_VALUES: list[Any] = [None, True, False, 0, -1, 1.5, -1e308, 1e308, math.nan, math.inf, -math.inf, "",
                         " ", "text", "12", "-5 %", "🏭", "x" * 5000, [], [1, "a"], {}, {"a": 1},
                         {"park": None}, [[[]]], "2024-01-01", "null", "~", "yes", "!!binary"]
KEYS = ["park", "routes", "firms", "streams", "amount", "temperature", "current", "direction",
        "carrier", "price", "location", "lat", "x", "profile", "time", "currency", "from", "material",
        "zzz", "", "0", "Amount", "temperatur", "amout", "firms ", "<<"]


# -- mutations -----------------------------------------------------------------------------------
def paths(node: Any, prefix: tuple = ()) -> Iterator[tuple]:
    """Every place in the data: mappings' keys and lists' items, depth first."""
    if prefix:
        yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from paths(value, (*prefix, i))


def parent_of(data: Any, path: tuple) -> Any:
    for key in path[:-1]:
        data = data[key]
    return data


def mutate_data(draw: Any, data: dict, kinds: list[str]) -> list[str]:
    """Apply one mutation of a kind in ``kinds`` at a drawn place of ``data``; describe it."""
    places = list(paths(data))
    if not places:
        return []
    kind = draw(st.sampled_from(kinds))
    if kind in ("unit", "number", "scale"):
        quantities = [p for p in places if isinstance(parent_of(data, p)[p[-1]], str | int | float)
                      and not isinstance(parent_of(data, p)[p[-1]], bool)
                      and QUANTITY.match(str(parent_of(data, p)[p[-1]]))]
        places = quantities or places
    path = draw(st.sampled_from(places))
    parent, key = parent_of(data, path), path[-1]
    value = parent[key]
    if kind == "drop":
        del parent[key]
    elif kind == "retype":
        parent[key] = draw(st.sampled_from(ODD_VALUES) | st.integers() | st.floats() | st.text(max_size=20))
    elif kind == "rename" and isinstance(parent, dict):
        new = draw(st.sampled_from(KEYS) | st.text(min_size=1, max_size=12))
        parent.pop(key)
        parent.setdefault(new, value)
    elif kind == "copy" and isinstance(parent, dict):  # a second entry of the same content
        parent[f"{key}_copy" if isinstance(key, str) else key] = _clone(value)
    elif kind == "copy" and isinstance(parent, list):
        parent.append(_clone(value))
    elif kind in ("unit", "number", "scale"):
        match = QUANTITY.match(str(value))
        number, unit = match.groups() if match else (str(value), "")
        if kind == "unit":
            unit = draw(st.sampled_from(UNITS))
        elif kind == "scale" and match:  # a valid number, but far from the usual
            number = repr(float(number) * draw(st.sampled_from(SCALES)))
        else:
            number = draw(st.sampled_from(NUMBERS) | st.floats().map(repr) | st.integers().map(str))
        parent[key] = f"{number} {unit}".strip() if unit or isinstance(value, str) else _number(number)
    return [f"{kind} at {'.'.join(map(str, path))}"]


def _clone(value: Any) -> Any:
    return yaml.safe_load(yaml.safe_dump(value))


def _number(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def mutate_text(draw: Any, text: str) -> tuple[bytes, str]:
    """A text-level mutation of a park file: the bytes to write and what was done."""
    lines = text.splitlines(keepends=True)
    kind = draw(st.sampled_from(["duplicate_line", "delete_line", "truncate", "tab", "latin-1", "utf-16",
                                 "utf-32", "cp1252", "garbage", "insert_garbage", "empty", "blank", "huge",
                                 "aliases", "deep", "python_object", "nul"]))
    line = draw(st.integers(0, max(0, len(lines) - 1)))
    if kind == "duplicate_line" and lines:
        lines.insert(line, lines[line])
    elif kind == "delete_line" and lines:
        del lines[line]
    elif kind == "truncate":
        return text.encode()[: draw(st.integers(0, len(text.encode())))], kind
    elif kind == "tab" and lines:
        lines[line] = "\t" + lines[line].lstrip(" ")
    elif kind in ("latin-1", "cp1252"):
        accented = text.replace("name: ", "name: Borlänge Herøya ", 1)
        return accented.encode(kind, errors="replace"), kind
    elif kind in ("utf-16", "utf-32"):
        return text.encode(kind), kind
    elif kind == "garbage":
        return draw(st.binary(max_size=4096)), kind
    elif kind == "insert_garbage":
        raw = text.encode()
        at = draw(st.integers(0, len(raw)))
        return raw[:at] + draw(st.binary(min_size=1, max_size=64)) + raw[at:], kind
    elif kind == "empty":
        return b"", kind
    elif kind == "blank":
        return b"\n  \n# only a comment\n", kind
    elif kind == "huge":  # past the size a park file may have
        return text.encode() + (b"# padding " + b"y" * 90 + b"\n") * 120_000, kind  # 12 MB
    elif kind == "aliases":  # a 'billion laughs': aliases that expand a thousand-million-fold
        bomb = ["laugh0: &l0 [ha, ha, ha, ha, ha, ha, ha, ha, ha, ha]"]
        bomb += [f"laugh{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 10)]
        return (text + "\n" + "\n".join(bomb) + "\n").encode(), kind
    elif kind == "deep":
        depth = draw(st.sampled_from([200, 2000, 20_000]))
        nest = "[" * depth + "]" * depth if draw(st.booleans()) else "{a: " * depth + "1" + "}" * depth
        return (text + f"\nextra: {nest}\n").encode(), kind
    elif kind == "python_object":  # YAML that would run a program if read unsafely
        evil = '!!python/object/apply:os.system ["touch PWNED"]'
        lines.insert(line, f"pwned: {evil}\n")
        lines.append(f"also: {evil.replace('os.system', 'subprocess.call')}\n")
    elif kind == "nul":
        lines.insert(line, "name\x00: x\n")
    return "".join(lines).encode(), kind


PROFILE_KINDS = ("length", "text", "negative", "nan", "inf", "empty", "zeros", "huge_values", "tiny_values",
                 "utf-16", "latin-1", "garbage", "semicolons", "many_rows", "folder", "missing",
                 "header_only", "resample", "spike")
VALID_PROFILE_KINDS = ("huge_values", "tiny_values", "semicolons", "resample", "spike")


def broken_profile(draw: Any, folder: Path, kinds: tuple[str, ...] = PROFILE_KINDS) -> str:
    """Break (or bend) one profile of the park in ``folder``; describe how."""
    files = sorted(path for path in (folder / "profiles").glob("*.csv") if path.is_file())
    if not files:
        return "no profiles"
    path = draw(st.sampled_from(files))
    values = path.read_bytes().decode("utf-8", errors="replace").split() or ["1"]
    if len(values) > 1 and not QUANTITY.match(values[0]):
        values = values[1:]  # the header line
    kind = draw(st.sampled_from(kinds))
    row = min(draw(st.integers(1, 8759)), len(values) - 1)
    if kind == "length":
        n = draw(st.integers(0, 20_000).filter(lambda n: n not in (8760, 8784, 365, 366, 12, 168, 24)))
        values = (values * 3)[:n]
    elif kind == "text":
        values[row] = draw(st.sampled_from(["abc", "1,5", "12 %", "1e", "--1", "True", "None", "\"3\""]))
    elif kind == "negative":
        values[row] = draw(st.sampled_from(["-1", "-1e-9", "-0.5", "-1e300"]))
    elif kind in ("nan", "inf"):
        values[row] = draw(st.sampled_from(["nan", "NaN", "inf", "-inf", "1e400"] if kind == "inf"
                                           else ["nan", "NaN", "-nan"]))
    elif kind == "empty":
        values = []
    elif kind == "zeros":
        values = ["0"] * 8760
    elif kind == "huge_values":
        values = [draw(st.sampled_from(["1e308", "1.7e308", "1e300"]))] * draw(st.sampled_from([24, 8760]))
    elif kind == "tiny_values":
        values = ["5e-324"] * 8760
    elif kind == "resample":  # another accepted length: a day, a week, months, days, a leap year
        values = (values * 2)[: draw(st.sampled_from([24, 168, 12, 365, 366, 8784]))]
    elif kind == "spike":  # all in one hour
        values = ["0"] * 8760
        values[row] = draw(st.sampled_from(["1", "1e-300", "1e300"]))
    elif kind == "many_rows":
        values = values[:8760] * 300  # 2.6 million rows
    if kind == "utf-16":
        path.write_bytes("\n".join(values).encode("utf-16"))
    elif kind == "latin-1":
        path.write_bytes(("värde\n" + "\n".join(values)).encode("latin-1", errors="replace"))
    elif kind == "garbage":
        path.write_bytes(draw(st.binary(max_size=2048)))
    elif kind == "semicolons":
        rows = "\n".join(f"{i};{v}" for i, v in enumerate(values))
        path.write_text("hour;value\n" + rows, encoding="utf-8")
    elif kind == "folder":
        path.unlink()
        path.mkdir()
    elif kind == "missing":
        path.unlink()
    elif kind == "header_only":
        path.write_text("value\n", encoding="utf-8")
    else:
        path.write_text("\n".join(values) + "\n", encoding="utf-8")
    return f"profile {path.name}: {kind}"


@st.composite
def mutated_parks(draw: Any, kinds: tuple[str, ...] = ("data", "text", "profile"),
                  data_kinds: tuple[str, ...] = ("drop", "retype", "rename", "copy", "unit", "number",
                                                 "scale")
                  ) -> tuple[str, bytes | dict, list[str]]:
    """(example park, its park.yaml as bytes or as data, the mutations done); profiles are broken
    later, in the copied folder (``profile`` in the mutations)."""
    name = draw(st.sampled_from(sorted(SOURCES)))
    data = _clone(SOURCES[name])
    done: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        what = draw(st.sampled_from(kinds))
        if what == "data":
            done += mutate_data(draw, data, list(data_kinds))
        elif what == "profile":
            done.append("profile")
    if "text" in kinds and draw(st.integers(0, 3)) == 0:
        raw, kind = mutate_text(draw, yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
        return name, raw, [*done, kind]
    return name, data, done


# -- checks --------------------------------------------------------------------------------------
@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Fail (rather than hang) when the block takes longer than ``seconds``."""
    def alarm(signum: int, frame: Any) -> None:
        raise TimeoutError(f"one fuzzed park took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def write_case(root: Path, name: str, content: bytes | dict, done: list[str], draw: Any,
               profile_kinds: tuple[str, ...]) -> Path:
    folder = Path(tempfile.mkdtemp(dir=root))
    shutil.copytree(FOLDERS[name] / "profiles", folder / "profiles")
    raw = content if isinstance(content, bytes) else yaml.safe_dump(
        content, sort_keys=False, allow_unicode=True).encode()
    (folder / "park.yaml").write_bytes(raw)
    for i, what in enumerate(done):
        if what == "profile":
            done[i] = broken_profile(draw, folder, profile_kinds)
    return folder


def check_error(exc: ParkError, done: list[str]) -> None:
    assert exc.problems, f"a ParkError without problems after {done}"
    for problem in exc.problems:
        for key in ("file", "field", "found", "expected"):
            value = getattr(problem, key)
            assert isinstance(value, str) and value.strip(), f"{key} empty in {problem!r} after {done}"
    assert str(exc)


def check_solution(folder: Path, done: list[str]) -> symbiosis.Result | None:
    """Solve the park in ``folder`` on annual time: a solution that passed its audit, or a ParkError."""
    try:
        park = symbiosis.load_park(folder, overrides={"park.time": "annual"})
    except ParkError as exc:
        check_error(exc, done)
        return None
    result = symbiosis.optimize(park, time_limit=10)
    assert result.status in ("optimal", "time_limit"), f"{result.status} after {done}"
    assert result.has_solution, f"no solution after {done}: {result.summary.get('solver_message')}"
    assert result.summary["audit"] == "passed", done
    for key in ("total_cost", "baseline_cost", "saving", "emissions", "baseline_emissions"):
        assert math.isfinite(float(result.summary[key])), f"{key} not finite after {done}"
    baseline = float(result.summary["baseline_cost"])
    assert result.total_cost <= baseline + 1e-6 * abs(baseline) + 1e-6, done  # doing nothing is allowed
    return result


def run_case(root: Path, case: tuple, draw: Any, tried: Counter, *, solve: bool,
             profile_kinds: tuple[str, ...] = PROFILE_KINDS) -> None:
    name, content, done = case
    done = list(done)
    folder = write_case(root, name, content, done, draw, profile_kinds)
    tried["cases"] += 1
    start = time.perf_counter()
    try:
        with time_limit(EXAMPLE_SECONDS):
            try:
                symbiosis.load_park(folder)
            except ParkError as exc:
                check_error(exc, done)
                tried["park_error"] += 1
                return
            tried["loaded"] += 1
            if solve:
                tried["solved"] += 1
                check_solution(folder, done)
    finally:
        if time.perf_counter() - start > 3:
            print(f"slow: {time.perf_counter() - start:.1f} s for {name} after {done}")
        assert not (folder / "PWNED").exists() and not Path("PWNED").exists(), "YAML ran a command"
        shutil.rmtree(folder, ignore_errors=True)


# -- the tests -----------------------------------------------------------------------------------
def test_mutated_park_files_load_or_say_why(tmp_path: Path) -> None:
    """Every mutation (data, text, encodings, profiles) ends in a Park or a complete ParkError; a
    share of the parks that load is solved and audited."""
    tried: Counter = Counter()

    @settings(max_examples=LOAD_EXAMPLES, **FUZZ)
    @given(case=mutated_parks(), data=st.data())
    def run(case: tuple, data: st.DataObject) -> None:
        solve = tried["loaded"] % SOLVE_SHARE == SOLVE_SHARE - 1
        run_case(tmp_path, case, data.draw, tried, solve=solve)

    run()
    print(f"\nfuzz (load): {dict(tried)}")
    assert tried["cases"] >= LOAD_EXAMPLES
    assert tried["park_error"] > 0 and tried["loaded"] > 0  # both outcomes were exercised


def test_mutated_numbers_and_units_solve_or_say_why(tmp_path: Path) -> None:
    """Numbers, units and profiles mutated (so that many parks still load): each loaded park is
    solved on annual time with a 10 s limit and must give an audited solution."""
    tried: Counter = Counter()

    @settings(max_examples=SOLVE_EXAMPLES, **FUZZ)
    @given(case=mutated_parks(kinds=("data", "data", "profile"),
                              data_kinds=("scale", "scale", "drop", "number")), data=st.data())
    def run(case: tuple, data: st.DataObject) -> None:
        run_case(tmp_path, case, data.draw, tried, solve=True, profile_kinds=VALID_PROFILE_KINDS)

    run()
    print(f"\nfuzz (solve): {dict(tried)}")
    assert tried["cases"] >= SOLVE_EXAMPLES
    assert tried["solved"] > 0


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_unmutated_examples_load(name: str) -> None:
    """The fuzzer's starting points are themselves valid parks."""
    assert symbiosis.load_park(FOLDERS[name]).firms
