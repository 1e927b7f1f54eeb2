"""Every problem at once, on the model: a file that fails its schema in some items still gets the
semantic checks on its other items, which point where the file holds them.

The checks take the model of the file (``newsspan.model.well_formed``): all of it for a file that
passed its schema, and otherwise the items well-formed enough to check, each with its place in
the file.
"""

from __future__ import annotations

import json

import newsspan
from newsspan.model import Annotation, Attribution, Claim, Entity, Span, well_formed

from conftest import FIXTURES, run_json

TINY = FIXTURES / "valid" / "annotations" / "tiny.json"


def tiny() -> dict:
    return json.loads(TINY.read_text(encoding="utf-8"))


def write(root, ann: dict) -> None:
    (root / "annotations" / "tiny.json").write_text(json.dumps(ann, indent=2), encoding="utf-8")


# --- the pure function -----------------------------------------------------------------------
def test_a_valid_file_is_its_whole_model_in_place():
    a = tiny()
    ann, places = well_formed(a, valid=True)
    assert ann == Annotation.from_json(a)
    assert {name: list(p) for name, p in places.items()} == {name: list(range(len(a[name]))) for name in places}
    assert set(places) == {"sections", "entities", "claims"}
    # the careful reading of a valid file gives the same model and places
    ann2, places2 = well_formed(a)
    assert ann2 == ann
    assert {name: list(p) for name, p in places2.items()} == {name: list(p) for name, p in places.items()}


def test_the_model_of_a_schema_invalid_file_keeps_the_well_formed_items_and_their_places():
    a = tiny()
    a["entities"][0]["start"] = "0"  # a string offset: left out
    a["entities"][1]["label"] = 5  # a span without a string label: kept, label None
    a["entities"].insert(2, "not a span")  # left out
    a["entities"][3]["end"] = True  # JSON true is no integer: left out (was entities[2])
    del a["claims"][0]["id"]  # kept, id None
    a["claims"][1]["attribution"]["cue"] = {"start": 72, "end": 76}  # a cue without its quote: None
    a["sections"] = {"not": "a list"}  # no places, no items
    a["document_id"] = ["tiny"]
    ann, places = well_formed(a)

    assert "sections" not in places and ann.sections == ()
    assert list(places["entities"]) == [1, 4]
    assert ann.entities == (
        Entity("e2", 19, 31, "Liu Jianchao", None, None, "liu-jianchao"),
        Entity("e4", 53, 59, "Friday", "DATE"),
    )
    assert list(places["claims"]) == [0, 1]
    c1, c2 = ann.claims
    assert c1 == Claim(None, 0, 60, a["claims"][0]["text"], Attribution("journalist"), True)
    assert c2.attribution == Attribution("source", None, Span(62, 71, "Officials"), None)
    assert ann.document_id is None and ann.text_sha256 == a["text_sha256"] and ann.status == "gold"


def test_anything_at_all_gives_a_model():
    for value in (
        None,
        [],
        "x",
        0,
        {},
        {"entities": [None, 1, [], {}]},
        {"claims": [{"start": 0, "end": 1, "text": "A", "attribution": "journalist"}]},
    ):
        ann, _ = well_formed(value)
        assert isinstance(ann, Annotation)
    assert ann.claims[0].attribution == Attribution(None)


# --- through the validator -----------------------------------------------------------------
def test_a_malformed_item_does_not_hide_a_shifted_span_of_another(valid_root):
    a = tiny()
    a["entities"][0]["start"] = "0"  # the schema's finding
    a["entities"][2]["start"] += 1  # Washington, DC shifted by one: the third item of the file
    a["claims"][0]["start"] = 0.0  # a float offset: the schema's finding
    a["claims"][1]["attribution"]["cue"]["start"] = 71  # " said" instead of "said"
    write(valid_root, a)
    report = newsspan.validate(valid_root)
    got = [(p.check, p.pointer) for p in report.problems]
    assert ("schema", "/entities/0/start") in got
    assert ("schema", "/claims/0/start") in got
    assert ("span-text-mismatch", "/entities/2/text") in got
    assert ("span-text-mismatch", "/claims/1/attribution/cue/text") in got
    p = next(p for p in report.problems if p.pointer == "/entities/2/text")
    assert p.line is not None and "Washington, DC" in p.message and "(shift -1)" in p.message
    assert not [p for p in report.problems if p.check == "internal-error"]


def test_pointers_name_the_place_in_the_file_after_left_out_items(valid_root):
    a = tiny()
    a["entities"].insert(0, {"id": "e0", "label": "PERSON", "start": "x", "end": 1, "text": "A"})
    a["entities"].insert(0, 17)
    dup = dict(a["entities"][3])  # Liu Jianchao again at its own offsets: entities overlap
    dup["id"] = "e9"
    a["entities"].append(dup)
    a["claims"][1]["attribution"] = {"type": "source", "source": "s1"}  # a section's id
    write(valid_root, a)
    code, out = run_json("--root", valid_root)
    assert code == 1
    got = {(p["check"], p["pointer"]) for p in out["problems"]}
    assert ("entity-overlap", "/entities/6") in got
    overlap = next(p for p in out["problems"] if p["check"] == "entity-overlap")
    assert "overlaps /entities/3 " in overlap["message"]
    assert ("reference-unresolved", "/claims/1/attribution/source") in got
    assert ("label-inconsistent", "/entities/6/label") not in got  # same label: nothing to say
    assert {"schema", "entity-overlap", "reference-unresolved"} <= {c for c, _ in got}


def test_the_label_checks_pass_over_a_mention_without_a_string_label(valid_root):
    a = tiny()
    a["entities"][0]["label"] = ["PERSON"]  # the schema's finding; the span checks still see it
    a["entities"][0]["end"] = 15  # "Antony Blinken " ends with a space
    a["entities"][0]["text"] = "Antony Blinken "
    a["entities"][1]["cluster"] = "antony-blinken"  # another label in Blinken's cluster
    write(valid_root, a)
    code, out = run_json("--root", valid_root)
    assert code == 1
    got = {(p["check"], p["pointer"]) for p in out["problems"]}
    assert ("schema", "/entities/0/label") in got
    assert ("span-whitespace", "/entities/0") in got
    assert not [p for p in out["problems"] if p["check"] in ("cluster-label-mixed", "label-inconsistent")]


def test_an_item_the_model_cannot_hold_is_the_schema_s_finding_alone(valid_root):
    """An id repeated on an item without integer offsets is not in the model: one schema problem."""
    a = tiny()
    a["entities"].append({"id": "e1", "label": "PERSON", "start": None, "end": 14, "text": "Antony Blinken"})
    write(valid_root, a)
    code, out = run_json("--root", valid_root)
    assert code == 1
    assert [(p["check"], p["pointer"]) for p in out["problems"]] == [("schema", "/entities/4/start")]


def test_a_section_without_a_string_id_is_named_by_its_place(valid_root):
    a = tiny()
    s = a["sections"][0]
    s["id"] = 7  # the schema's finding
    s["end"], s["text"] = 49, s["text"][:49]  # ends inside the first claim (and before "on Friday.")
    write(valid_root, a)
    code, out = run_json("--root", valid_root)
    assert code == 1
    crossing = [p for p in out["problems"] if p["check"] == "span-outside-section" and p["pointer"] == "/claims/0"]
    assert len(crossing) == 1
    assert "crosses the end of section at /sections/0 [0, 49)" in crossing[0]["message"]
    assert ("schema", "/sections/0/id") in {(p["check"], p["pointer"]) for p in out["problems"]}
