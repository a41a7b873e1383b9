"""Read YAML safely, keep line numbers, and merge scenarios over a park."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, SequenceNode

from symbiosis.park.problems import ParkError, Problem, dotted, problem_at


@dataclass
class Document:
    """A parsed YAML file: plain data plus the node tree that knows line numbers."""

    path: Path
    data: Any
    tree: Any = field(repr=False, default=None)
    problems: list[Problem] = field(default_factory=list)

    def line(self, loc: tuple) -> int | None:
        """1-based line of the deepest existing key along ``loc``."""
        node, line = self.tree, None
        for key in loc:
            if isinstance(node, CommentedMap) and key in node:
                line = node.lc.key(key)[0] + 1
                node = node[key]
            elif isinstance(node, CommentedSeq) and isinstance(key, int) and key < len(node):
                line = node.lc.item(key)[0] + 1
                node = node[key]
            else:
                break
        return line


# Far beyond any park (a park of 1000 firms is 0.6 MB, 100,000 values, 6 levels deep), and small
# enough that a file past them is refused at once instead of taking minutes or all memory
# (a 'billion laughs' of nested aliases, a file nested thousands of levels deep).
MAX_FILE_BYTES = 10_000_000
MAX_VALUES = 2_000_000
MAX_DEPTH = 50


# Tags of plain YAML; any other (``!!python/object/apply:os.system``, ``!custom``) is refused,
# although the round-trip reader never runs one: a park file holds plain values only.
PLAIN_TAGS = {f"tag:yaml.org,2002:{name}" for name in
              ("str", "int", "float", "bool", "null", "map", "seq", "omap", "set", "timestamp", "binary")}


class _Refused(Exception):
    def __init__(self, found: str, expected: str, hint: str, loc: tuple = ()) -> None:
        super().__init__(found)
        self.found, self.expected, self.hint, self.loc = found, expected, hint, loc
        self.kept = False  # a refused key: whether its entry is still read
        self.decimal_comma = False  # a refused key: the rest of a number split at a decimal comma


def _too_large(found: str) -> _Refused:
    return _Refused(found, "a park file: mappings and lists a few levels deep",
                    "check the file's brackets and indentation, and its anchors (&) and aliases (*)")


# What is left of "0,65 SEK/kWh" after YAML split {price: 0,65 SEK/kWh} at its comma: a key "65 SEK/kWh".
_DIGITS_THEN_UNIT = re.compile(r"^\d+\s+\S")


def _number_key(key: int | float, value: Any, loc: tuple) -> _Refused:
    """A key YAML read as a number: an id written as digits (``007:`` is the number 7, the
    zeros gone), or the digits after a decimal comma in ``{lat: 60,7282}`` (a key 7282)."""
    if value is None and isinstance(key, int):
        hint = ("a decimal comma? In {a: b, ...} a comma starts the next key: write the number before "
                f"it with a decimal point (',{key}' -> '.{key}')")
    else:
        hint = "quote it as you wrote it, e.g. \"007\": (unquoted, YAML reads 007 as the number 7)"
    return _Refused(f"the key {key}, which YAML reads as a number", "a key of text: an id or a field name",
                    hint, (*loc, str(key)))


def _plain(node: Any, count: list[int] | None = None, loc: tuple = (),
           refused: list[_Refused] | None = None) -> Any:
    """The tree as plain dicts, lists and scalars. A key no one meant (a number, the rest of a
    decimal comma, a key twice once its spaces go) is added to ``refused`` and the reading goes
    on, so that the other problems of the file are said with it; what cannot be read on (a tag,
    a mapping as a key, a file too large) is raised."""
    count = [0] if count is None else count
    refused = [] if refused is None else refused
    count[0] += 1
    if count[0] > MAX_VALUES:
        raise _too_large(f"more than {MAX_VALUES:,} values (aliases included)")
    if len(loc) > MAX_DEPTH:
        raise _too_large(f"values nested more than {MAX_DEPTH} levels deep")
    tag = getattr(node, "tag", None)
    tag = getattr(tag, "value", tag)
    if isinstance(tag, str) and tag not in PLAIN_TAGS:
        raise _Refused(f"the YAML tag '{tag.replace('tag:yaml.org,2002:', '!!')}'",
                       "a plain value: text, a number, a list or a mapping",
                       "remove the tag (the word starting with '!'); a park file holds no objects", loc)
    if isinstance(node, CommentedMap):
        plain, stripped = {}, {}  # stripped: each key read so far without the spaces at its ends
        for k, v in node.items():
            if not isinstance(k, str | bool | int | float) and k is not None:  # {{a: 1}}: a mapping as key
                raise _Refused(f"a {'mapping' if hasattr(k, 'items') else 'list'} used as a key",
                               "a key of text: an id or a field name",
                               "doubled braces or brackets? Write one pair, as in {x: 0 m, y: 0 m}", loc)
            problem = _key_problem(k, v, loc, stripped)
            if problem is not None:
                refused.append(problem)
                if problem.decimal_comma and plain:
                    _mend_decimal_comma(plain, k)
                if not problem.kept:
                    continue
            plain[str(k)] = _plain(v, count, (*loc, str(k)), refused)
            stripped.setdefault(str(k).strip(), str(k))
        return plain
    if isinstance(node, CommentedSeq):
        return [_plain(v, count, (*loc, i), refused) for i, v in enumerate(node)]
    if isinstance(node, bytes):  # !!binary
        raise _Refused("binary data (the YAML tag '!!binary')", "a plain value: text, a number, a list "
                       "or a mapping", "write the value as text", loc)
    if node is not None and not isinstance(node, str | int | float | bool):
        return str(node)
    return node


def _mend_decimal_comma(plain: dict, rest: Any) -> None:
    """Read on with what a decimal comma meant: ``{price: 0,65 NOK/kWh}`` gave ``price: 0`` and a
    key ``65 NOK/kWh``; the price reads ``0.65 NOK/kWh`` for the checks still to come (the file is
    refused all the same), so that they do not say again, less plainly, what the comma broke."""
    last = next(reversed(plain))
    before = plain[last]
    if isinstance(before, int) and not isinstance(before, bool):
        mended = f"{before}.{rest}"
        plain[last] = float(mended) if isinstance(rest, int) else mended


def _key_problem(k: Any, v: Any, loc: tuple, before: dict[str, str]) -> _Refused | None:
    """What is wrong with key ``k`` of a mapping whose keys came first as ``before`` (each
    without the spaces at its ends, to the key as written), if anything;
    ``kept`` says whether its entry is still read (an id written as digits is, as text)."""
    if isinstance(k, int | float) and not isinstance(k, bool):
        problem = _number_key(k, v, loc)
        problem.decimal_comma = v is None and isinstance(k, int)
        problem.kept = not problem.decimal_comma
        return problem
    if isinstance(k, str) and v is None and _DIGITS_THEN_UNIT.match(k):
        problem = _Refused(f"the key '{k}'", "a key of text: an id or a field name",
                           "a decimal comma? In {a: b, ...} a comma starts the next key: write the "
                           f"number before '{k}' with a decimal point, or quote the whole value "
                           "(price: '0,65 SEK/kWh')", (*loc, k))
        problem.decimal_comma = True
        return problem
    if isinstance(k, str):
        # ``'cooling '`` quoted beside ``cooling``: ids are read without those spaces, so the later
        # entry silently replaced the earlier one (a whole firm lost); the first is kept
        alike = before.get(k.strip())
        if alike is not None:
            where = dotted(loc) or "the file"
            return _Refused(f"the key {k!r}, which is {alike!r} a second time once the spaces at its "
                            "ends go", f"each key and id once in {where}",
                            "remove the spaces inside the quotes, then rename one of the two or merge them",
                            (*loc, k))
    return None


def nfc(value: Any) -> Any:
    """``value`` with every text in it (keys, items) in Unicode's composed form (NFC), as park
    files are read."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {nfc(key): nfc(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(nfc(item) for item in value)
    return value


