"""``load_park``: a park folder (and optional scenario) in, a validated ``Park`` out."""

from __future__ import annotations

import hashlib
import json
import types
import typing
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from symbiosis.park import schema
from symbiosis.park.convert import Locate, build_park, dotted
from symbiosis.park.model import Park
from symbiosis.park.problems import ParkError, Problem, did_you_mean
from symbiosis.park.yamlfile import Document, deep_merge, read_yaml, set_path

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
    scenario: str | None = None,
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
    file = park_file(path)
    folder = file.parent
    park_doc = read_yaml(file, display=str(file))
    if not isinstance(park_doc.data, dict):
        raise ParkError([Problem(str(file), "park", _kind(park_doc.data), "a mapping with "
                                 "'park:' and 'firms:'", hint="start from the README's example")])
    data = park_doc.data
    scenario_doc = None
    scenario_name = None
    if scenario is not None:
        scenario_path = Path(scenario)
        if scenario_path.suffix not in (".yaml", ".yml"):
            scenario_path = folder / "scenarios" / f"{scenario}.yaml"
        if not scenario_path.exists():
            known = sorted(p.stem for p in (folder / "scenarios").glob("*.yaml"))
            raise ParkError([Problem(str(scenario_path), "scenario", f"'{scenario}'",
                                     "a scenario file in the park's scenarios/ folder",
                                     hint=did_you_mean(scenario, known))])
        scenario_doc = read_yaml(scenario_path, display=str(scenario_path))
        scenario_name = scenario_path.stem
        data = _apply_scenario(data, scenario_doc)
    for key, value in (overrides or {}).items():
        data = set_path(data, key, value)

    locate = _locator(park_doc, scenario_doc)
    try:
        shape = schema.ParkFile.model_validate(data)
    except ValidationError as exc:
        raise ParkError(_shape_problems(exc, data, locate)) from None
    fingerprint = _fingerprint(data, folder, shape)
    return build_park(shape, _checked_catalogue(), locate, folder=folder,
                      scenario=scenario_name, fingerprint=fingerprint)


def _apply_scenario(data: dict, doc: Document) -> dict:
    if not isinstance(doc.data, dict):
        raise ParkError([Problem(str(doc.path), "scenario", _kind(doc.data),
                                 "a mapping of park keys to override", hint="see the README")])
    override = dict(doc.data)
    removed = override.pop("remove_firms", None) or []
    override.pop("description", None)
    if not isinstance(removed, list):
        raise ParkError([Problem(str(doc.path), "remove_firms", _kind(removed), "a list of firm ids",
                                 line=doc.line(("remove_firms",)))])
    merged = deep_merge(data, override)
    firms = dict(merged.get("firms") or {})
    problems = []
    for firm in removed:
        if firm not in firms:
            problems.append(Problem(str(doc.path), "remove_firms", f"'{firm}'", "a firm id of the park",
                                    hint=did_you_mean(firm, firms), line=doc.line(("remove_firms",))))
        firms.pop(firm, None)
    if problems:
        raise ParkError(problems)
    gone = set(removed)
    for firm_id, firm in firms.items():
        rules = (firm or {}).get("rules") if isinstance(firm, dict) else None
        if isinstance(rules, dict) and isinstance(rules.get("exclude_partners"), list):
            firms[firm_id] = {**firm, "rules": {**rules, "exclude_partners": [
                other for other in rules["exclude_partners"] if other not in gone]}}
    merged["firms"] = firms
    if isinstance(merged.get("existing"), list):
        merged["existing"] = [link for link in merged["existing"] if not (
            isinstance(link, dict) and {str(link.get("from", "")).split(".")[0],
                                        str(link.get("to", "")).split(".")[0]} & gone)]
    return merged


def _locator(park_doc: Document, scenario_doc: Document | None) -> Locate:
    def locate(loc: tuple) -> tuple[str, int | None]:
        if loc and loc[0] == "catalogue":
            return CATALOGUE_FILE, _catalogue_document().line(loc[1:])
        if scenario_doc is not None and _has(scenario_doc.data, loc):
            return str(scenario_doc.path), scenario_doc.line(loc)
        return str(park_doc.path), park_doc.line(loc)

    return locate


