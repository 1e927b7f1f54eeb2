"""The schema is the single source of names: split names, layer names and label lists.

No module of the package spells one of those lists out: each reads it from newsspan.schema, so
a label or split added to schema/*.json reaches the builder, the converters and the checks.
"""

import ast
from pathlib import Path

import pytest

from newsspan import schema

PACKAGE = Path(schema.__file__).parent

# the layers as the annotation schema declares them: its properties that are lists of spans
LAYERS = tuple(k for k, v in schema.load("annotation")["properties"].items() if "$ref" in v.get("items", {}))
NAME_LISTS = {
    "splits": schema.splits(),
    "layers": LAYERS,
    "statuses": schema.statuses(),
    "section labels": schema.section_labels(),
    "body section labels": schema.body_section_labels(),
    "entity labels": schema.entity_labels(),
    "attribution types": schema.attribution_types(),
}


def literal_name_sets(tree):
    """(line, set of strings) of every literal collection of strings: tuples, lists, sets, the keys
    of a dict of constants, and strings split into words ("A B C".split())."""
    for node in ast.walk(tree):
        items = None
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            items = node.elts
        elif isinstance(node, ast.Dict) and all(isinstance(v, ast.Constant) for v in node.values):
            items = [
                k for k in node.keys if k is not None
            ]  # names as the keys of data (a mapping to code is behaviour)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "split"
            and isinstance(node.func.value, ast.Constant)
            and isinstance(node.func.value.value, str)
        ):
            yield node.lineno, set(node.func.value.value.split())
            continue
        if items and all(isinstance(x, ast.Constant) and isinstance(x.value, str) for x in items):
            yield node.lineno, {x.value for x in items}


def test_the_schema_defines_the_lists():
    assert schema.layers() == LAYERS == ("sections", "entities", "claims")
    assert schema.splits() == ("train", "validation", "test")
    assert all(len(v) >= 2 for v in NAME_LISTS.values())


@pytest.mark.parametrize("module", sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")))
def test_no_module_spells_out_a_schema_list(module):
    tree = ast.parse((PACKAGE / module).read_text(encoding="utf-8"))
    found = [
        f"{module}:{line}: the {what} {sorted(names)}"
        for line, names in literal_name_sets(tree)
        for what, names_ in NAME_LISTS.items()
        if names == set(names_)
    ]
    assert not found, "read these from newsspan.schema instead: " + "; ".join(found)


def test_the_check_finds_a_spelled_out_list():
    tree = ast.parse(
        'SPLITS = ("train", "validation", "test")\nR = {"train": 1, "validation": 2, "test": 3}\n'
        'X = "journalist source unattributed".split()\n'
    )
    sets = [names for _, names in literal_name_sets(tree)]
    assert sets.count(set(schema.splits())) == 2 and set(schema.attribution_types()) in sets
