"""Bad input is a problem report with exit 1: the file named, the right check, no traceback."""

import json

import pytest

from conftest import run_cli, run_json

GOOD = None


def good(valid_root):
    return json.loads((valid_root / "annotations/tiny.json").read_text(encoding="utf-8"))


def entity_offset(text: str, value: str) -> str:
    """Replace the first entity's start (written as `"start": 0,` in sections) by a raw JSON value."""
    return text.replace('"start": 0,', f'"start": {value},', 1)


CASES = {
    # name: (bytes of annotations/tiny.json from the valid text, expected check)
    "empty file": (lambda t: b"", "file-empty"),
    "whitespace only": (lambda t: b"  \n\t\n", "file-empty"),
    "not JSON": (lambda t: b"status: gold\nentities: []\n", "json-syntax"),
    "truncated JSON": (lambda t: t[: len(t) // 2].encode(), "json-syntax"),
    "binary": (lambda t: bytes(range(256)) * 4, "file-encoding"),
    "UTF-16 with BOM": (lambda t: t.encode("utf-16"), "file-encoding"),
    "UTF-16-LE without BOM": (lambda t: t.encode("utf-16-le"), "file-encoding"),
    "UTF-8 BOM": (lambda t: b"\xef\xbb\xbf" + t.encode(), "file-encoding"),
    "Latin-1": (lambda t: t.replace('"fixture"', '"Fran\u00e7oise"').encode("latin-1"), "file-encoding"),
    "top-level array": (lambda t: ("[" + t + "]").encode(), "schema"),
    "top-level string": (lambda t: b'"just a string"', "schema"),
    "top-level null": (lambda t: b"null", "schema"),  # found by the property tests: once passed as valid
    "top-level number": (lambda t: b"0", "schema"),
    "duplicate keys": (
        lambda t: t.replace('"status": "gold",', '"status": "gold",\n  "status": "complete",').encode(),
        "json-duplicate-key",
    ),
    "NaN offset": (lambda t: entity_offset(t, "NaN").encode(), "json-nonfinite"),
    "Infinity offset": (lambda t: entity_offset(t, "-Infinity").encode(), "json-nonfinite"),
    "float offset 12.0": (lambda t: entity_offset(t, "0.0").encode(), "schema"),
    "boolean offset": (lambda t: entity_offset(t, "false").encode(), "schema"),
    "string offset": (lambda t: entity_offset(t, '"0"').encode(), "schema"),
    "huge integer": (lambda t: entity_offset(t, "1" + "0" * 30).encode(), "schema"),
    "integer beyond int parsing limit": (lambda t: entity_offset(t, "7" * 10000).encode(), "json-number-too-large"),
    "lone surrogate": (lambda t: t.replace('"fixture"', '"fix\\udc00ture"').encode(), "json-lone-surrogate"),
    "very deep nesting": (lambda t: ("[" * 100000 + "]" * 100000).encode(), "json-too-deep"),
    "deep nesting inside object": (
        lambda t: t.replace('"annotators": [', '"annotators": ' + "[" * 5000 + "]" * 4999 + ", [", 1).encode(),
        "json-too-deep",
    ),
    "path-like document id": (
        lambda t: t.replace('"document_id": "tiny"', '"document_id": "../../etc/passwd"').encode(),
        "schema",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_annotation_file(name, valid_root):
    make, check = CASES[name]
    path = valid_root / "annotations/tiny.json"
    path.write_bytes(make(path.read_text(encoding="utf-8")))
    code, out = run_json("--root", valid_root)
    assert code == 1
    hits = [p for p in out["problems"] if p["check"] == check]
    assert hits, [(p["check"], p["message"]) for p in out["problems"]]
    assert all(p["path"] == "annotations/tiny.json" for p in hits)
    # the text format too: never a traceback, file named with the check id
    res = run_cli("validate", "--root", valid_root)
    assert res.returncode == 1
    assert "Traceback" not in res.stdout + res.stderr
    assert "annotations/tiny.json" in res.stdout and f"error[{check}]" in res.stdout


def test_float_offset_message_explains(valid_root):
    path = valid_root / "annotations/tiny.json"
    path.write_text(entity_offset(path.read_text(encoding="utf-8"), "12.0"), encoding="utf-8")
    code, out = run_json("--root", valid_root)
    assert code == 1
    p = next(p for p in out["problems"] if p["check"] == "schema")
    assert p["pointer"] == "/sections/0/start"
    assert "12.0" in p["message"] and "integer" in p["message"]
    assert p["line"] is not None and p["column"] is not None


def test_path_like_id_never_builds_a_path(valid_root, tmp_path):
    """A document_id like ../../x is reported, and no file outside the root is read or written."""
    path = valid_root / "annotations/tiny.json"
    path.write_text(
        path.read_text(encoding="utf-8").replace('"document_id": "tiny"', '"document_id": "../../../outside"'),
        encoding="utf-8",
    )
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out = run_json("--root", valid_root)
    assert code == 1
    checks = {p["check"] for p in out["problems"]}
    assert {"schema", "document-id-mismatch"} <= checks
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_path_like_file_name_is_id_invalid(valid_root):
    (valid_root / "annotations" / "..evil.json").write_text("{}", encoding="utf-8")
    code, out = run_json("--root", valid_root)
    assert code == 1
    assert any(p["check"] == "id-invalid" and p["path"] == "annotations/..evil.json" for p in out["problems"])


def test_every_problem_at_once(valid_root):
    """Several independent errors in one file are all reported in one run."""
    a = good(valid_root)
    a["entities"][0]["start"] += 1  # span-text-mismatch
    a["entities"][1]["id"] = "e3"  # id-duplicate
    a["entities"][2]["label"] = "CITY"  # schema (enum)
    a["claims"][1]["attribution"] = {"type": "source", "source": "s1"}  # reference-unresolved
    (valid_root / "annotations/tiny.json").write_text(json.dumps(a, indent=2), encoding="utf-8")
    code, out = run_json("--root", valid_root)
    assert code == 1
    assert {"span-text-mismatch", "id-duplicate", "schema", "reference-unresolved"} <= {
        p["check"] for p in out["problems"]
    }


def test_shifted_span_says_where_the_quote_is(valid_root):
    a = good(valid_root)
    e = a["entities"][1]
    e["start"] -= 3
    e["end"] -= 3
    (valid_root / "annotations/tiny.json").write_text(json.dumps(a, indent=2), encoding="utf-8")
    code, out = run_json("--root", valid_root)
    assert code == 1
    p = next(p for p in out["problems"] if p["check"] == "span-text-mismatch")
    assert p["pointer"] == "/entities/1/text"
    assert "Liu Jianchao" in p["message"]
    assert f"occurs at [{e['start'] + 3}, {e['end'] + 3}) (shift +3)" in p["message"]
    assert p["line"] == out["problems"][0]["line"] or p["line"] is not None


def test_missing_properties_are_one_problem(valid_root):
    """A file missing many required properties gets one schema problem naming them all, and no
    section-gap warning for the sections layer that is not there."""
    (valid_root / "annotations/tiny.json").write_text('{"a": 1}', encoding="utf-8")
    code, out = run_json("--root", valid_root)
    assert code == 1
    required = [p for p in out["problems"] if p["check"] == "schema" and p["message"].startswith("missing required")]
    assert len(required) == 1
    assert '"sections"' in required[0]["message"] and '"document_id"' in required[0]["message"]
    assert not [p for p in out["problems"] if p["check"] == "section-gap"]
