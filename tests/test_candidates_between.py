"""``candidates_between`` and ``symbiosis candidates --between``: the candidate links between two
firms, and for every other pair of their streams why the rules proposed none."""

from __future__ import annotations

import itertools

import pytest
from click.testing import CliRunner
from conftest import PARKS

import symbiosis
from symbiosis.candidates.between import UnknownSite, candidates_between
from symbiosis.cli import cli

HOT_ENOUGH = ("hot_water_pipe warms the demand to its top directly from every part of the supply, so no "
              "heat pump is proposed")


def at(x_km: float) -> dict:
    return {"x": f"{x_km} km", "y": "0 km"}


def heat(direction: str, temperature: str, target: str, amount: str = "2 MW") -> dict:
    current = "cooling_tower" if direction == "supply" else "gas_boiler"
    return {"direction": direction, "carrier": "heat", "amount": amount, "temperature": temperature,
            "target_temperature": target, "current": current}


def hydrogen(direction: str, purity: str, current: str) -> dict:
    return {"direction": direction, "carrier": "hydrogen", "purity": purity, "amount": "0.1 t/h",
            "current": current}


def material(direction: str, name: str, current: str) -> dict:
    return {"direction": direction, "carrier": "material", "material": name, "amount": "1 t/h",
            "current": current}


H2_ROUTES = {"flare": {"carrier": "hydrogen", "price": "0 NOK/t"},
             "grey_hydrogen": {"carrier": "hydrogen", "price": "35 NOK/kg", "emissions": "10 t/t"}}
MATERIAL_ROUTES = {"landfill": {"carrier": "material", "price": "500 NOK/t"},
                   "lime_purchase": {"carrier": "material", "price": "900 NOK/t"}}


@pytest.fixture
def reasons_park(make_park):
    """One park with a pair of streams for each reason a link is not proposed, beside links that
    are. The catalogue's hot-water pipe (min_approach 10 K, max_distance 20 km) and heat pump
    (min_approach 5 K, max_temperature 150 degC, 5 km, carnot_efficiency 50 %); routing factor 1.3."""
    firms = {
        # 45 -> 35 degC cooling water: too cold for a pipe to a 50 -> 70 degC demand (45 - 10 < 50),
        # a heat pump lifts it (T_hi 75 degC, T_lo 30 degC: COP 0.5 x 348.15 / 45 = 3.87)
        "foundry": {"location": at(0), "streams": {
            "cooling": heat("supply", "45 degC", "35 degC"),
            "hot_flue": heat("supply", "400 degC", "150 degC"),
            "hydrogen": hydrogen("supply", "99 %", "flare"),
            "slag": material("supply", "slag", "landfill"),
            "own_need": heat("demand", "20 degC", "30 degC")}},
        "dairy": {"location": at(1), "streams": {
            "washing": heat("demand", "50 degC", "70 degC"),
            "drying": heat("demand", "180 degC", "200 degC"),
            "hydrogen": hydrogen("demand", "99.9 %", "grey_hydrogen"),
            "lime": material("demand", "lime", "lime_purchase")}},
        # 20 km x 1.3 = 26 km: too far for the pipe's 20 km
        "far_farm": {"location": at(20), "streams": {"greenhouse": heat("demand", "15 degC", "25 degC")}},
        "rival": {"location": at(0.5), "rules": {"exclude_partners": ["foundry"]},
                  "streams": {"space_heat": heat("demand", "40 degC", "60 degC")}},
        "kept": {"location": at(0.5), "rules": {"keep_current": ["boiler_feed"]},
                 "streams": {"boiler_feed": heat("demand", "40 degC", "60 degC")}},
    }
    return make_park(firms, routes={**H2_ROUTES, **MATERIAL_ROUTES})


def reasons(table, supply: str, demand: str) -> dict[str, str]:
    rows = table[(table["supply"] == supply) & (table["demand"] == demand)]
    return {row.technology: (row.candidate if row.candidate is not None and str(row.candidate) != "<NA>"
                             else row.reason) for row in rows.itertuples()}


