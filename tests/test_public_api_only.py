"""newsspan uses only the public API of the packages it builds on.

A name beginning with "_" is a package's private business and may change in any release
(``Features._to_yaml_list`` did, between datasets 3 and 4). This reads newsspan's source:
no import of an underscored module or name from another package, and no attribute access
``x._name`` except on ``self`` and ``cls`` (so not on a module, nor on an object another
package made, such as a ``Features``).
"""

from __future__ import annotations

import ast

import pytest

from conftest import REPO

FOREIGN = ("datasets", "pyarrow", "jsonschema", "jsonschema_rs", "huggingface_hub", "yaml", "regex", "filelock")
SOURCES = sorted((REPO / "newsspan").rglob("*.py")) + sorted((REPO / "loaders").rglob("*.py"))


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _foreign(module: str | None) -> bool:
    return module is not None and module.split(".")[0] in FOREIGN


def violations(source: str) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out += [
                f"import {a.name}" for a in node.names if _foreign(a.name) and any(map(_private, a.name.split(".")))
            ]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and _foreign(node.module):
            if any(map(_private, node.module.split("."))):
                out.append(f"from {node.module} import ...")
            out += [f"from {node.module} import {a.name}" for a in node.names if _private(a.name)]
        elif (
            isinstance(node, ast.Attribute)
            and _private(node.attr)
            and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
        ):
            out.append(f"line {node.lineno}: .{node.attr} on {ast.unparse(node.value)}")
    return out


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_no_private_api_of_other_packages(path):
    assert violations(path.read_text(encoding="utf-8")) == []


def test_the_check_finds_private_use():
    """Not vacuous: each kind of private use is caught."""
    assert violations("x = features(config)._to_yaml_list()")
    assert violations("import datasets\ndatasets.utils._internal()")
    assert violations("from datasets.features.features import _ArrayXD")
    assert violations("from datasets._private import thing")
    assert violations("import pyarrow._compute")
    assert not violations("class B:\n    def f(self):\n        return self._x\n")
    assert not violations("from datasets import Features\nFeatures.__name__")
