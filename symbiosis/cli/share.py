"""``symbiosis share PARK``: a fair split of the park's saving among its firms, and its checks."""

from __future__ import annotations

import click

from symbiosis.analysis.sharing import core_violations, dual_price_transfers, fair_shares, transfer_prices
from symbiosis.cli.analysis_common import (
    as_is,
    echo_json,
    frame_json,
    json_option,
    money,
    percent,
    refusals_as_usage,
    show_table,
    solve_options,
    text,
    workers_option,
)
from symbiosis.cli.common import (
    handle_errors,
    no_solution,
    park_argument,
    parse_overrides,
    progress_status,
    scenario_options,
    stdout,
)
from symbiosis.optimization import optimize
from symbiosis.park import load_park


@click.command()
@park_argument
@scenario_options
@click.option("--method", type=click.Choice(["shapley", "equal-split", "dual-prices"]), default="shapley",
              show_default=True, help="Shapley value of the coalition game, each exchange's saving split "
              "half and half, or each exchange settled at its supply's dual price (the receiver bears the "
              "link)")
@click.option("--samples", type=click.IntRange(min=2), default=1000, show_default=True,
              help="random orders for a sampled Shapley value (more firms than --exact-up-to)")
@click.option("--seed", type=int, default=0, show_default=True, help="of the random orders")
@click.option("--exact-up-to", type=click.IntRange(min=0, max=20), default=12, show_default=True,
              help="largest number of firms for the exact game (2^n coalitions)")
@click.option("--no-core", "skip_core", is_flag=True, help="skip the solves that check the split")
@workers_option("coalition solves")
@json_option
@solve_options
@handle_errors
def share(park: str, scenario: str | None, overrides: tuple[str, ...], method: str, samples: int, seed: int,
          exact_up_to: int, skip_core: bool, workers: int, as_json: bool, time_limit: float | None,
          gap: float, threads: int | None, solver: str) -> None:
    """Split PARK's saving among the firms that take part, with transfer prices, and check that
    every firm is better off than alone and that no group of firms would gain by leaving."""
    loaded = load_park(park, scenario=scenario, overrides=parse_overrides(overrides))
    with progress_status() as status:
        result = optimize(loaded, solver=solver, time_limit=time_limit, gap=gap, threads=threads,
                          progress=status.update, keep_on_interrupt=False,
                          values=True if method == "dual-prices" else None)
        if not result.has_solution:
            no_solution(result.status, "there is no saving to share", as_json, result.why_no_solution)
        # The park's own solve is this command's: a result that is not its least cost stopped short.
        with refusals_as_usage(". Here the park was solved by this command: give it a longer --time-limit"):
            shares = fair_shares(loaded, result, method=method.replace("-", "_"), samples=samples, seed=seed,
                                 exact_up_to=exact_up_to, check_core=not skip_core, solver=solver,
                                 time_limit=time_limit, gap=gap, threads=threads, progress=status.update,
                                 workers=workers)
    transfers = (dual_price_transfers if method == "dual-prices" else transfer_prices)(loaded, result)
    attrs = shares.attrs
    core = {key: attrs[key] for key in ("core_checked", "core_holds", "core_violations", "tolerance")}
    if as_json:
        echo_json({"park": loaded.name, "currency": loaded.currency, "saving": result.saving,
                   **{key: attrs[key] for key in ("method", "exact", "samples", "players",
                                                  "coalitions_solved")},
                   "firms": frame_json(shares), "transfers": frame_json(transfers), "core": core,
                   "coalitions": attrs["coalitions"]})
        return
    _show(loaded.name, loaded.currency, result.saving, shares, transfers)


def _show(name: str, currency: str, saving: float, shares, transfers) -> None:
    attrs = shares.attrs
    cash = money(currency)
    how = {"shapley": "Shapley value" + ("" if attrs["exact"] else f", {attrs['samples']} sampled orders"),
           "equal_split": "each exchange's saving split half and half",
           "dual_prices": "each exchange settled at its supply's dual price"}[attrs["method"]]
    columns = [("firm", "firm", text), ("baseline_cost", "before", cash),
               ("saving", "saving (result)", cash), ("share", "share", cash),
               ("share_of_saving", "share %", percent), ("transfer", "transfer", cash),
               ("cost_after", "cost after", cash), ("standalone", "alone", cash),
               ("better_off", "better off", text)]
    if attrs["method"] == "shapley" and not attrs["exact"]:
        columns.append(("std_error", "std error", cash))
    if not (shares["player"] | (shares["share"] != 0)).any():
        stdout.print(f"{name}: no firm takes part in an exchange: there is no saving to share")
        return
    show_table(shares[shares["player"] | (shares["share"] != 0)], columns,
               title=f"{name}: saving {cash(saving)}/year shared by {how}; transfer = received on top of "
                     "the result's own split (each exchange's saving half and half)")
    if len(transfers):
        prices = zip(transfers["transfer_price"], transfers["price_unit"], strict=True)
        priced = transfers.assign(price=[f"{price:,.2f} {unit}" if price == price else None
                                         for price, unit in prices])
        show_table(priced, [("from_firm", "from", text), ("to_firm", "to", text),
                            ("technology", "technology", text), ("saving", "saving", cash),
                            ("transfer", "transfer", cash), ("price", "price", as_is),
                            ("supplier_share", "supplier", cash), ("receiver_share", "receiver", cash)],
                   title="transfer from receiver to supplier at the supply's dual price (the receiver bears "
                         "the link)" if attrs["method"] == "dual_prices"
                   else "transfer from receiver to supplier that splits each exchange's saving equally")
    checked = attrs["core_checked"]
    if checked == "no":
        return
    violations = core_violations(shares)
    if violations.empty:
        stdout.print(f"[green]stable[/]: no coalition would gain by leaving (checked: {_checked(checked)})")
    else:
        show_table(violations, [("coalition", "coalition", text), ("worth", "worth", cash),
                                ("allocated", "allocated", cash), ("shortfall", "shortfall", cash)],
                   title=f"[red]not in the core[/]: these coalitions would gain by leaving "
                         f"(checked: {_checked(checked)})")


def _checked(checked: str) -> str:
    """Which coalitions the core check covered, in words."""
    return {"all": "every coalition", "sampled": "the coalitions the sampling solved",
            "single firms": "each firm alone"}.get(checked, checked)
