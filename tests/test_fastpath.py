"""The fast path (plain json + jsonschema-rs) changes the speed of validation, never its verdict."""

import json
import shutil

import pytest

from newsspan import fastpath, jsonfile, schema, schema_errors
from newsspan.validator import validate_root
from test_bad_input import CASES

from conftest import FIXTURES, REPO, overlay
from synthetic import make_root

VALID_ANN = (FIXTURES / "valid" / "annotations" / "tiny.json").read_text(encoding="utf-8")
VALID_META = (FIXTURES / "valid" / "corpus" / "tiny.meta.json").read_text(encoding="utf-8")


def careful_clean(text: str, name: str) -> bool:
    """The reference verdict: strict JSON reading, then the jsonschema StrictValidator."""
    value, found = jsonfile.parse(text)
    return value is not None and not found and isinstance(value, dict) and not schema_errors.findings(name, value)


def fixture_json_files():
    """(label, text, schema name) for every JSON file of the fixtures and every bad-input case."""
    out = []
    for p in sorted(FIXTURES.rglob("*.json")):
        if p.name == "fixture.json" or not p.is_file() or p.is_symlink() or ".newsspan-cache" in p.parts:
            continue  # (a validation cache a local run left beside the fixtures is no fixture)
        try:
            text = p.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue  # not text: the careful path's reader reports it before any schema
        out.append((str(p.relative_to(FIXTURES)), text, "document" if p.name.endswith(".meta.json") else "annotation"))
    for name, (make, _) in sorted(CASES.items()):
        try:
            text = make(VALID_ANN).decode("utf-8")
        except UnicodeDecodeError:
            continue
        out.append((f"bad input: {name}", text, "annotation"))
    return out


# Inputs on which jsonschema-rs and jsonschema are known to judge differently, or that the plain
# parse does not look at: the fast path must decline every one of them (or agree).
def _ann(mutate):
    a = json.loads(VALID_ANN)
    mutate(a)
    return json.dumps(a, ensure_ascii=False)


DIVERGENT = {
    "float offset": (VALID_ANN.replace('"start": 0,', '"start": 0.0,', 1), "annotation"),
    "float 12.0 offset": (VALID_ANN.replace('"start": 0,', '"start": 12.0,', 1), "annotation"),
    "exponent offset": (VALID_ANN.replace('"start": 0,', '"start": 0e0,', 1), "annotation"),
    "U+001C in url (whitespace to Python's re only)": (VALID_META.replace('"url": "unknown"', '"url": "https://a\\u001cb"'), "document"),
    "trailing newline in id ($ matches before it in Python's re)": (VALID_META.replace('"id": "tiny"', '"id": "tiny\\n"'), "document"),
    "long integer of 4,100 digits": (VALID_ANN.replace('"start": 0,', '"start": ' + "1" * 4100 + ",", 1), "annotation"),
    "deep nesting in notes": (VALID_ANN[:-2] + ',\n  "notes": ' + "[" * 70 + "]" * 70 + "\n}\n", "annotation"),
    "duplicate key": (VALID_ANN.replace('"status": "gold",', '"status": "gold", "status": "gold",'), "annotation"),
    "NaN": (VALID_ANN.replace('"start": 0,', '"start": NaN,', 1), "annotation"),
    "escaped lone surrogate": (VALID_ANN.replace('"fixture"', '"fix\\udc00ture"'), "annotation"),
    "emoji quote": (_ann(lambda a: a.update(notes="😀" * 3)), "annotation"),
    "if/then: source without source or source_span": (_ann(lambda a: a["claims"][1].update(attribution={"type": "source"})), "annotation"),
    "else: journalist with a source": (_ann(lambda a: a["claims"][0]["attribution"].update(source="e1")), "annotation"),
}


def params(cases):
    return [pytest.param(label, text, name, id=label) for label, text, name in cases]


@pytest.mark.parametrize("label,text,name", params(fixture_json_files() + [(k, *v) for k, v in DIVERGENT.items()]))
def test_fast_path_agrees_with_the_careful_path(label, text, name):
    reference = careful_clean(text, name)
    fast = fastpath.load_clean(text, name)
    if fast is not None:
        assert reference, f"{label}: the fast path passed a file the careful path rejects"
        assert fast == jsonfile.parse(text)[0]
    # the validator's verdict: fast acceptance, else the careful path's own judgement
    assert (fast is not None or reference) == reference


