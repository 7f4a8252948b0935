"""The districting optimiser is a package whose parts share a public problem model."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import planner.optimise.districting as districting

PACKAGE = Path(districting.__file__).parent


def test_public_api_is_importable_from_the_package() -> None:
    for name in districting.__all__:
        assert getattr(districting, name) is not None
    from planner.optimise.districting import DistrictingResult, Travel, optimise_territories

    assert callable(optimise_territories)
    assert DistrictingResult.__module__ == "planner.optimise.districting.problem"
    assert Travel.__module__ == "planner.optimise.districting.problem"


def test_parts_import_only_public_names_of_each_other() -> None:
    offenders = []
    for info in pkgutil.iter_modules([str(PACKAGE)]):
        tree = ast.parse((PACKAGE / f"{info.name}.py").read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "planner.optimise.districting"
            ):
                offenders += [
                    f"{info.name}: {alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_")
                ]
    assert offenders == []


def test_every_part_imports_on_its_own() -> None:
    names = [info.name for info in pkgutil.iter_modules([str(PACKAGE)])]
    assert {"problem", "state", "search", "exact", "border_mip", "solver"} <= set(names)
    for name in names:
        importlib.import_module(f"planner.optimise.districting.{name}")


def test_the_old_flat_modules_are_gone() -> None:
    optimise = PACKAGE.parent
    assert not (optimise / "districting.py").exists()
    assert not (optimise / "rebalance_mip.py").exists()
