"""The ``symbiosis`` command line: a thin shell over the Python API."""

from __future__ import annotations

import click

from symbiosis import __version__
from symbiosis.cli.candidates import candidates
from symbiosis.cli.doctor import doctor
from symbiosis.cli.explain import explain
from symbiosis.cli.history import history
from symbiosis.cli.optimize import optimize
from symbiosis.cli.pareto import pareto
from symbiosis.cli.report import report
from symbiosis.cli.risk import risk
from symbiosis.cli.share import share
from symbiosis.cli.sweep import sweep
from symbiosis.cli.validate import validate


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="symbiosis")
def cli() -> None:
    """symbiosis: which exchanges of heat, steam, hydrogen, electricity and materials an
    industrial park should build, what they cost, and what each firm saves.

    Start with `symbiosis validate parks/raufoss`, then `symbiosis optimize parks/raufoss`.
    """


cli.add_command(validate)
cli.add_command(candidates)
cli.add_command(optimize)
cli.add_command(doctor)
cli.add_command(report)
cli.add_command(history)
cli.add_command(pareto)
cli.add_command(share)
cli.add_command(sweep)
cli.add_command(explain)
cli.add_command(risk)


def main() -> None:
    cli(prog_name="symbiosis")