@pytest.mark.parametrize("label,text,name", params(fixture_json_files()))
def test_the_two_schema_validators_agree_on_every_fixture(label, text, name):
    """jsonschema-rs and the StrictValidator give the same verdict wherever the fast path trusts the former."""
    parsed = jsonfile.parse_plain(text)
    if parsed is None or parsed[1]:
        return  # not plain JSON, or holds floats: the fast path never asks jsonschema-rs
    value = parsed[0]
    rs = fastpath._fast(name)[0]
    try:
        fast_verdict = rs.is_valid(value)
    except Exception:  # noqa: BLE001 - e.g. older jsonschema-rs refuse integers beyond 64 bits: never trusted
        return
    assert fast_verdict == schema.validator(name).is_valid(value), label


def test_fast_path_is_taken_for_clean_files(tmp_path):
    """Not vacuous: the shipped corpus, the valid fixture and generated documents are proven clean fast."""
    assert fastpath.load_clean(VALID_ANN, "annotation") is not None
    assert fastpath.load_clean(VALID_META, "document") is not None
    for p in sorted((REPO / "annotations").glob("*.json")):
        assert fastpath.load_clean(p.read_text(encoding="utf-8"), "annotation") is not None, p
    root = make_root(tmp_path / "gen", 5)
    for p in sorted((root / "annotations").glob("*.json")):
        assert fastpath.load_clean(p.read_text(encoding="utf-8"), "annotation") is not None, p
    # and a depth limit below what the schema allows sends files to the careful path
    assert fastpath.load_clean(VALID_ANN, "annotation", max_depth=3) is None


def test_instance_depth_of_the_schemas():
    assert fastpath.instance_depth(schema.load("annotation")) == 5   # root, claims, claim, attribution, cue
    assert fastpath.instance_depth(schema.load("document")) == 2     # root, authors
    closed = {"type": "object", "additionalProperties": False, "properties": {"a": {"type": "string"}}}
    assert fastpath.instance_depth(closed) == 1
    assert fastpath.instance_depth({**closed, "additionalProperties": True}) is None
    assert fastpath.instance_depth({"type": "object", "additionalProperties": False,
                                    "properties": {"n": {"type": "integer"}}}) is None  # unbounded number
    assert fastpath.instance_depth({"type": "object", "additionalProperties": False,
                                    "properties": {"x": {}}}) is None  # any value
    recursive = {"$defs": {"node": {"type": "array", "items": {"$ref": "#/$defs/node"}}}, "$ref": "#/$defs/node"}
    assert fastpath.instance_depth(recursive) is None


def all_fixture_roots(tmp_path):
    yield "valid", shutil.copytree(FIXTURES / "valid", tmp_path / "valid", symlinks=True), {}
    for src in sorted((FIXTURES / "invalid").iterdir()):
        root = tmp_path / src.name
        shutil.copytree(FIXTURES / "valid", root, symlinks=True)
        overlay(root, src)
        spec = json.loads((src / "fixture.json").read_text()) if (src / "fixture.json").exists() else {}
        yield src.name, root, spec


def test_reports_are_identical_without_the_fast_path(tmp_path, monkeypatch):
    """Every fixture root gives the same report, problem for problem, with the fast path off."""
    from newsspan.validator import Limits

    compared = 0
    for name, root, spec in all_fixture_roots(tmp_path):
        args = spec.get("args", [])
        limits = Limits(max_bytes=int(args[1])) if args[:1] == ["--max-bytes"] else None
        with_fast = validate_root(root, limits=limits)
        with monkeypatch.context() as m:
            m.setattr(fastpath, "load_clean", lambda *a, **k: None)
            careful = validate_root(root, limits=limits)
        assert with_fast.problems == careful.problems, name
        assert with_fast.summary() == careful.summary(), name
        compared += 1
    assert compared == len(list((FIXTURES / "invalid").iterdir())) + 1
