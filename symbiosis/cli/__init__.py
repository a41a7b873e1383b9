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