def read_yaml(path: Path, *, display: str) -> Document:
    """Parse ``path`` as YAML (safe: no Python objects), or raise a ParkError naming the line.

    A key written twice in one mapping (two firms with one id) is not fatal: the first
    is kept and the duplicate is listed in ``Document.problems`` with both lines.
    """
    text = _text(path, display)
    duplicates: list[Problem] = []
    try:
        try:
            tree = YAML(typ="rt", pure=True).load(text)
        except DuplicateKeyError:  # read again, keeping the first of each, to list every duplicate
            yaml = YAML(typ="rt", pure=True)
            yaml.allow_duplicate_keys = True
            tree = yaml.load(text)
            duplicates = _duplicates(yaml.compose(text), (), display)
    except MarkedYAMLError as exc:
        raise ParkError([_syntax_problem(exc, display, text)]) from None
    except YAMLError as exc:
        raise ParkError([Problem(display, "YAML", str(exc).splitlines()[0], "valid YAML",
                                 hint="check the file's syntax")]) from None
    except RecursionError:
        exc = _too_large(f"values nested more than {MAX_DEPTH} levels deep")
        raise ParkError([Problem(display, "file", exc.found, exc.expected, exc.hint)]) from None
    refused: list[_Refused] = []
    try:
        data = _plain(tree, refused=refused)
    except _Refused as exc:
        if not exc.loc:
            raise ParkError([Problem(display, "file", exc.found, exc.expected, exc.hint)]) from None
        raise ParkError([_refusal(path, tree, display, exc)]) from None
    keys = [_refusal(path, tree, display, exc) for exc in refused]
    return Document(path=path, data=data, tree=tree, problems=[*duplicates, *keys])