def _has(data: Any, loc: tuple) -> bool:
    for key in loc:
        if isinstance(data, dict) and key in data:
            data = data[key]
        elif isinstance(data, list) and isinstance(key, int) and key < len(data):
            data = data[key]
        else:
            return False
    return bool(loc)


def _kind(value: Any) -> str:
    if value is None:
        return "an empty file"
    return {dict: "a mapping", list: "a list", str: f"the text '{value}'"}.get(
        type(value), f"'{value}'")


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


def _shape_problems(exc: ValidationError, data: Any, locate: Locate) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple] = set()
    for error in exc.errors():
        loc = _data_loc(error["loc"], data, error["type"])
        if loc in seen:
            continue
        seen.add(loc)
        problems.append(_shape_problem(error, loc, locate))
    return problems


def _data_loc(loc: tuple, data: Any, kind: str) -> tuple:
    """Drop the union-member tags pydantic adds, keeping only keys present in the data."""
    kept: list = []
    node = data
    for i, key in enumerate(loc):
        if isinstance(node, dict) and key in node:
            kept.append(key)
            node = node[key]
        elif isinstance(node, list) and isinstance(key, int) and key < len(node):
            kept.append(key)
            node = node[key]
        elif kind == "missing" and i == len(loc) - 1:
            kept.append(key)
        elif isinstance(node, dict | list):
            continue
        else:
            break
    return tuple(kept)


def _shape_problem(error: dict, loc: tuple, locate: Locate) -> Problem:
    file, line = locate(loc)
    firm = stream = None
    rest = loc
    if len(loc) >= 2 and loc[0] == "firms":
        firm, rest = str(loc[1]), loc[2:]
        if len(loc) >= 4 and loc[2] == "streams":
            stream, rest = str(loc[3]), loc[4:]
    field = dotted(rest) or ("stream" if stream else "firm" if firm else "park file")
    kind, key = error["type"], loc[-1] if loc else ""
    value = error.get("input")
    if kind == "missing":
        model = _model_at(loc[:-1])
        info = model.model_fields.get(str(key)) if model else None
        words = f" ({info.description})" if info and info.description else ""
        return Problem(file, field, "nothing", f"the key '{key}'{words}",
                       f"add '{key}:' here", line, firm, stream)
    if kind == "extra_forbidden":
        model = _model_at(loc[:-1])
        allowed = [f.alias or name for name, f in model.model_fields.items()] if model else []
        return Problem(file, field, f"unknown key '{key}'", "one of the keys of the park file contract",
                       did_you_mean(str(key), allowed) + " (see the README's park file format)",
                       line, firm, stream)
    if kind == "literal_error":
        return Problem(file, field, f"'{value}'", f"one of {error['ctx']['expected']}",
                       did_you_mean(str(value), _literal_choices(error)), line, firm, stream)
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return Problem(file, field, _kind(value), "a mapping of keys to values",
                       "indent the keys below this one", line, firm, stream)
    if kind == "list_type":
        return Problem(file, field, _kind(value), "a list", "write [a, b] or one '- item' per line",
                       line, firm, stream)
    return Problem(file, field, _kind(value), error["msg"].lower(), "correct the value", line, firm, stream)


def _literal_choices(error: dict) -> list[str]:
    expected = error.get("ctx", {}).get("expected", "")
    return [part.strip(" '\"") for part in expected.replace(" or ", ",").split(",") if part.strip()]


def _checked_catalogue() -> dict[str, dict[str, Any]]:
    """The catalogue, shape-checked once (a broken shipped catalogue is our bug, said plainly)."""
    catalogue = raw_catalogue()
    for name, fields in catalogue.items():
        schema.Technology.model_validate(fields)
    return catalogue


def _fingerprint(data: dict, folder: Path, shape: schema.ParkFile) -> str:
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode())
    for firm in shape.firms.values():
        for stream in firm.streams.values():
            if stream.profile:
                path = folder / stream.profile
                if path.is_file():
                    digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
