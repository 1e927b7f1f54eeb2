"""The validator's per-document shortcuts change its speed, never a report.

- An annotation the fast path proved schema-valid becomes its model as it is
  (``model.well_formed(value, valid=True)``), without testing each item's shape again; a file
  whose every span holds its quote (``Context.quoted``, worked out once per file) lets
  span-offsets, span-text-mismatch and token-boundary skip their per-span comparisons. Reports
  with the shortcuts must equal the careful path's, without them (but for mention-missed, which
  looks only at files whose every span holds its quote).
"""

from __future__ import annotations

import json
import shutil

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsspan import model, schema_errors, validator
from newsspan.checks import annotation
from newsspan.validator import validate_root

from conftest import FIXTURES, REPO
from synthetic import make_root

LAYERS = ("sections", "entities", "claims")


def _sources():
    """(root, stem) of valid documents: the tiny fixture, the shipped corpus, a generated root."""
    out = [(FIXTURES / "valid", "tiny")]
    out += [(REPO, p.stem) for p in sorted((REPO / "annotations").glob("*.json"))[:3]]
    return out


@pytest.fixture(scope="module")
def roots(tmp_path_factory):
    """One single-document root per source document, to mutate and validate."""
    base = tmp_path_factory.mktemp("shortcuts")
    gen = make_root(base / "gen", 3, seed=7)
    out = []
    for i, (src, stem) in enumerate(_sources() + [(gen, p.stem) for p in sorted((gen / "annotations").glob("*.json"))]):
        root = base / f"r{i}"
        for rel in (f"corpus/{stem}.txt", f"corpus/{stem}.meta.json", f"annotations/{stem}.json"):
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src / rel, root / rel)
        out.append((root, stem))
    return out


def _both_reports(root):
    """(problems with every shortcut, problems of the careful path with none of them), the
    mention-missed warnings left out."""
    fast = validate_root(root)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(validator, "well_formed", lambda value, valid=False: model.well_formed(value))  # every item tested
        m.setattr(annotation, "all_quoted", lambda ann, text: False)
        careful = validate_root(root)
    assert not [p for p in careful.problems if p.check == "mention-missed"]
    return [p for p in fast.problems if p.check != "mention-missed"], careful.problems


def _set(ann, layer, k, key, value):
    items = ann[layer]
    if items:
        items[k % len(items)][key] = value


# Mutations of a valid annotation that keep it schema-valid (so the shortcuts are taken) but
# give each annotation check something to find.
def _mutate(ann: dict, text: str, kind: str, k: int, d: int) -> None:
    pick = lambda layer: ann[layer][k % len(ann[layer])] if ann[layer] else None  # noqa: E731
    if kind == "shift":
        for layer in LAYERS:
            s = pick(layer)
            if s:
                s["start"], s["end"] = max(0, s["start"] + d), max(0, s["end"] + d)
    elif kind == "end":
        s = pick("entities") or pick("sections")
        s["end"] = max(0, s["end"] + d)
        s["text"] = text[s["start"] : s["end"]] or "x"
    elif kind == "start":
        s = pick("claims") or pick("sections")
        s["start"] = max(0, s["start"] + d)
        s["text"] = text[s["start"] : s["end"]] or "x"
    elif kind == "past-end":
        s = pick("sections")
        s["end"] = len(text) + abs(d)
    elif kind == "empty":
        s = pick("entities") or pick("sections")
        s["end"] = s["start"]
    elif kind == "quote":
        s = pick("claims") or pick("sections")
        s["text"] = " " + s["text"] if d % 2 else s["text"] + "!"
    elif kind == "widen":  # over the space before an entity mention: a quote that begins with it
        s = pick("entities") or pick("sections")
        s["start"] = max(0, s["start"] - 1)
        s["text"] = text[s["start"] : s["end"]]
    elif kind == "duplicate-id":
        a, b = pick("entities"), pick("sections")
        if a and b:
            a["id"] = b["id"]
    elif kind == "source":
        c, s = pick("claims"), pick("sections")
        if c and s:
            c["attribution"] = {"type": "source", "source": s["id"] if d % 2 else "nobody"}
    elif kind == "source-span":
        c = pick("claims")
        if c:
            c["attribution"] = {
                "type": "source",
                "source_span": {"start": c["start"] + d, "end": c["end"], "text": c["text"]},
            }
    elif kind == "overlap":
        for layer in LAYERS:
            if len(ann[layer]) > 1:
                a = ann[layer][k % len(ann[layer])]
                b = ann[layer][(k + 1) % len(ann[layer])]
                b["start"], b["end"], b["text"] = a["start"], a["end"], a["text"]
    elif kind == "drop-section":
        if ann["sections"]:
            del ann["sections"][k % len(ann["sections"])]
    elif kind == "reorder":
        ann["sections"].reverse()
    elif kind == "cluster":
        for e in ann["entities"][:2]:
            e["cluster"] = "c1"
        _set(ann, "entities", 0, "label", "ORG")
        _set(ann, "entities", 1, "label", "PERSON")
    elif kind == "id-clash":
        for layer in LAYERS:
            if ann[layer]:
                ann[layer][0]["id"] = "same"


