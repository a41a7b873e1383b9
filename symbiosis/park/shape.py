"""A park file's shape checked against the schema (:mod:`symbiosis.park.schema`, pydantic), and
each shape error said as a park problem: where it is written, what was found, what was expected
and how to fix it (a misspelt key read as meant, with did-you-mean). Broken entries are set aside
so that the rest of the file is still checked, and one mistake gives one message.
"""

from __future__ import annotations

import copy
import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from symbiosis.park import schema
from symbiosis.park.problems import Problem, closest, did_you_mean, problem_at, value_words
from symbiosis.park.reader import Broken, Locate
from symbiosis.park.yamlfile import child

# Sections whose entries can be set aside when one of them is broken, so that the
# rest of the file is still checked: firms.F.streams.S, firms.F, routes.R, ...
ENTRY_SECTIONS = ("firms", "routes", "technologies", "hubs", "materials", "existing")
# Placeholders for required settings that are broken, only so that the rest can be checked.
SETTING_PLACEHOLDERS = {"name": "park", "currency": "EUR", "discount_rate": "0 %"}


def validate_shape(data: dict, locate: Locate) -> tuple[schema.ParkFile | None, list[Problem], Broken]:
    """The checked shape, and the shape problems. With problems, broken entries are set aside
    and the rest is still checked (``Broken`` says what was set aside); None when nothing can be."""
    try:
        return schema.ParkFile.model_validate(data), [], Broken()
    except ValidationError as exc:
        errors = _shape_errors(exc, data)
    problems = [_shape_problem(error, loc, locate) for loc, error in errors]
    for _ in range(3):  # a misspelt key is read as meant; if its value is wrong too, that is a problem
        pruned = _prune(data, errors)
        if pruned is None:
            break
        rest, broken = pruned
        try:
            return schema.ParkFile.model_validate(rest), problems, broken
        except ValidationError as again:
            more = [(broken.original(loc), error) for loc, error in _shape_errors(again, rest)]
        problems += [_shape_problem(error, loc, locate) for loc, error in more]
        errors += more
    return None, problems, Broken()


def _shape_errors(exc: ValidationError, data: Any) -> list[tuple[tuple, dict]]:
    """pydantic's errors at their place in the data: one per place, the most specific."""
    errors: dict[tuple, dict] = {}
    for error in exc.errors():
        loc = _data_loc(error["loc"], data, error["type"])
        errors.setdefault(loc, error)
    # A union (``time: annual | {typical_days: N}``) fails once per member; keep the deeper one.
    # A misspelt required key (``direcion``) is one mistake: its "missing" twin is not reported.
    misspelt = {(*loc[:-1], _close_key(loc)) for loc, error in errors.items()
                if error["type"] == "extra_forbidden"}
    return [(loc, error) for loc, error in errors.items()
            if not any(len(other) > len(loc) and other[:len(loc)] == loc for other in errors)
            and not (error["type"] == "missing" and loc in misspelt)]


def _data_loc(loc: tuple, data: Any, kind: str) -> tuple:
    """Drop the union-member tags pydantic adds, keeping only keys present in the data."""
    kept: list = []
    node = data
    for i, key in enumerate(loc):
        present, below = child(node, key)
        if present:
            kept.append(key)
            node = below
        elif kind == "missing" and i == len(loc) - 1:
            kept.append(key)
        elif isinstance(node, dict | list):
            continue
        else:
            break
    return tuple(kept)


def _prune(data: dict, errors: list[tuple[tuple, dict]]) -> tuple[dict, Broken] | None:
    """A copy of ``data`` without the entries that hold shape errors, or None if a whole
    section is broken (then only the shape problems are reported). A misspelt key
    (``temperatur``) is read as the key it is close to."""
    rest = copy.deepcopy(data)
    broken = Broken()
    dropped: dict[str, set[int]] = {}
    for loc, error in errors:
        if error["type"] == "extra_forbidden":
            meant = _close_key(loc)
            if _delete(rest, loc, rename_to=meant) and meant is not None:
                broken.renamed[(*loc[:-1], meant)] = loc
        elif len(loc) >= 2 and loc[0] == "park" and isinstance(rest.get("park"), dict):
            rest["park"].pop(loc[1], None)
            broken.settings.add(str(loc[1]))
            if loc[1] in SETTING_PLACEHOLDERS:
                rest["park"][loc[1]] = SETTING_PLACEHOLDERS[loc[1]]
        elif len(loc) >= 2 and loc[0] in ENTRY_SECTIONS:
            entry = loc[:4] if loc[0] == "firms" and len(loc) >= 4 and loc[2] == "streams" else loc[:2]
            broken.add(entry, _get(data, entry))
            if isinstance(entry[1], int):
                dropped.setdefault(entry[0], set()).add(entry[1])
            else:
                _delete(rest, entry)
        else:
            return None
    for section, indices in dropped.items():
        broken.kept[section] = [i for i in range(len(rest[section])) if i not in indices]
        rest[section] = [rest[section][i] for i in broken.kept[section]]
    return rest, broken


