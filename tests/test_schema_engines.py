"""One schema path, two engines: jsonschema-rs passes what it may, jsonschema explains the rest.

The validator parses every JSON file with the strict reader (``jsonfile.parse``), lets the
compiled jsonschema-rs validator pass it (``schema_errors.passes``), and asks jsonschema for
the findings of anything else. jsonschema is the reference: wherever rs passes a file alone,
jsonschema must find nothing in it either.
"""

import json

import pytest

from newsspan import jsonfile, schema, schema_errors
from newsspan.validator import Limits, validate_root
from test_bad_input import CASES

from conftest import FIXTURES, REPO
from synthetic import make_root

VALID_ANN = (FIXTURES / "valid" / "annotations" / "tiny.json").read_text(encoding="utf-8")
VALID_META = (FIXTURES / "valid" / "corpus" / "tiny.meta.json").read_text(encoding="utf-8")


def fixture_json_files():
    """(label, text, schema name) for every JSON file of the fixtures and every bad-input case."""
    out = []
    for p in sorted(FIXTURES.rglob("*.json")):
        if p.name == "fixture.json" or not p.is_file() or p.is_symlink() or ".newsspan-cache" in p.parts:
            continue  # (a validation cache a local run left beside the fixtures is no fixture)
        try:
            text = p.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue  # not text: the reader reports it before any schema
        out.append((str(p.relative_to(FIXTURES)), text, "document" if p.name.endswith(".meta.json") else "annotation"))
    for name, (make, _) in sorted(CASES.items()):
        try:
            text = make(VALID_ANN).decode("utf-8")
        except UnicodeDecodeError:
            continue
        out.append((f"bad input: {name}", text, "annotation"))
    return out


def _ann(mutate):
    a = json.loads(VALID_ANN)
    mutate(a)
    return json.dumps(a, ensure_ascii=False)


def _meta(**fields):
    m = json.loads(VALID_META)
    m.update(fields)
    return json.dumps(m, ensure_ascii=False)


# Values on which the two engines are known to judge differently, and neighbours of them.
DIVERGENT = {
    "float offset": (VALID_ANN.replace('"start": 0,', '"start": 0.0,', 1), "annotation"),
    "float 12.0 offset": (VALID_ANN.replace('"start": 0,', '"start": 12.0,', 1), "annotation"),
    "exponent offset": (VALID_ANN.replace('"start": 0,', '"start": 0e0,', 1), "annotation"),
    "U+001C in url (whitespace to Python's re only)": (
        VALID_META.replace('"url": "unknown"', '"url": "https://a\\u001cb"'),
        "document",
    ),
    "U+001F escaped in url": (VALID_META.replace('"url": "unknown"', '"url": "https://a\\u001Fb"'), "document"),
    "U+0085 as itself in url": (_meta(url="https://a\u0085b"), "document"),
    "U+0085 escaped in url": (VALID_META.replace('"url": "unknown"', '"url": "https://a\\u0085b"'), "document"),
    "U+00A0 in url (whitespace to both)": (_meta(url="https://a\u00a0b"), "document"),
    "trailing newline in id ($ matches before it in Python's re)": (
        VALID_META.replace('"id": "tiny"', '"id": "tiny\\n"'),
        "document",
    ),
    "duplicate key": (VALID_ANN.replace('"status": "gold",', '"status": "gold", "status": "gold",'), "annotation"),
    "NaN": (VALID_ANN.replace('"start": 0,', '"start": NaN,', 1), "annotation"),
    "emoji quote": (_ann(lambda a: a.update(notes="😀" * 3)), "annotation"),
    "if/then: source without source or source_span": (
        _ann(lambda a: a["claims"][1].update(attribution={"type": "source"})),
        "annotation",
    ),
    "else: journalist with a source": (_ann(lambda a: a["claims"][0]["attribution"].update(source="e1")), "annotation"),
}


def params(cases):
    return [pytest.param(label, text, name, id=label) for label, text, name in cases]


@pytest.mark.parametrize("label,text,name", params(fixture_json_files() + [(k, *v) for k, v in DIVERGENT.items()]))
def test_jsonschema_rs_passes_nothing_that_jsonschema_rejects(label, text, name):
    if jsonfile.bounds(text):
        return  # too deep or too long a number: the validator reports that and looks no further
    value, _, floats = jsonfile.parse(text)
    if value is None:
        return
    if schema_errors.passes(name, value, text, floats):
        assert schema_errors.findings(name, value) == [], label


def test_jsonschema_rs_passes_clean_files(tmp_path):
    """Not vacuous: the shipped corpus, the valid fixture and generated documents pass without jsonschema."""
    texts = [(VALID_ANN, "annotation"), (VALID_META, "document")]
    texts += [(p.read_text(encoding="utf-8"), "annotation") for p in sorted((REPO / "annotations").glob("*.json"))]
    root = make_root(tmp_path / "gen", 5)
    texts += [(p.read_text(encoding="utf-8"), "annotation") for p in sorted((root / "annotations").glob("*.json"))]
    for text, name in texts:
        value, found, floats = jsonfile.parse(text)
        assert not found and schema_errors.passes(name, value, text, floats)


@pytest.mark.parametrize(
    "label", ["float 12.0 offset", "U+0085 as itself in url", "U+001C in url (whitespace to Python's re only)"]
)
def test_where_the_engines_differ_jsonschema_decides(label):
    text, name = DIVERGENT[label]
    value, _, floats = jsonfile.parse(text)
    assert schema.validator(name).is_valid(value) is False  # jsonschema rejects it
    assert not schema_errors.passes(name, value, text, floats)
    assert schema_errors.findings(name, value)


def test_the_schemas_bound_every_valid_file():
    """The validator scans for nesting and long numbers only what jsonschema-rs does not pass
    (with the default --max-depth): that is safe while the schemas close every object and bound
    every number, so that no valid file nests deeper than a few levels or holds a long number."""

    def walk(node, where):
        if isinstance(node, dict):
            if node.get("type") == "object":
                assert node.get("additionalProperties") is False and "patternProperties" not in node, where
            if node.get("type") in ("integer", "number"):
                assert isinstance(node.get("maximum"), int) and node["maximum"] < 10**15, where
                assert isinstance(node.get("minimum"), int) and node["minimum"] > -(10**15), where
            for k, v in node.items():
                if k not in ("enum", "const", "examples", "default"):
                    walk(v, f"{where}/{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{where}/{i}")

    for name in ("annotation", "document"):
        walk(schema.load(name), name)


def test_a_lower_depth_limit_is_applied_to_valid_files(valid_root):
    report = validate_root(valid_root, limits=Limits(max_depth=4))
    assert [p.check for p in report.problems] == ["json-too-deep"]
    assert validate_root(valid_root, limits=Limits(max_depth=5)).ok