def test_each_pair_without_a_link_is_told_why(reasons_park) -> None:
    table = candidates_between(reasons_park, "foundry", "dairy")
    found = symbiosis.find_candidates(reasons_park).table
    ids = {(row.from_stream, row.to_stream, row.technology): row.id for row in found.itertuples()}
    cooling = reasons(table, "foundry.cooling", "dairy.washing")
    assert cooling["hot_water_pipe"] == ("too cold: the supply's hottest point 45 degC less hot_water_pipe's "
                                         "min_approach 10 K is below the demand's coldest 50 degC")
    assert cooling["heat_pump"] == ids[("cooling", "washing", "heat_pump")]
    # 200 degC is above what heat pumps deliver; the 45 degC water reaches no part of it by pipe
    drying = reasons(table, "foundry.cooling", "dairy.drying")
    assert "max_temperature 150 degC" in drying["heat_pump"] and "200 degC" in drying["heat_pump"]
    # the 400 degC flue heats both demands to their top by pipe: no heat pump is proposed
    flue = reasons(table, "foundry.hot_flue", "dairy.washing")
    assert flue["hot_water_pipe"] == ids[("hot_flue", "washing", "hot_water_pipe")]
    assert flue["heat_pump"] == HOT_ENOUGH
    hydrogen = reasons(table, "foundry.hydrogen", "dairy.hydrogen")
    assert hydrogen == {"": "the demand asks for purity 99.9 % or more, the supply has 99 %"}
    slag = reasons(table, "foundry.slag", "dairy.lime")
    assert slag == {"": "other materials: the supply is slag, the demand lime, and no materials: rule "
                        "lets slag replace lime"}
    # across carriers between whole firms: not listed (every firm's heat and hydrogen would be)
    assert reasons(table, "foundry.slag", "dairy.washing") == {}
    # the dairy has no supply: nothing the other way
    assert set(table["supply"].str.split(".").str[0]) == {"foundry"}
    # every same-carrier pair of the two firms has a row
    assert len(table.groupby(["supply", "demand"])) == 2 * 2 + 1 + 1


def test_distance_rules_and_kept_streams_are_told(reasons_park) -> None:
    far = reasons(candidates_between(reasons_park, "foundry", "far_farm"), "foundry.cooling",
                  "far_farm.greenhouse")
    assert far["hot_water_pipe"] == ("too far: 26.00 km apart (straight line x the routing factor 1.3); "
                                     "hot_water_pipe reaches 20 km (max_distance)")
    # 45 - 10 = 35 degC would heat 15 -> 25 degC directly: no heat pump, however far
    # the pipe cannot span it, so a heat pump is looked at: 35 - 5 = 30 degC is already 25 + 5
    assert far["heat_pump"] == ("nothing to lift: the supply's coldest point less heat_pump's min_approach "
                                "(30 degC) is at or above the demand's top plus it (30 degC)")
    def told(first: str, second: str, supply: str, demand: str) -> dict[str, str]:
        return reasons(candidates_between(reasons_park, first, second), supply, demand)

    rival = told("rival", "foundry", "foundry.hot_flue", "rival.space_heat")
    assert rival == {"": "rival lists foundry under rules.exclude_partners"}
    kept = told("foundry", "kept", "foundry.hot_flue", "kept.boiler_feed")
    assert kept == {"": "kept lists boiler_feed under rules.keep_current (it stays on its current route)"}
    own = told("foundry", "foundry", "foundry.hot_flue", "foundry.own_need")
    assert own == {"": "both streams are foundry's and the park's internal_links is off (links join "
                       "different firms)"}


def test_a_stream_named_alone_is_told_of_other_carriers(reasons_park) -> None:
    table = candidates_between(reasons_park, "foundry.slag", "dairy")
    assert reasons(table, "foundry.slag", "dairy.washing") == {"": "a material supply does not serve a heat "
                                                                     "demand"}
    assert set(table["supply"]) == {"foundry.slag"}