KINDS = [
    "shift",
    "end",
    "start",
    "past-end",
    "empty",
    "quote",
    "widen",
    "duplicate-id",
    "source",
    "source-span",
    "overlap",
    "drop-section",
    "reorder",
    "cluster",
    "id-clash",
]


@given(
    which=st.integers(0, 100),
    kinds=st.lists(st.sampled_from(KINDS), min_size=1, max_size=3),
    k=st.integers(0, 50),
    d=st.integers(-4, 4),
)
def test_shortcuts_give_the_careful_path_s_report(roots, which, kinds, k, d):
    root, stem = roots[which % len(roots)]
    path = root / "annotations" / f"{stem}.json"
    original = path.read_bytes()
    text = (root / "corpus" / f"{stem}.txt").read_text(encoding="utf-8")
    ann = json.loads(original)
    for kind in kinds:
        _mutate(ann, text, kind, k, d)
    data = json.dumps(ann, ensure_ascii=False, indent=1)
    try:
        path.write_text(data, encoding="utf-8")
        fast, careful = _both_reports(root)
    finally:
        path.write_bytes(original)
    assert fast == careful


def test_the_shortcuts_are_taken(roots):
    """Not vacuous: mutated files stay schema-valid, and each shortcut is met with and without findings."""
    root, stem = roots[0]
    text = (root / "corpus" / f"{stem}.txt").read_text(encoding="utf-8")
    path = root / "annotations" / f"{stem}.json"
    original = path.read_bytes()
    seen = set()
    for kind in KINDS:
        ann = json.loads(original)
        _mutate(ann, text, kind, 1, 2)
        data = json.dumps(ann, ensure_ascii=False)
        assert schema_errors.findings("annotation", json.loads(data)) == [], kind  # so the shortcuts are taken
        try:
            path.write_text(data, encoding="utf-8")
            fast, careful = _both_reports(root)
        finally:
            path.write_bytes(original)
        assert fast == careful, kind
        seen |= {p.check for p in fast}
    assert {
        "span-offsets",
        "span-text-mismatch",
        "span-whitespace",
        "id-duplicate",
        "reference-unresolved",
        "entity-overlap",
        "section-order",
        "cluster-label-mixed",
    } <= seen, seen


def test_the_careful_path_s_spans_are_filtered(tmp_path):
    """Malformed items (no schema proof) are left to the schema, with or without the shortcuts."""
    root = tmp_path / "r"
    shutil.copytree(FIXTURES / "valid", root)
    path = root / "annotations" / "tiny.json"
    ann = json.loads(path.read_text(encoding="utf-8"))
    ann["entities"].append({"id": "e99", "label": "ORG", "start": "0", "end": 3, "text": "x"})
    ann["entities"].append("not a span")
    ann["claims"].append({"id": "c99", "start": True, "end": 2, "text": "y", "attribution": [], "checkworthy": True})
    path.write_text(json.dumps(ann), encoding="utf-8")
    fast, careful = _both_reports(root)
    assert fast == careful
    assert {p.check for p in fast} == {"schema"}


def test_the_validator_trusts_the_shape_only_of_files_that_pass(tmp_path, monkeypatch):
    root = tmp_path / "r"
    shutil.copytree(FIXTURES / "valid", root)
    seen = []
    monkeypatch.setattr(
        validator, "well_formed", lambda value, valid=False: seen.append(valid) or model.well_formed(value, valid)
    )
    validate_root(root)
    path = root / "annotations" / "tiny.json"
    ann = json.loads(path.read_text(encoding="utf-8"))
    ann["entities"][0]["start"] = 1.0  # a float offset: jsonschema-rs would pass it, the schema does not
    path.write_text(json.dumps(ann), encoding="utf-8")
    validate_root(root)
    assert seen == [True, False]
