"""Names a package exports but imports only on first use (PEP 562), so that a process needing
part of symbiosis (HiGHS's own process, ``symbiosis --version``) does not load Pyomo, pandas
and matplotlib."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_names(package: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """A ``__getattr__`` for ``package``: each name of ``homes`` imported from its home module
    when first asked for, then kept in ``package``."""

    def load(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home), name)
        setattr(sys.modules[package], name, value)
        return value

    return load
