"""`newsspan adjudicate ID A B`: a draft of exactly the agreed spans, the disagreements side by side,
and a released layer that is more than a draft never replaced without --force."""

import json

import pytest

from newsspan import Annotation, validate

from layers import ALICE, BOB, TAIWAN, TINY, bare, dump, layer, make_root, newsspan


@pytest.fixture
def root(tmp_path):
    layers = {("alice", d): v for d, v in ALICE.items()}
    layers.update({("bob", d): v for d, v in BOB.items()})
    layers[(None, "tiny")] = ALICE["tiny"] | {"status": "gold", "annotators": ["alice"]}
    return make_root(tmp_path, {"tiny": TINY, "taiwan": TAIWAN}, layers)


def spans(ann: dict, name: str) -> list:
    return [(s.get("label"), s["start"], s["end"], s["text"]) for s in ann[name]]


def test_the_draft_holds_exactly_the_agreed_spans(root, tmp_path):
    leftover = root / "annotations" / ".newsspan-killed.tmp"  # what a killed write leaves
    leftover.write_text("half a file", encoding="utf-8")
    code, out, err = newsspan("adjudicate", "taiwan", "alice", "bob", "--root", root)
    assert code == 0, err
    assert not leftover.exists()  # the write happened under the root's lock, which clears such leftovers
    data = (root / "annotations" / "taiwan.json").read_bytes()
    draft = json.loads(data)
    assert draft["status"] == "draft" and draft["annotators"] == ["alice", "bob"]
    # taiwan: the headline agrees exactly, the paragraphs differ by the full stop; Taiwan, Saturday
    # and China agree, but China lies in the paragraph, which is not kept; alice's claim is hers only
    assert spans(draft, "sections") == [("headline", 0, 25, "Taiwan votes on Saturday.")]
    assert spans(draft, "entities") == [("GPE", 0, 6, "Taiwan"), ("DATE", 16, 24, "Saturday")]
    assert draft["claims"] == []
    assert [e["id"] for e in draft["entities"]] == ["e1", "e2"]  # A's ids
    assert Annotation.loads(data).dumps() == data  # the canonical form every command writes
    report = validate(root)
    assert report.errors == []
    # the draft's paragraph is text in no section; bob's own layer left the paragraph's full stop
    # in no section and the second Taiwan out
    assert {(p.path, p.check) for p in report.warnings} == {
        ("annotations/taiwan.json", "section-gap"),
        ("annotations/annotators/bob/taiwan.json", "section-gap"),
        ("annotations/annotators/bob/taiwan.json", "mention-missed"),
    }
    # the disagreements, side by side
    lines = out.splitlines()
    assert lines[0].split() == ["layer", "kind", "A", "=", "alice", "|", "B", "=", "bob"]
    assert any(
        line.startswith("sections boundary")
        and '"China warned Taiwan."' in line.split("|")[0]
        and '"China warned Taiwan"' in line.split("|")[1]
        for line in lines
    )
    assert any(
        line.startswith("entities missed") and '"Taiwan"' in line.split("|")[0] and line.split("|")[1].strip() == "-"
        for line in lines
    )
    assert any(line.startswith("entities no-section") and '"China"' in line for line in lines)
    assert lines[-1].startswith(
        "newsspan adjudicate: wrote annotations/taiwan.json (draft; agreed: 1 sections, 2 entities, "
        "0 claims; 4 disagreements to review)"
    )


def test_a_gold_layer_is_kept_without_force(root, tmp_path):
    before = (root / "annotations" / "tiny.json").read_bytes()
    code, out, err = newsspan("adjudicate", "tiny", "alice", "bob", "--root", root, "--out", tmp_path / "review.json")
    assert code == 1
    assert "annotations/tiny.json is a gold layer, which adjudication never replaces without --force" in err
    assert (root / "annotations" / "tiny.json").read_bytes() == before
    assert not (tmp_path / "review.json").exists()

    code, out, err = newsspan(
        "adjudicate", "tiny", "alice", "bob", "--root", root, "--out", tmp_path / "review.json", "--force"
    )
    assert code == 0, err
    draft = json.loads((root / "annotations" / "tiny.json").read_text(encoding="utf-8"))
    # tiny: the headline section and "Antony Blinken" agree exactly; the first claim agrees in its
    # offsets but not in its check-worthiness, so no claim is kept
    assert spans(draft, "sections") == [
        ("headline", 0, 60, "Antony Blinken met Liu Jianchao in Washington, DC on Friday.")
    ]
    assert spans(draft, "entities") == [("PERSON", 0, 14, "Antony Blinken")]
    assert draft["claims"] == []
    review = json.loads((tmp_path / "review.json").read_text(encoding="utf-8"))
    assert review["kept"] == {"sections": 1, "entities": 1, "claims": 0}
    assert [(d["layer"], d["kind"]) for d in review["disagreements"]] == [
        ("sections", "label"),
        ("entities", "boundary"),
        ("entities", "label"),
        ("entities", "boundary"),
        ("entities", "extra"),
        ("claims", "checkworthy"),
        ("claims", "boundary"),
        ("claims", "attribution"),
    ]
    # a draft is replaced without --force, even a broken one (its status is read before its schema)
    path = root / "annotations" / "tiny.json"
    path.write_text(
        path.read_text(encoding="utf-8").replace('"sections": [', '"sections": 7, "x": ['), encoding="utf-8"
    )
    assert newsspan("adjudicate", "tiny", "alice", "bob", "--root", root)[0] == 0
    assert json.loads(path.read_text(encoding="utf-8"))["status"] == "draft"
    # a layer whose status cannot be read is never replaced without --force
    path.write_text("{not json", encoding="utf-8")
    code, out, err = newsspan("adjudicate", "tiny", "alice", "bob", "--root", root)
    assert code == 1 and out == "" and path.read_text(encoding="utf-8") == "{not json"
    assert "annotations/tiny.json is a layer whose status cannot be read, which adjudication never replaces" in err


