"""Read YAML safely, keep line numbers, and merge scenarios over a park."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from symbiosis.park.problems import ParkError, Problem


@dataclass
class Document:
    """A parsed YAML file: plain data plus the node tree that knows line numbers."""

    path: Path
    data: Any
    tree: Any = field(repr=False, default=None)

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


def _plain(node: Any) -> Any:
    if isinstance(node, CommentedMap):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, CommentedSeq):
        return [_plain(v) for v in node]
    if node is not None and not isinstance(node, str | int | float | bool):
        return str(node)
    return node


def read_yaml(path: Path, *, display: str) -> Document:
    """Parse ``path`` as YAML (safe: no Python objects), or raise a ParkError naming the line."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ParkError([Problem(display, "file", "no such file", "a YAML file",
                                 hint=f"create {display} or point to the park folder")]) from None
    except UnicodeDecodeError as exc:
        raise ParkError([Problem(display, "file", f"bytes that are not UTF-8 ({exc.reason})",
                                 "a UTF-8 text file", hint="save the file as UTF-8")]) from None
    except OSError as exc:
        raise ParkError([Problem(display, "file", f"unreadable ({exc.strerror})",
                                 "a readable file", hint="check the permissions")]) from None
    yaml = YAML(typ="rt", pure=True)
    try:
        tree = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = (exc.problem or "invalid YAML").strip()
        hint = "each key must be unique within its section" if "duplicate" in what else (
            "check indentation (spaces, not tabs), colons and quotes on this line")
        raise ParkError([Problem(display, "YAML", what, "valid YAML", hint=hint, line=line)]) from None
    except YAMLError as exc:
        raise ParkError([Problem(display, "YAML", str(exc).splitlines()[0], "valid YAML",
                                 hint="check the file's syntax")]) from None
    return Document(path=path, data=_plain(tree), tree=tree)


def deep_merge(base: Any, override: Any) -> Any:
    """A value replaces a value; a mapping merges into a mapping (DESIGN section 2)."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = deep_merge(base[key], value) if key in base else value
        return merged
    return override


def set_path(data: dict, dotted: str, value: Any) -> dict:
    """A copy of ``data`` with ``a.b.c`` set to ``value`` (``--set`` on the command line)."""
    keys = dotted.split(".")
    override: Any = value
    for key in reversed(keys):
        override = {key: override}
    return deep_merge(data, override)