def _get(data: Any, loc: tuple) -> Any:
    for key in loc:
        _, data = child(data, key)
    return data


def _delete(data: Any, loc: tuple, *, rename_to: str | None = None) -> bool:
    """Delete the key at ``loc``, or move its value to ``rename_to``: whether it was moved."""
    parent = _get(data, loc[:-1])
    if isinstance(parent, dict) and loc[-1] in parent:
        value = parent.pop(loc[-1])
        if rename_to is not None and rename_to not in parent:
            parent[rename_to] = value
            return True
    return False


def _close_key(loc: tuple) -> str | None:
    """The key of the contract that an unknown key at ``loc`` is a misspelling of, if any."""
    model = _model_at(loc[:-1])
    allowed = [f.alias or name for name, f in model.model_fields.items()] if model else []
    return closest(str(loc[-1]), allowed, cutoff=0.8)


# An example of the quantities most often written, as the park file contract writes them (DESIGN
# section 2): a mapping or list where one belongs is told what to write there, not three others
# (an audit: a carbon price was told '12 GWh/year').
_EXAMPLES = {
    "carbon_price": "900 NOK/t", "discount_rate": "7 %", "temperature": "85 degC",
    "target_temperature": "60 degC", "amount": "12 GWh/year", "heat_capacity_rate": "100 kW/K",
    "price": "0.55 NOK/kWh", "emissions": "0.23 kg/kWh", "capacity": "5 MW", "pressure": "30 bar",
    "purity": "99.9 %", "max_share": "30 %", "lifetime": "30 year", "min_approach": "10 K",
    "investment": "100000 EUR", "investment_per_capacity": "100000 EUR/MW",
    "investment_per_length": "9000 NOK/m", "fixed_om": "2 %", "running_cost": "5 NOK/MWh",
    "loss_per_km": "1 %", "max_distance": "5 km", "min_capacity": "0.1 MW", "x": "1200 m", "y": "300 m",
}


# Keys users write on a technology that the contract holds elsewhere, with where.
_BELONGS_ELSEWHERE = {
    ("technologies", "max_capacity"): "a link is sized by the model up to what its streams carry, so a "
    "technology has no largest size; a hub's unit takes one under the hub ('hubs: {h2_hub: {max_capacity: "
    "{electrolyser: 50 MW}}}'); remove it here",
}


