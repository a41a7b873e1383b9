"""The package layout works the same from an editable install and from a wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import symbiosis
import symbiosis.models
import symbiosis.solvers

REPO = Path(__file__).resolve().parent.parent


def test_models_and_solvers_come_from_their_own_folders() -> None:
    assert Path(symbiosis.models.__file__).parent == REPO / "models"
    assert Path(symbiosis.solvers.__file__).parent == REPO / "solvers"
    assert Path(symbiosis.__file__).parent == REPO / "symbiosis"


def test_catalogue_ships_with_the_package() -> None:
    from symbiosis.park import raw_catalogue

    assert "hot_water_pipe" in raw_catalogue()


@pytest.mark.slow
def test_wheel_holds_every_subpackage_and_runs(tmp_path: Path) -> None:
    """Build a wheel, install it into a fresh environment (dependencies from this one), import
    ``symbiosis.models`` from there and solve a tiny model."""
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
                   check=True)
    wheel = next(tmp_path.glob("symbiosis-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for package in ("symbiosis/models/build.py", "symbiosis/solvers/highs.py",
                    "symbiosis/data/catalogue.yaml", "symbiosis/park/schema.py",
                    "symbiosis/cli/optimize.py", "symbiosis/py.typed"):
        assert package in names
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(wheel)],
                   check=True)
    probe = ("import symbiosis.models, symbiosis.solvers, pathlib;"
             "from symbiosis.cli.doctor import check_solver;"
             "print(pathlib.Path(symbiosis.models.__file__).parent.parent.parent.name);"
             "print(check_solver('highs')[0])")
    out = subprocess.run([str(python), "-c", probe], check=True, capture_output=True, text=True,
                         cwd=tmp_path).stdout.split()
    assert out == ["site-packages", "True"]


@pytest.mark.parametrize("code", [
    # HiGHS's own process and the worker beside branch and bound: arrays in, arrays out
    "import symbiosis.solvers.deadline, symbiosis.solvers.concurrent, symbiosis.solvers.highs",
    # the command line before a command runs (--version, --help of the group)
    "import symbiosis.cli",
])
def test_processes_that_need_no_model_start_without_pyomo(code: str) -> None:
    """They start in about 0.3 s instead of 3.5 s; an eager import anywhere on their path
    (a package __init__, a module-level import) would quietly bring Pyomo back."""
    probe = f"{code}; import sys; print(sorted(m for m in sys.modules if m.split('.')[0] in " \
            "('pyomo', 'matplotlib', 'pandas')))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                            cwd=REPO)
    assert loaded.stdout.strip() == "[]", loaded.stdout[:300]


@pytest.mark.parametrize("argv, unloaded", [
    # the list of commands comes from their summaries, not from importing each command
    (["--help"], ("pyomo", "matplotlib", "pandas", "dask")),
    # optimize needs Pyomo and pandas, not the report's matplotlib (about 0.3 s)
    (["optimize", "--help"], ("matplotlib",)),
])
def test_the_command_line_loads_only_what_a_command_needs(argv: list[str], unloaded: tuple[str, ...]) -> None:
    probe = ("import sys; from symbiosis.cli import main; sys.argv = ['symbiosis', *sys.argv[1:]]\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({unloaded!r})), file=sys.stderr)")
    ran = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True, cwd=REPO)
    assert "Usage: symbiosis" in ran.stdout
    assert ran.stderr.strip().splitlines()[-1] == "[]", ran.stderr[-300:]


def test_the_command_summaries_are_the_first_sentence_of_each_commands_help() -> None:
    """`symbiosis --help` lists the commands from ``SUMMARIES`` (no import of each command): they
    must say what each command's own help says."""
    import importlib

    import click

    from symbiosis.cli import COMMANDS, SUMMARIES

    assert set(SUMMARIES) == set(COMMANDS)
    for name, module in COMMANDS.items():
        command = getattr(importlib.import_module(module), name)
        for width in (30, 60, 10_000):  # as the list shows it, at any terminal width
            listed = click.Command(name, help=SUMMARIES[name]).get_short_help_str(width)
            assert listed == command.get_short_help_str(width), (name, width)
        assert SUMMARIES[name] == command.get_short_help_str(10_000), name


def test_the_report_names_are_its_functions_whatever_was_loaded_before() -> None:
    """``symbiosis.report`` loads its names on first use; a submodule of the same name, once
    imported (as the report command does), would have hidden the function ``publish``."""
    probe = ("import inspect, symbiosis.cli.report, symbiosis.report as report; "
             "print([n for n in report.__all__ if inspect.ismodule(getattr(report, n))])")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                            cwd=REPO)
    assert loaded.stdout.strip() == "[]"


def test_the_package_names_load_on_first_use() -> None:
    loaded = subprocess.run([sys.executable, "-c", "import symbiosis; print(symbiosis.optimize.__module__, "
                             "symbiosis.Result.__name__, 'optimize' in dir(symbiosis))"],
                            capture_output=True, text=True, check=True, cwd=REPO)
    assert loaded.stdout.split() == ["symbiosis.optimization", "Result", "True"]