def test_a_heat_pump_of_too_small_a_carnot_efficiency_is_told_its_cop(make_park) -> None:
    """A 5 % Carnot efficiency lifting 45 -> 35 degC water to a 50 -> 70 degC demand:
    0.05 x 348.15 / 45 = 0.39, no heat pump."""
    firms = {"a": {"location": at(0), "streams": {"cooling": heat("supply", "45 degC", "35 degC")}},
             "b": {"location": at(1), "streams": {"washing": heat("demand", "50 degC", "70 degC")}}}
    park = make_park(firms, technologies={"heat_pump": {"carnot_efficiency": "5 %"}})
    told = reasons(candidates_between(park, "a", "b"), "a.cooling", "b.washing")
    assert told["heat_pump"] == ("COP 0.39, at most 1: lifting from 30 degC to 75 degC at carnot_efficiency "
                                 "5 %")


def test_an_unknown_site_is_named_with_the_closest(reasons_park) -> None:
    with pytest.raises(UnknownSite, match="no firm, hub or stream 'diary' in test park: did you mean 'dair"):
        candidates_between(reasons_park, "foundry", "diary")
    with pytest.raises(TypeError, match="a Park"):
        candidates_between("parks/raufoss", "a", "b")


@pytest.mark.parametrize("name", ["raufoss", "mo_industripark", "hofors_borlange"])
def test_the_candidates_between_two_sites_are_those_of_the_table(name) -> None:
    """On the example parks, for every two sites: the ids listed are exactly the table's links
    between them; every supply-demand pair of one carrier has a row; a technology with a new
    candidate for a pair is given no reason against it."""
    park = symbiosis.load_park(PARKS / name)
    table = symbiosis.find_candidates(park).table
    sites = sorted({*table["from_firm"], *table["to_firm"]})
    streams = {f: [s for s in symbiosis.hubs.all_streams(park) if s.firm == f] for f in sites}
    for first, second in itertools.combinations(sites, 2):
        between = candidates_between(park, first, second, table)
        ends = {first, second}
        expected = set(table.loc[table["from_firm"].isin(ends) & table["to_firm"].isin(ends)
                                 & (table["from_firm"] != table["to_firm"]), "id"])
        assert set(between["candidate"].dropna()) == expected, (first, second)
        pairs = {(s.key, d.key) for a, b in ((first, second), (second, first))
                 for s in streams[a] if s.is_supply for d in streams[b]
                 if not d.is_supply and d.carrier == s.carrier}
        assert set(zip(between["supply"], between["demand"], strict=True)) == pairs, (first, second)
        new = between[between["candidate"].notna() & (between["note"] != "existing")]
        told = between[between["reason"].notna()]
        clash = set(zip(new["supply"], new["demand"], new["technology"], strict=True)) & set(
            zip(told["supply"], told["demand"], told["technology"], strict=True))
        assert not clash, (first, second, clash)


def test_the_command_shows_the_pairs_and_refuses_an_unknown_firm(tmp_path) -> None:
    runner = CliRunner()
    out = tmp_path / "between.csv"
    shown = runner.invoke(cli, ["candidates", str(PARKS / "raufoss"), "--between", "hydro", "gjovik_dh",
                                "--csv", str(out)], terminal_width=250)
    assert shown.exit_code == 0, shown.output
    assert "too cold: the supply's hottest point 45 degC" in shown.output
    assert "L024" in shown.output
    assert out.read_text().splitlines()[0] == "supply,demand,carrier,technology,candidate,note,reason"
    wrong = runner.invoke(cli, ["candidates", str(PARKS / "raufoss"), "--between", "hydro", "gjovikdh"])
    assert wrong.exit_code == 2
    assert "did you mean 'gjovik_dh'" in wrong.output
    assert "Traceback" not in wrong.output


def test_the_title_counts_one_pair_without_a_link_in_the_singular() -> None:
    """Found by an audit of what-if answers: asking for Hydro's cooling water and Gjøvik with the
    heat pump's reach raised to 11.4 km gave "1 candidate link ...; 1 pairs and technologies
    without one"."""
    shown = CliRunner().invoke(cli, ["candidates", str(PARKS / "raufoss"), "--between", "hydro.cooling",
                                     "gjovik_dh", "--set", "technologies.heat_pump.max_distance=11.4 km"],
                               terminal_width=250)
    assert shown.exit_code == 0, shown.output
    assert "1 candidate link between hydro.cooling and gjovik_dh; 1 pair and technology without one" \
        in shown.stdout


