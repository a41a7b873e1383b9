"""The ``symbiosis`` command line: a thin shell over the Python API."""

from __future__ import annotations

import importlib
import os
import sys

import click

from symbiosis import __version__

EXIT_CLOSED_PIPE = 128 + 13  # as a shell reports a process ended by SIGPIPE

# Each command and the module that defines it, imported when the command runs: `symbiosis
# validate` needs no Pyomo or matplotlib, `symbiosis --version` nothing at all.
COMMANDS = {name: f"symbiosis.cli.{name}" for name in (
    "candidates", "doctor", "explain", "history", "optimize", "pareto", "report", "risk", "share", "sweep",
    "validate")}
# The first sentence of each command's help, for `symbiosis --help`, which would otherwise import
# every command (Pyomo, matplotlib, Dask: 2.6 s instead of 0.3 s). A test holds them to the help.
SUMMARIES = {
    "candidates": "List every candidate link of PARK: which supply could serve which demand, with which "
                  "technology, over what length, at what cost and largest size; then the candidate stores "
                  "and hub units.",
    "doctor": "Show versions, and which solvers are installed and solve a small MIP correctly; exit 1 when "
              "HiGHS, the default solver, does not.",
    "explain": "For each candidate of PARK not built, how much cheaper it must be before it is; for each "
               "exchange built, how much of its saving it may lose before it drops out (one solve each).",
    "history": "List the recorded runs of PARK (a park folder, or the park's name), newest first.",
    "optimize": "Find the exchanges that make PARK cheapest (or least emitting) per year.",
    "pareto": "The least total annual cost of PARK at each emission cap, from the least-cost answer to the "
              "least-emissions one, and what each step costs per tonne of CO2.",
    "report": "Write the cluster-meeting report of PARK (HTML and PDF) into a new folder under --out.",
    "risk": "Rank the firms of PARK by what the others lose if that firm leaves (its exchanges' investment "
            "sunk, theirs kept), and the exchanges by what the park loses if they are stranded.",
    "share": "Split PARK's saving among the firms that take part, with transfer prices, and check that every "
             "firm is better off than alone and that no group of firms would gain by leaving.",
    "sweep": "Solve PARK for every scenario and every combination of the --set values, on Dask; show each "
             "run and, for each exchange, in how many runs it is built.",
    "validate": "Check PARK (a folder with park.yaml) and summarise its firms and streams.",
}


def silence_stdout() -> None:
    """Point stdout at the null device, so that Python's last flush at exit into a closed pipe
    says nothing."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def stdout_closed() -> bool:
    """Whether the reader of stdout has gone (``| head`` that stopped early); if so, stdout is
    silenced."""
    try:
        sys.stdout.flush()
        return False
    except BrokenPipeError:
        silence_stdout()
        return True


class LazyGroup(click.Group):
    """A group whose commands are imported on first use (click's lazy-loading pattern)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in COMMANDS and name not in self.commands:
            self.add_command(getattr(importlib.import_module(COMMANDS[name]), name), name)
        return super().get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The list of commands from their summaries, importing none that is not loaded yet."""
        limit = formatter.width - 6 - max(len(name) for name in self.list_commands(ctx))
        rows = [(name, self.commands[name].get_short_help_str(limit) if name in self.commands
                 else click.Command(name, help=SUMMARIES[name]).get_short_help_str(limit))
                for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            if stdout_closed():
                ctx.exit(EXIT_CLOSED_PIPE)
            raise


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="symbiosis")
def cli() -> None:
    """symbiosis: which exchanges of heat, steam, hydrogen, electricity and materials an
    industrial park should build, what they cost, and what each firm saves.

    Start with `symbiosis validate parks/raufoss`, then `symbiosis optimize parks/raufoss`.
    """


def main() -> None:
    # Output piped into a reader that stops early (`symbiosis candidates PARK | head`) ends the
    # command as SIGPIPE ends any Unix filter (exit 141 in a shell; click exited 1, which here
    # means "no solution"), but only once it writes to stdout: a result is saved first, and
    # progress into the closed pipe (`2>&1 | head`) is dropped without stopping the solve.
    try:
        cli(prog_name="symbiosis")
    except SystemExit:
        if stdout_closed():
            sys.exit(EXIT_CLOSED_PIPE)
        raise
