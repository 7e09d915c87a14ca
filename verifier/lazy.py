"""Lazy exports for the stage packages: a package names its public surface once, and each name is
imported from its module only when first used (PEP 562), so importing one part of a stage — or
the package for one name — does not load the rest of it."""
from __future__ import annotations

import importlib


def exports(package: str, names: dict[str, str]):
    """``__getattr__`` and ``__dir__`` for ``package``, whose public ``names`` map to the module
    (relative to the package) that defines each."""

    def __getattr__(name: str):
        if name not in names:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{names[name]}"), name)

    def __dir__():
        return sorted(names)

    return __getattr__, __dir__