def two_firms(make_park, supply: dict, demand: dict, apart_km: float = 1.0, **sections):
    firms = {"a": {"location": at(0), "streams": {"out": supply}},
             "b": {"location": at(apart_km), "streams": {"in": demand}}}
    return make_park(firms, **sections)


def test_lengths_and_shares_are_shown_as_written(make_park) -> None:
    """15.39 km x 1.3 = 20.007 km, just beyond the pipe's 20 km: not '20 km apart'. A loss of
    80 %/km over 1.3 km loses it all. Purities of 99.99 and 99.999 % are not both '100 %'."""
    hot, warm = heat("supply", "90 degC", "60 degC"), heat("demand", "40 degC", "60 degC")
    park = two_firms(make_park, hot, warm, 15.39, technologies={"heat_pump": {"enabled": False}})
    told = reasons(candidates_between(park, "a", "b"), "a.out", "b.in")
    assert told["hot_water_pipe"] == ("too far: 20.01 km apart (straight line x the routing factor 1.3); "
                                      "hot_water_pipe reaches 20 km (max_distance)")
    assert told["heat_pump"] == "heat_pump is disabled (technologies: heat_pump: enabled: false)"
    lossy = two_firms(make_park, hot, warm, technologies={"hot_water_pipe": {"loss_per_km": "80 %"}})
    told = reasons(candidates_between(lossy, "a", "b"), "a.out", "b.in")
    assert told["hot_water_pipe"] == ("all lost on the way: 1.30 km apart (straight line x the routing "
                                      "factor 1.3); hot_water_pipe loses 80 %/km (loss_per_km)")
    pure = two_firms(make_park, hydrogen("supply", "99.99 %", "flare"), hydrogen("demand", "99.999 %",
                     "grey_hydrogen"), routes=H2_ROUTES)
    assert reasons(candidates_between(pure, "a", "b"), "a.out", "b.in") == {
        "": "the demand asks for purity 99.999 % or more, the supply has 99.99 %"}


def test_a_heat_pump_is_proposed_where_the_direct_pipe_cannot_reach(make_park) -> None:
    """A 90 -> 60 degC supply would heat a 60 -> 75 degC demand to its top by pipe (90 - 10 >= 75),
    so no heat pump was proposed even where the pipe cannot go (max_distance 1 km, the firms
    2 x 1.3 = 2.6 km apart) and no link at all was left: a heat pump reaches 5 km."""
    park = two_firms(make_park, heat("supply", "90 degC", "60 degC"), heat("demand", "60 degC", "75 degC"),
                     2.0, technologies={"hot_water_pipe": {"max_distance": "1 km"}})
    table = symbiosis.find_candidates(park).table
    assert list(table["technology"]) == ["heat_pump"]
    told = reasons(candidates_between(park, "a", "b"), "a.out", "b.in")
    assert told["heat_pump"] == table["id"].iloc[0]
    assert told["hot_water_pipe"].startswith("too far: 2.60 km apart")


def test_a_rule_of_no_share_and_mutual_exclusion_are_said(make_park) -> None:
    park = two_firms(make_park, material("supply", "slag", "landfill"), material("demand", "lime",
                     "lime_purchase"), routes=MATERIAL_ROUTES,
                     materials=[{"by_product": "slag", "replaces": "lime", "ratio": 1, "max_share": "0 %"}])
    told = reasons(candidates_between(park, "a", "b"), "a.out", "b.in")
    assert told["truck"] == ("nothing to carry: the materials rule lets the by-product cover 0 % of the "
                             "demand (max_share)")
    both = make_park({"a": {"location": at(0), "rules": {"exclude_partners": ["b"]},
                            "streams": {"out": heat("supply", "90 degC", "60 degC")}},
                      "b": {"location": at(1), "rules": {"exclude_partners": ["a"]},
                            "streams": {"in": heat("demand", "40 degC", "60 degC")}}})
    assert reasons(candidates_between(both, "a", "b"), "a.out", "b.in") == {
        "": "a lists b under rules.exclude_partners; b lists a under rules.exclude_partners"}


