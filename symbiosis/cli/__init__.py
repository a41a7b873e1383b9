"""The ``symbiosis`` command line: a thin shell over the Python API."""

from __future__ import annotations

import importlib
import signal

import click

from symbiosis import __version__

# Each command and the module that defines it, imported when the command runs: `symbiosis
# validate` needs no Pyomo or matplotlib, `symbiosis --version` nothing at all.
COMMANDS = {name: f"symbiosis.cli.{name}" for name in (
    "candidates", "doctor", "explain", "history", "optimize", "pareto", "report", "risk", "share", "sweep",
    "validate")}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use (click's lazy-loading pattern)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in COMMANDS and name not in self.commands:
            self.add_command(getattr(importlib.import_module(COMMANDS[name]), name), name)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="symbiosis")
def cli() -> None:
    """symbiosis: which exchanges of heat, steam, hydrogen, electricity and materials an
    industrial park should build, what they cost, and what each firm saves.

    Start with `symbiosis validate parks/raufoss`, then `symbiosis optimize parks/raufoss`.
    """


def main() -> None:
    # Output piped into a reader that stops early (`symbiosis candidates PARK | head`) ends the
    # command as it ends any Unix filter, by SIGPIPE (exit 141 in a shell): click exited 1, which
    # here means "no solution".
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    cli(prog_name="symbiosis")