def test_attributes_and_sources(tmp_path):
    officials = ("NORP", "Officials")
    common = {
        "sections": [
            ("paragraph", "Antony Blinken met Liu Jianchao in Washington, DC on Friday."),
            ("paragraph", "Officials said the talks were useful."),
        ]
    }
    a = layer(
        "tiny",
        TINY,
        annotator="alice",
        **common,
        entities=[("PERSON", "Antony Blinken"), ("GPE", "Washington, DC"), officials],
        claims=[("the talks were useful", "source", False, {"source": "e3", "cue": bare(TINY, "said")})],
    )
    b = layer(
        "tiny",
        TINY,
        annotator="bob",
        **common,
        entities=[officials, ("GPE", "Washington, DC"), ("PERSON", "Antony Blinken")],
        claims=[("the talks were useful", "source", False, {"source": "e1", "cue": bare(TINY, "said")})],
    )
    a["entities"][0].update(cluster="antony-blinken", kb_id="Q123")
    b["entities"][2].update(cluster="blinken", kb_id="Q123")
    a["entities"][1].update(cluster="washington-dc", kb_id="Q61")
    b["entities"][1].update(cluster="washington-dc")
    root = make_root(tmp_path, {"tiny": TINY}, {("alice", "tiny"): a, ("bob", "tiny"): b})
    code, _, err = newsspan("adjudicate", "tiny", "alice", "bob", "--root", root, "--out", tmp_path / "review.json")
    assert code == 0, err
    draft = json.loads((root / "annotations" / "tiny.json").read_text(encoding="utf-8"))
    # the same kb_id is kept and the different clusters are not; the other way round for Washington, DC
    assert {e["text"]: (e.get("kb_id"), e.get("cluster")) for e in draft["entities"]} == {
        "Antony Blinken": ("Q123", None),
        "Washington, DC": (None, "washington-dc"),
        "Officials": (None, None),
    }
    # the claim's source is alice's e3 and bob's e1: the same mention, so the claim agrees; it keeps A's id
    assert [(c["text"], c["attribution"]["source"]) for c in draft["claims"]] == [("the talks were useful", "e3")]
    review = json.loads((tmp_path / "review.json").read_text(encoding="utf-8"))
    assert [(d["kind"], d["a"]["text"]) for d in review["disagreements"]] == [
        ("cluster", "Antony Blinken"),
        ("kb_id", "Washington, DC"),
    ]


def test_what_cannot_be_adjudicated(root, tmp_path):
    code, out, err = newsspan("adjudicate", "nothing", "alice", "bob", "--root", root)
    assert code == 2 and "'nothing' names no document" in err
    code, out, err = newsspan("adjudicate", "taiwan", "alice", "nobody", "--root", root)
    assert code == 2 and "'nobody' is neither an annotator" in err
    (root / "annotations" / "annotators" / "carol").mkdir()
    code, out, err = newsspan("adjudicate", "taiwan", "alice", "carol", "--root", root)
    assert code == 2 and "carol has no layer for taiwan" in err
    code, out, err = newsspan(
        "adjudicate", "taiwan", "alice", "bob", "--root", root, "--out", tmp_path / "no" / "such" / "x.json"
    )
    assert code == 2 and "--out" in err
    bad = dict(BOB["taiwan"], status="finished")
    (root / "annotations" / "annotators" / "bob" / "taiwan.json").write_text(dump(bad), encoding="utf-8")
    code, out, err = newsspan("adjudicate", "taiwan", "alice", "bob", "--root", root)
    assert code == 1 and out == ""
    assert 'annotations/annotators/bob/taiwan.json:9:3: error[schema] /status: "finished" is not one of' in err
    assert err.rstrip().endswith(
        f"newsspan adjudicate: 1 error in the layers of taiwan; nothing was written (root {root})"
    )
    assert not (root / "annotations" / "taiwan.json").exists()


def test_help_ends_with_examples():
    code, out, _ = newsspan("adjudicate", "--help")
    assert code == 0
    assert out.rstrip().splitlines()[-1].strip().startswith("newsspan adjudicate")
