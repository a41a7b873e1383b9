"""``load_park``: a park folder (and optional scenario) in, a validated ``Park`` out."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from symbiosis.park import schema
from symbiosis.park.convert import build_park
from symbiosis.park.model import Park, frozen_mapping
from symbiosis.park.problems import ParkError, Problem, closest, did_you_mean, value_words
from symbiosis.park.reader import Locate
from symbiosis.park.shape import validate_shape
from symbiosis.park.yamlfile import Document, child, deep_merge, nfc, read_yaml, set_path
from symbiosis.units import meant_one_way, written_one_way

PARK_FILE = "park.yaml"
CATALOGUE_FILE = "symbiosis/data/catalogue.yaml"


@cache
def _catalogue_document() -> Document:
    path = Path(str(resources.files("symbiosis") / "data" / "catalogue.yaml"))
    return read_yaml(path, display=CATALOGUE_FILE)


def raw_catalogue() -> dict[str, dict[str, Any]]:
    """The shipped technology catalogue as written (units in strings, EUR)."""
    return _catalogue_document().data


def park_file(path: str | Path) -> Path:
    """The ``park.yaml`` of a park folder (or the file itself)."""
    path = Path(path)
    return path / PARK_FILE if path.is_dir() else path


def load_park(
    path: str | Path,
    *,
    scenario: str | Path | None = None,
    overrides: dict[str, Any] | None = None,
) -> Park:
    """Load and validate a park.

    Parameters
    ----------
    path
        A park folder holding ``park.yaml``, or the YAML file itself.
    scenario
        Name of ``scenarios/NAME.yaml`` in the park folder (or a path to a YAML
        file): deep-merged over the park, plus ``remove_firms``.
    overrides
        ``{"park.carbon_price": "1800 NOK/t"}``: the same override from code.

    Raises
    ------
    ParkError
        Listing every problem found, each with file, line, firm, stream, field.
    """
    if not isinstance(path, str | Path):
        raise TypeError(f"load_park expects the path of a park folder (or its park.yaml), not "
                        f"{type(path).__name__} {path!r:.60}")
    if overrides is not None and not isinstance(overrides, Mapping):
        raise TypeError("overrides must map keys to values, e.g. {'park.carbon_price': '1800 NOK/t'} "
                        f"(as --set park.carbon_price=1800 NOK/t), not {type(overrides).__name__} "
                        f"{overrides!r:.60}")
    not_text = [key for key in overrides or () if not isinstance(key, str)]
    if not_text:
        raise TypeError(f"overrides' keys are dotted paths in the park file, text such as "
                        f"'park.carbon_price' (as after --set), not {type(not_text[0]).__name__} "
                        f"{not_text[0]!r:.60}")
    if scenario is not None and not isinstance(scenario, str | Path):
        raise TypeError(f"scenario is the name of a file in the park's scenarios/ folder (or a path to one), "
                        f"not {type(scenario).__name__} {scenario!r:.60}")
    overrides = nfc(dict(overrides)) if overrides else overrides
    file = park_file(path)
    folder = file.parent
    if folder.name == "scenarios" and (folder.parent / PARK_FILE).is_file() and file.name != PARK_FILE:
        raise ParkError([Problem(str(file), "file", "a scenario of the park in " + str(folder.parent),
                                 "a park folder or its park.yaml",
                                 hint=f"give the park and the scenario: {folder.parent} --scenario "
                                      f"{file.stem} (load_park(..., scenario='{file.stem}') in Python)")])
    park_doc = read_yaml(file, display=str(file))
    if not isinstance(park_doc.data, dict):
        raise ParkError([Problem(str(file), "park file", value_words(park_doc.data, whole_file=True),
                                 "a mapping with the sections 'park:' and 'firms:' (and 'routes:')",
                                 hint="start from the park file example in the README", line=1)])
    data = park_doc.data
    pending = list(park_doc.problems)
    scenario_doc = None
    scenario_name = None
    if scenario is not None:
        scenario_doc = _scenario_document(scenario, folder)
        scenario_name = scenario_doc.path.stem
        # A list replaces a list: --set remove_firms=[...] replaces the scenario's removals.
        data, removal_problems = _apply_scenario(data, scenario_doc,
                                                 removes_firms="remove_firms" not in (overrides or {}))
        pending += scenario_doc.problems + removal_problems
    for key, value in (overrides or {}).items():
        if key == "remove_firms":  # as in a scenario file
            data, removal_problems = _remove_firms(data, value, f"override {key}", lambda *index: None)
            pending += removal_problems
            continue
        unknown = _unknown_entry(data, key)
        if unknown is not None and scenario_name is not None and key.startswith("firms.") \
                and _unknown_entry(park_doc.data, key) is None:
            gone = key.split(".")[1]  # there in park.yaml: the scenario took it away (remove_firms)
            unknown = dataclasses.replace(
                unknown, found=f"{unknown.found}: scenario {scenario_name} removes firm '{gone}'",
                hint=f"leave out this --set with --scenario {scenario_name}, or set another firm")
        if unknown is not None:
            pending.append(unknown)
            continue
        data = set_path(data, key, value)

    locate = _locator(park_doc, scenario_doc, tuple(overrides or ()))
    shape, shape_problems, broken = validate_shape(data, locate)
    pending += shape_problems
    if shape is None:
        raise ParkError(pending)
    fingerprint, as_written, as_read = _fingerprints(data, folder, shape)
    try:
        park = build_park(shape, _checked_catalogue(), locate, folder=folder, scenario=scenario_name,
                          fingerprint=fingerprint, broken=broken)
    except ParkError as exc:
        raise ParkError([*pending, *exc.problems]) from None
    if pending:
        raise ParkError(pending)
    park = dataclasses.replace(park, fingerprint_as_written=as_written, data_as_read=frozen_mapping(as_read),
                               points_in_thousands=points_in_thousands(data))
    added = tuple(sorted(set(park.routes) - set(_mapping(park_doc.data.get("routes")))))
    if added:
        park = dataclasses.replace(park, added_routes=added)
    if overrides:
        park = dataclasses.replace(park, overrides=tuple((key, override_text(value))
                                                         for key, value in overrides.items()))
    return park.loaded()


def override_text(value: Any) -> str:
    """An override's value as it would be written after ``--set KEY=``; read back as YAML it is
    the same value (``1800`` stays a number, ``1800 NOK/t`` text)."""
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)


def _scenario_document(scenario: str, folder: Path) -> Document:
    scenario_path = Path(scenario)
    if scenario_path.suffix not in (".yaml", ".yml"):
        scenario_path = folder / "scenarios" / f"{scenario}.yaml"
    if not scenario_path.exists():
        known = sorted(p.stem for p in (folder / "scenarios").glob("*.yaml"))
        hint = did_you_mean(scenario_path.stem, known)
        if scenario_path.stem in known:  # 'x.yaml' is read as a path from here: the park's is named 'x'
            hint += (f" (a name ending in '{scenario_path.suffix}' is read as a path from the current "
                     "folder; the park's own scenarios are named without it)")
        raise ParkError([Problem(str(scenario_path.resolve()), "scenario", f"no scenario '{scenario}'",
                                 "a scenario file in the park's scenarios/ folder", hint=hint)])
    doc = read_yaml(scenario_path, display=str(scenario_path))
    if not isinstance(doc.data, dict):
        raise ParkError([Problem(str(doc.path), "scenario file", value_words(doc.data, whole_file=True),
                                 "a mapping of park keys to override, plus 'remove_firms: [ids]'",
                                 hint="write the same keys as in park.yaml, only those that change",
                                 line=1)])
    return doc


def scenario_keys(folder: str | Path, scenario: str) -> list[str]:
    """The dotted keys a scenario file sets (``park.carbon_price``, ``remove_firms``), as
    ``--set`` writes them; its ``description`` is none."""
    data = dict(_scenario_document(scenario, Path(folder)).data)
    data.pop("description", None)

    def leaves(value: Any, prefix: str) -> list[str]:
        if isinstance(value, dict) and value:
            return [key for name, item in value.items() for key in leaves(item, f"{prefix}{name}.")]
        return [prefix.rstrip(".")]

    return leaves(data, "")


def _apply_scenario(data: dict, doc: Document, *, removes_firms: bool = True) -> tuple[dict, list[Problem]]:
    """The park with the scenario merged over it (and its ``remove_firms`` applied unless
    ``removes_firms`` is false), and any problems with ``remove_firms``."""
    override = dict(doc.data)
    removed = override.pop("remove_firms", None) or []
    if not removes_firms:
        removed = []
    override.pop("description", None)
    keys = [*schema.ParkFile.model_fields, *schema.ScenarioFile.model_fields]
    unknown = [Problem(str(doc.path), str(key), f"unknown key '{key}'", "a key of the park file, "
                       "'remove_firms' or 'description'", hint=did_you_mean(str(key), keys),
                       line=doc.line((key,)))
               for key in override if key not in schema.ParkFile.model_fields]
    override = {key: value for key, value in override.items() if key in schema.ParkFile.model_fields}
    override, misspelt = _misspelt_ids(data, override, doc)
    merged, problems = _remove_firms(deep_merge(data, override), removed, str(doc.path),
                                     lambda *index: doc.line(("remove_firms", *index)))
    return merged, unknown + misspelt + problems


def _misspelt_ids(data: dict, override: dict, doc: Document) -> tuple[dict, list[Problem]]:
    """A firm the scenario changes but the park does not have, written without a location (so
    not a new firm), such a stream of a firm of the park, written without its carrier and
    direction, or such a route, written without its carrier, each close to an id of the park:
    one problem with the likely id, and the entry left out (merged, it would be a new firm,
    stream or route missing every key: a cascade of errors, or a route used by nothing)."""
    problems: list[Problem] = []

    def misspelt(where: tuple, known: dict, entry: Any, marks: tuple[str, ...], kind: str) -> bool:
        wrong = where[-1] not in known and closest(where[-1], known) and not (
            isinstance(entry, dict) and any(mark in entry for mark in marks))
        if wrong:
            problems.append(Problem(
                str(doc.path), ".".join(map(str, where)), f"no {kind} '{where[-1]}' in the park",
                f"the id of a {kind} of the park (or a new {kind} with its {' and '.join(marks)})",
                hint=did_you_mean(str(where[-1]), known), line=doc.line(where),
                firm=str(where[1]) if where[0] == "firms" else None,
                stream=str(where[3]) if len(where) > 3 else None))
        return bool(wrong)

    routes, changed_routes = data.get("routes"), override.get("routes")
    if isinstance(routes, dict) and isinstance(changed_routes, dict):
        override = {**override, "routes": {
            route_id: route for route_id, route in changed_routes.items()
            if not misspelt(("routes", route_id), routes, route, ("carrier",), "route")}}
    firms, changed = data.get("firms"), override.get("firms")
    if not isinstance(firms, dict) or not isinstance(changed, dict):
        return override, problems
    kept = {}
    for firm_id, entry in changed.items():
        if misspelt(("firms", firm_id), firms, entry, ("location",), "firm"):
            continue
        streams = (firms.get(firm_id) or {}).get("streams") if isinstance(firms.get(firm_id), dict) else None
        if isinstance(entry, dict) and isinstance(entry.get("streams"), dict) and isinstance(streams, dict):
            entry = {**entry, "streams": {
                stream_id: stream for stream_id, stream in entry["streams"].items()
                if not misspelt(("firms", firm_id, "streams", stream_id), streams, stream,
                                ("carrier", "direction"), "stream")}}
        kept[firm_id] = entry
    return {**override, "firms": kept}, problems


def _remove_firms(data: dict, removed: Any, file: str, line: Callable[..., int | None]
                  ) -> tuple[dict, list[Problem]]:
    """The park without the firms ``removed`` (from a scenario, or ``--set remove_firms=[..]``),
    their existing links, their names in other firms' ``exclude_partners`` and the ``materials``
    rules of materials only they named; and a problem
    for each id that is no firm of the park. ``line(i)`` locates item i, ``line()`` the list."""
    if not isinstance(removed, list):
        return data, [Problem(file, "remove_firms", value_words(removed), "a list of firm ids",
                              hint="write e.g. 'remove_firms: [nammo, yara]'", line=line())]
    firms = dict(data.get("firms") or {}) if isinstance(data.get("firms"), dict) else {}
    problems = []
    for i, firm in enumerate(removed):
        if isinstance(firm, str) and firm in removed[:i]:
            problems.append(Problem(file, "remove_firms", f"'{firm}' a second time", "each firm once",
                                    hint=f"remove the second '{firm}'", line=line(i)))
        elif not isinstance(firm, str) or firm not in firms:
            found = f"'{firm}'" if isinstance(firm, str | int | float) else value_words(firm)
            problems.append(Problem(file, "remove_firms", found, "a firm id of the park",
                                    hint=did_you_mean(str(firm), firms), line=line(i)))
        else:
            firms.pop(firm)
    gone = {str(firm) for firm in removed}
    for firm_id, firm in firms.items():
        rules = firm.get("rules") if isinstance(firm, dict) else None
        if isinstance(rules, dict) and isinstance(rules.get("exclude_partners"), list):
            firms[firm_id] = {**firm, "rules": {**rules, "exclude_partners": [
                other for other in rules["exclude_partners"] if other not in gone]}}
    data = dict(data)
    if isinstance(data.get("firms"), dict):
        # a materials rule whose material left with the firms names nothing now: it goes too
        routes = data.get("routes") if isinstance(data.get("routes"), dict) else {}
        sold_or_bought = {route["material"] for route in routes.values()
                          if isinstance(route, dict) and isinstance(route.get("material"), str)}
        left = _materials_named(data["firms"]) - _materials_named(firms) - sold_or_bought
        if left and isinstance(data.get("materials"), list):
            data["materials"] = [rule for rule in data["materials"] if not (
                isinstance(rule, dict) and {rule.get("by_product"), rule.get("replaces")} & left)]
        data["firms"] = firms
    if isinstance(data.get("existing"), list):
        data["existing"] = [link for link in data["existing"] if not (
            isinstance(link, dict) and {str(link.get("from", "")).split(".")[0],
                                        str(link.get("to", "")).split(".")[0]} & gone)]
    return data, problems


def _materials_named(firms: dict) -> set[str]:
    """The materials the streams of ``firms`` (as read from the file) name."""
    return {stream["material"] for firm in firms.values() if isinstance(firm, dict)
            for stream in (firm.get("streams") or {}).values()
            if isinstance(stream, dict) and isinstance(stream.get("material"), str)}


def _unknown_entry(data: dict, key: str) -> Problem | None:
    """A problem when override ``key`` reaches into a firm, stream, route or hub the park does not
    have (``firms.yaraa.streams.hydrogen.amount``): set, it would add a stub and a cascade of
    missing keys. A whole new entry (``firms.new={...}``) may be set."""
    parts = key.split(".")
    node: Any = data
    for depth, part in enumerate(parts[:-1]):
        what = _entry_kind(parts[:depth])
        if isinstance(node, list) and not (part.isdigit() and int(part) < len(node)):
            where = ".".join(parts[:depth])
            return Problem(f"override {key}", where, f"'{part}' in the list '{where}' of {len(node)} items",
                           f"the number of an item, 0 to {len(node) - 1}" if node else "an item of a list",
                           hint=f"write {where}.0.{'.'.join(parts[depth + 1:])} for its first item" if node
                           else f"give the whole list: --set {where}=[...]")
        if what is not None and isinstance(node, dict) and part not in node:
            firm = parts[1] if what == "stream" else None
            owner = f" of firm '{firm}'" if firm else ""
            return Problem(f"override {key}", ".".join(parts[2 if firm else 0:depth + 1]),
                           f"no {what} '{part}'{owner} in the park",
                           f"the id of a {what}{owner or ' of the park'}", hint=did_you_mean(part, node),
                           firm=firm)
        present, node = child(node, int(part) if isinstance(node, list) else part)
        if not present:
            return None
    return None


def _entry_kind(path: list[str]) -> str | None:
    """What the keys under ``path`` are ids of: firm, stream, route or hub (None: other keys)."""
    if len(path) == 3 and path[0] == "firms" and path[2] == "streams":
        return "stream"
    return {("firms",): "firm", ("routes",): "route", ("hubs",): "hub"}.get(tuple(path))


def _locator(park_doc: Document, scenario_doc: Document | None, overridden: tuple[str, ...]) -> Locate:
    def locate(loc: tuple) -> tuple[str, int | None]:
        if loc and loc[0] == "catalogue":
            return CATALOGUE_FILE, _catalogue_document().line(loc[1:])
        written = _has(park_doc.data, loc) or scenario_doc is not None and _has(scenario_doc.data, loc)
        for key in overridden:
            parts = tuple(key.split("."))
            path = tuple(str(part) for part in loc)
            inside = path and parts[:len(path)] == path  # the override wrote into what is at loc
            if path[:len(parts)] == parts or inside and (not written or not _is_mapping(park_doc.data, loc)):
                return f"override {key}", None
        if scenario_doc is not None and (_has(scenario_doc.data, loc) or _mapping_over_a_value(
                scenario_doc.data, park_doc.data, loc)):
            # written there, or missing from what only the scenario wrote (a firm it adds, a
            # mapping it puts where park.yaml has a value: time: {segments: 4} over time: annual)
            return str(scenario_doc.path), scenario_doc.line(loc)
        return str(park_doc.path), park_doc.line(loc)

    return locate


def _mapping_over_a_value(scenario: Any, park: Any, loc: tuple) -> bool:
    """Whether the scenario reaches deeper along ``loc`` than the park file, or as deep with a
    mapping where the park file has a value."""
    deepest = _depth(scenario, loc)
    if deepest != _depth(park, loc):
        return deepest > _depth(park, loc)
    reached = loc[:deepest]
    return deepest < len(loc) and _is_mapping(scenario, reached) and not _is_mapping(park, reached)


def _reach(data: Any, loc: tuple) -> tuple[int, Any]:
    """How many leading keys of ``loc`` the document has, and the value the last of them holds."""
    for depth, key in enumerate(loc):
        present, value = child(data, key)
        if not present:
            return depth, data
        data = value
    return len(loc), data


def _is_mapping(data: Any, loc: tuple) -> bool:
    depth, value = _reach(data, loc)
    return depth == len(loc) and isinstance(value, dict)


def _depth(data: Any, loc: tuple) -> int:
    """How many leading keys of ``loc`` the document has."""
    return _reach(data, loc)[0]


def _has(data: Any, loc: tuple) -> bool:
    return bool(loc) and _depth(data, loc) == len(loc)


def _checked_catalogue() -> dict[str, dict[str, Any]]:
    """The catalogue, shape-checked once (a broken shipped catalogue is our bug, said plainly)."""
    catalogue = raw_catalogue()
    for fields in catalogue.values():
        schema.Technology.model_validate(fields)
    return catalogue


def _fingerprints(data: dict, folder: Path, shape: schema.ParkFile) -> tuple[str, str, dict[str, Any]]:
    """Short hashes of the park data and its profile files: of each value meant one way
    (:func:`symbiosis.units.meant_one_way`: the fingerprint), and of each written one way
    (:func:`symbiosis.units.written_one_way`: the fingerprint before 2026-12-05, which saved
    results record); and every value by its key path with each profile file's digest
    (:func:`data_by_key`). Each profile file is read once for all three."""
    digests = [hashlib.sha256(json.dumps(_same_writing(data, same), sort_keys=True, default=str).encode())
               for same in (meant_one_way, written_one_way)]
    files: dict[str, str] = {}
    for firm in shape.firms.values():
        for stream in firm.streams.values():
            if stream.profile:
                path = folder / stream.profile
                if path.is_file():
                    profile = path.read_bytes()
                    for digest in digests:
                        digest.update(profile)
                    digest_of_file = hashlib.blake2b(profile, digest_size=6).hexdigest()
                    files[f"profile file {stream.profile}"] = digest_of_file
    meant, written = (digest.hexdigest()[:16] for digest in digests)
    return meant, written, {**data_by_key(data), **files}


# A number with a point before groups of three digits, then a unit: '16.000 MWh/year' is 16 as
# written, but a Norwegian or Swedish hand may have meant sixteen thousand.
_POINT_THOUSANDS = re.compile(r"^\s*([-+]?[1-9]\d{0,2}(?:\.\d{3})+)\s*([^\d\s.,].*?)\s*$")


def points_in_thousands(data: Any) -> tuple[tuple[str, str, str], ...]:
    """Values written like ``16.000 MWh/year`` (read with a decimal point, as 16) as (key path,
    number as written, unit): a warning asks whether thousands were meant."""
    found = []
    for key, value in _leaves(data):
        items = [(f"{key}[{index}]", item) for index, item in enumerate(value)] \
            if isinstance(value, list) else [(key, value)]
        # a percentage is no thousands: 99.999 % (five nines hydrogen) is not 99,999 % (an audit)
        found += [(where, *match.groups()) for where, item in items
                  if isinstance(item, str) and (match := _POINT_THOUSANDS.match(item))
                  and not match.group(2).startswith("%")]
    return tuple(found)


def _entry_label(entry: Any, index: int) -> str:
    """What an entry of a list names itself by: an existing link by its ends and technology
    (``hydro/cooling -> vt_dh/network, hot_water_pipe``), a material rule by what replaces what;
    else its place. Not by place alone, so that removing the first link is one change, not one a
    link; ``/`` for the dot of ``firm.stream``, which key paths split at."""
    if isinstance(entry, dict):
        ends = [entry.get(a) for a in ("from", "to")] if "from" in entry else \
            [entry.get(a) for a in ("by_product", "replaces")]
        if all(isinstance(end, str) for end in ends):
            label = " -> ".join(end.replace(".", "/") for end in ends)  # type: ignore[union-attr]
            technology = entry.get("technology")
            return label + (f", {technology}" if isinstance(technology, str) else "")
    return str(index)


def data_by_key(data: Any) -> dict[str, Any]:
    """Every value of park data by its key path, each written one way: ``{'firms.hydro.streams.
    cooling.temperature': '45 degC', 'materials[0].ratio': 0.9, ...}``, a list of plain values
    (``exclude_partners``) as one value. What a report compares to say which data changed."""
    found: dict[str, Any] = {}
    for key, value in _leaves(data):
        if isinstance(value, list):
            found[key] = ", ".join(str(written_one_way(item)) for item in value)
        else:
            written = written_one_way(value)
            plain = written is None or isinstance(written, bool | int | float | str)
            found[key] = written if plain else str(written)
    return found


def _leaves(node: Any, key: str = "") -> Iterator[tuple[str, Any]]:
    """Each value of park data as written, by its key path (an entry of a list of mappings by
    :func:`_entry_label`); a list of plain values is one value."""
    if isinstance(node, dict):
        for name, value in node.items():
            yield from _leaves(value, f"{key}.{name}" if key else str(name))
    elif isinstance(node, list) and any(isinstance(item, dict | list) for item in node):
        for index, value in enumerate(node):
            yield from _leaves(value, f"{key}[{_entry_label(value, index)}]")
    else:
        yield key, node


def _same_writing(node: Any, same: Callable[[object], object]) -> Any:
    """``node`` with each value meant one way (:func:`symbiosis.units.meant_one_way`), so that
    the fingerprint is of the data, not of how a value was typed (a report's --set of
    '300.0 EUR/t' had lost its comparison with the runs of '300 EUR/t'; a price rewritten from
    0.55 NOK/kWh to 550 NOK/MWh was 'the park data changed')."""
    if isinstance(node, dict):
        return {key: _same_writing(value, same) for key, value in node.items()}
    if isinstance(node, list):
        return [_same_writing(value, same) for value in node]
    return same(node)


def _mapping(value: Any) -> Mapping:
    return value if isinstance(value, Mapping) else {}