def _shape_problem(error: dict, loc: tuple, locate: Locate) -> Problem:
    file, line = locate(loc)
    kind, key = error["type"], loc[-1] if loc else ""
    value = error.get("input")
    info = _field_info(loc)
    words = f" ({info.description})" if info and info.description else ""

    def problem(found: str, expected: str, hint: str) -> Problem:
        return problem_at(file, line, loc, found, expected, hint)

    if kind == "missing":
        return problem("nothing", f"the key '{key}'{words}", f"add '{key}:' here")
    if kind == "extra_forbidden":
        model = _model_at(loc[:-1])
        allowed = [f.alias or name for name, f in model.model_fields.items()] if model else []
        elsewhere = _BELONGS_ELSEWHERE.get((loc[0], key)) if len(loc) == 3 else None
        before, colon, after = str(key).partition(":")
        if colon and before.strip() in allowed:  # {typical_days:2}: YAML reads one key
            elsewhere = (f"put a space after the colon: '{before.strip()}: {after.strip()}' (without it "
                         f"YAML reads '{key}' as one key)")
        return problem(f"unknown key '{key}'", "one of the keys of the park file contract",
                       elsewhere or did_you_mean(str(key), allowed) + " (see the README's park file format)")
    if kind == "literal_error":
        hint = did_you_mean(str(value), _literal_choices(error))
        if key == "time":
            hint = f"{hint} (or a mapping such as {{typical_days: 8}})"
        if isinstance(value, str) and value.lstrip().startswith(("{", "[")):
            hint = ("this is text, not a mapping (a quoted value in a file, or a string given in Python, "
                    "is not read as YAML): write the mapping itself, {typical_days: 8} in the file, "
                    "{'typical_days': 8} in Python")
        return problem(f"'{value}'", f"one of {error['ctx']['expected']}{words}", hint)
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return problem(value_words(value), f"a mapping of keys to values{words}",
                       "write 'key: value' lines indented below this key, or {key: value, ...}")
    if kind == "list_type":
        return problem(value_words(value), f"a list{words}", "write [a, b] or one '- item' per line")
    if info is not None and _is_quantity(info.annotation):
        example = _EXAMPLES.get(str(key))
        examples = f"'{example}'" if example else "'12 GWh/year', '85 degC' or '30 %'"
        return problem(value_words(value), f"one number with its unit{words}",
                       f"write e.g. {examples} on the same line as the key")
    bounds = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<", "less_than_equal": "<="}
    if kind in bounds:
        limit = next(iter(error.get("ctx", {}).values()), "")
        return problem(value_words(value), f"a number {bounds[kind]} {limit}{words}", "correct the value")
    if kind.startswith(("int_", "float_")):
        whole = " whole" if kind.startswith("int_") else ""
        given_a_number = isinstance(value, int | float) and not isinstance(value, bool)
        if given_a_number and whole:
            hint = f"write a whole number, e.g. {max(1, round(value))}"
        elif isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d+([.,]\d*)?\s*", value):
            number = float(value.strip().replace(",", "."))
            if whole:
                hint = f"write a whole number without quotes, e.g. {max(1, round(number))}"
            elif "," in value:  # lat: 60,7282 is text to YAML
                hint = f"write the number with a decimal point, not a comma: {number:g}"
            else:
                hint = f"write the number without quotes: {number:g}"
        elif isinstance(value, str):
            hint = "write the number without a unit"
        else:
            hint = "write a number"
        return problem(value_words(value), f"a{whole} number{words}", hint)
    if kind.startswith("bool_"):
        return problem(value_words(value), f"true or false{words}", "write true or false")
    if kind == "string_too_short":
        return problem(value_words(value), f"a name{words}",
                       "write a name, e.g. 'name: Raufoss industripark'")
    if kind.startswith("string_"):
        given_one = isinstance(value, int | float | bool) or value is None
        hint = (f"write it as text{', in quotes' if isinstance(value, int | float) else ''}"
                if given_one else "write one value, not a list or mapping")
        return problem(value_words(value), f"a name or text{words}", hint)
    return problem(value_words(value), error["msg"].lower() + words, "correct the value")


def _field_info(loc: tuple) -> Any:
    """pydantic's FieldInfo for the key at ``loc``, or None."""
    model = _model_at(loc[:-1]) if loc else None
    if model is None:
        return None
    return next((f for name, f in model.model_fields.items() if loc[-1] in (name, f.alias)), None)


def _is_quantity(annotation: Any) -> bool:
    """Whether a field holds a ``schema.Value`` (a number with its unit)."""
    return {str, float} <= _members(annotation)


def _members(annotation: Any) -> set:
    """The plain types a (possibly optional, annotated) union accepts."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _members(args[0])
    if origin in (typing.Union, types.UnionType):
        return set().union(*(_members(arg) for arg in args))
    return {annotation}


def _literal_choices(error: dict) -> list[str]:
    expected = error.get("ctx", {}).get("expected", "")
    return [part.strip(" '\"") for part in expected.replace(" or ", ",").split(",") if part.strip()]


def _model_at(loc: tuple) -> type[BaseModel] | None:
    """The schema model that describes the mapping at ``loc`` (for did-you-mean)."""
    node: Any = schema.ParkFile
    for key in loc:
        node = _unwrap(node)
        if isinstance(node, type) and issubclass(node, BaseModel):
            field = next((f for name, f in node.model_fields.items()
                          if key in (name, f.alias)), None)
            if field is None:
                return None
            node = field.annotation
        elif typing.get_origin(node) in (dict, list):
            node = typing.get_args(node)[-1]
        else:
            return None
    node = _unwrap(node)
    return node if isinstance(node, type) and issubclass(node, BaseModel) else None


def _unwrap(node: Any) -> Any:
    """``X | None`` -> ``X``; ``Literal | Model`` -> ``Model``."""
    origin = typing.get_origin(node)
    if origin in (typing.Union, types.UnionType):
        options = [arg for arg in typing.get_args(node) if arg is not type(None)]
        models = [arg for arg in options if isinstance(arg, type) and issubclass(arg, BaseModel)]
        containers = [arg for arg in options if typing.get_origin(arg) in (dict, list)]
        return (models or containers or options)[0]
    return node