def test_a_stream_of_another_carrier_gets_its_article(reasons_park) -> None:
    table = candidates_between(reasons_park, "foundry.hydrogen", "dairy")
    assert reasons(table, "foundry.hydrogen", "dairy.washing") == {
        "": "a hydrogen supply does not serve a heat demand"}
    assert "an electricity" in candidates_between.__globals__["a_or_an"]("electricity supply")


def test_names_are_read_as_unicode_nfc_and_a_table_of_other_data_is_refused(make_park) -> None:
    firms = {"borl\u00e4nge": {"location": at(0), "streams": {"out": heat("supply", "90 degC", "60 degC")}},
             "b": {"location": at(1), "streams": {"in": heat("demand", "40 degC", "60 degC")}}}
    park = make_park(firms)
    decomposed = "borla\u0308nge"
    assert candidates_between(park, decomposed, "b")["candidate"].notna().any()
    found = symbiosis.find_candidates(park)
    composed = candidates_between(park, "b", "borl\u00e4nge", found)
    assert composed.equals(candidates_between(park, "b", decomposed))
    other = make_park(firms, technologies={"hot_water_pipe": {"enabled": False}})
    with pytest.raises(ValueError, match="the candidates given are not this park's"):
        candidates_between(other, "borl\u00e4nge", "b", found)
    with pytest.raises(TypeError, match="find_candidates"):
        candidates_between(park, "b", decomposed, [1, 2])


def test_a_heat_pump_hub_does_not_feed_its_own_loop(make_park) -> None:
    """With internal links on, the hub's lifted heat (its output) was a candidate to its own
    collecting loop (its input): heat going round through the heat pump and back."""
    firms = {"a": {"location": at(0), "streams": {"cold": heat("supply", "25 degC", "15 degC"),
                                                  "dh": heat("demand", "50 degC", "65 degC")}}}
    hub = {"location": at(0.2), "technologies": ["heat_pump"], "max_capacity": {"heat_pump": "5 MW"},
           "collect": {"from": "10 degC", "to": "20 degC"}, "deliver": {"from": "70 degC", "to": "50 degC"}}
    park = make_park(firms, park={"internal_links": True}, hubs={"loop": hub})
    table = symbiosis.find_candidates(park).table
    assert not ((table["from_firm"] == "loop") & (table["to_firm"] == "loop")).any()
    assert reasons(candidates_between(park, "loop", "loop"), "loop.lifted_heat", "loop.collected_heat") == {
        "": "loop's output does not feed its own input"}


def test_a_hub_oxygen_beside_a_demand_stating_its_pressure_says_what_to_do(make_park) -> None:
    """A hub electrolyser's oxygen states no pressure, so a demand at 8 bar (as furnace lances
    ask) was refused with no way for the user to fix it (an audit): the reason now says how a
    link that compresses it is written (as parks/heroya does)."""
    oxygen = {"direction": "demand", "carrier": "oxygen", "amount": "0.5 t/h", "current": "bought_oxygen"}
    firms = {"steel": {"location": at(0), "streams": {"lances": {**oxygen, "pressure": "8 bar"},
                                                      "ladle": oxygen}}}
    hub = {"location": at(0.2), "technologies": ["electrolyser"]}
    park = make_park(firms, hubs={"h2": hub},
                     routes={"bought_oxygen": {"carrier": "oxygen", "price": "1000 NOK/t"}})
    said = reasons(candidates_between(park, "h2", "steel"), "h2.oxygen", "steel.lances")[""]
    assert "pressure 8 bar or more, the supply does not state it" in said
    assert "leave steel.lances's pressure out and charge the compression on the oxygen pipe's" in said
    ladle = reasons(candidates_between(park, "h2", "steel"), "h2.oxygen", "steel.ladle")
    assert list(ladle) == ["oxygen_pipe"]  # a demand stating no pressure is linked


def test_a_hub_id_with_a_dot_is_refused(make_park) -> None:
    """A hub 'h.2' and firm 'h''s stream '2' were one name to --between (and to --set)."""
    hub = {"location": at(0.2), "technologies": ["electrolyser"]}
    firms = {"h": {"location": at(0), "streams": {"out": heat("supply", "90 degC", "60 degC")}}}
    with pytest.raises(symbiosis.ParkError, match=r"hubs.h\.2.*without '\.'"):
        make_park(firms, hubs={"h.2": hub})