def _refusal(path: Path, tree: Any, display: str, exc: _Refused) -> Problem:
    line = Document(path=path, data=None, tree=tree).line(exc.loc)
    return problem_at(display, line, exc.loc, exc.found, exc.expected, exc.hint)


def _namesake(path: Path) -> Path | None:
    """A file beside the missing park.yaml that is most likely it (park.yml, Park.yaml, or
    park.yaml.txt as Windows Notepad saves it with file extensions hidden)."""
    if not path.parent.is_dir():
        return None
    for candidate in sorted(path.parent.iterdir()):
        name = candidate.name.lower().removesuffix(".txt")
        if candidate.is_file() and name in ("park.yaml", "park.yml"):
            return candidate
    return None


def _text(path: Path, display: str) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES and path.is_file():
            raise ParkError([Problem(display, "file", f"a file of {size / 1e6:,.0f} MB",
                                     f"a YAML file of at most {MAX_FILE_BYTES / 1e6:.0f} MB",
                                     hint="check that this is the park file; put hourly data in "
                                     "profile CSVs")])
        raw = path.read_bytes()
    except FileNotFoundError:
        hint = f"create {display} or point to the park folder"
        inside = sorted(p.parent.name for p in path.parent.glob("*/park.yaml")) \
            if path.name == "park.yaml" else []
        if inside:  # a folder of parks, such as parks/
            hint = "point to one of the park folders in it: " + ", ".join(inside[:8]) + (
                ", ..." if len(inside) > 8 else "")
        elif path.name == "park.yaml" and (namesake := _namesake(path)) is not None:
            hint = f"the park file must be named park.yaml: rename {namesake.name} to park.yaml"
        raise ParkError([Problem(display, "file", "no such file", "a YAML file", hint=hint)]) from None
    except IsADirectoryError:
        raise ParkError([Problem(display, "file", "a folder", "a YAML file",
                                 hint="point to the park folder or to its park.yaml")]) from None
    except OSError as exc:
        raise ParkError([Problem(display, "file", f"an unreadable file ({exc.strerror})",
                                 "a readable YAML file", hint="check the file's permissions")]) from None
    try:
        # One form of each letter: "borlänge" typed on a Mac (a + combining diaeresis) is the same
        # id as the one typed elsewhere (one letter ä).
        return unicodedata.normalize("NFC", raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise ParkError([Problem(display, "file", "UTF-16 text", "a UTF-8 text file",
                                     hint="save the file as UTF-8")]) from None
        raise ParkError([Problem(display, "file", f"the byte {raw[exc.start]:#04x}, which is not UTF-8 text",
                                 "a UTF-8 text file", hint="save the file as UTF-8 (not Latin-1 or "
                                 "Windows-1252)", line=line)]) from None


# Characters that look like a space or nothing but are none to YAML (a word processor's or web
# page's no-break or thin space, a zero-width space): named where they break the syntax.
INVISIBLE = {"\u00a0": "a no-break space", "\u202f": "a narrow no-break space", "\u2009": "a thin space",
             "\u200b": "a zero-width space", "\ufeff": "a byte-order mark"}


def _syntax_problem(exc: MarkedYAMLError, display: str, text: str = "") -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    what = (exc.problem or "invalid YAML").strip().removeprefix("found ")
    if "'\\t'" in what:
        what = "a tab character, which YAML does not allow in indentation"
    context = exc.context_mark
    if exc.context and context is not None and context.line + 1 != line:
        what += f" ({exc.context.strip()} that starts on line {context.line + 1})"
    hint = "check indentation (spaces, not tabs), colons, brackets and quotes here"
    lines = text.splitlines()
    for number in (line, (line or 0) - 1):  # the error is often marked on the line after the cause
        written = lines[number - 1] if number and 0 < number <= len(lines) else ""
        invisible = next((name for char, name in INVISIBLE.items() if char in written), None)
        if invisible:
            line = number
            hint = (f"line {number} holds {invisible} (pasted from a word processor or web page), which YAML "
                    "does not read as a space: retype the spaces on that line")
            break
    return Problem(display, "YAML", f"a syntax error: {what}",
                   "valid YAML: 'key: value' lines, nested keys indented with spaces",
                   hint=hint, line=line)


def _duplicates(node: Any, loc: tuple, display: str) -> list[Problem]:
    """Keys written twice in one mapping, anywhere in the document (first one is kept)."""
    found: list[Problem] = []
    if isinstance(node, MappingNode):
        first: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in first and key != "<<":
                found.append(problem_at(
                    display, line, (*loc, key), f"'{key}' a second time (first on line {first[key]})",
                    f"each key and id once in {dotted(loc) or 'the file'}",
                    "rename one of them, or merge the two into one; the first is kept meanwhile"))
                continue
            first[key] = line
            found += _duplicates(value_node, (*loc, key), display)
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            found += _duplicates(item, (*loc, i), display)
    return found


def deep_merge(base: Any, override: Any) -> Any:
    """A value replaces a value; a mapping merges into a mapping (DESIGN section 2)."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = deep_merge(base[key], value) if key in base else value
        return merged
    return override


def set_path(data: Any, dotted: str, value: Any) -> Any:
    """A copy of ``data`` with ``a.b.c`` set to ``value`` (``--set`` on the command line). A
    number after a list is an item of it: ``materials.0.ratio`` is the first rule's ratio."""
    keys = dotted.split(".")
    node = data
    for depth, key in enumerate(keys):
        if isinstance(node, list) and key.isdigit() and int(key) < len(node):
            items, rest = list(node), ".".join(keys[depth + 1:])
            items[int(key)] = set_path(items[int(key)], rest, value) if rest else value
            return set_path(data, ".".join(keys[:depth]), items) if depth else items
        if not isinstance(node, dict):
            break
        node = node.get(key)
    override: Any = value
    for key in reversed(keys):
        override = {key: override}
    return deep_merge(data, override)


def child(node: Any, key: Any) -> tuple[bool, Any]:
    """(True, node[key]) when ``key`` is in the mapping or list ``node``, else (False, None)."""
    if isinstance(node, dict) and key in node:
        return True, node[key]
    if isinstance(node, list) and isinstance(key, int) and key < len(node):
        return True, node[key]
    return False, None
