"""`newsspan adjudicate ID A B`: a draft of exactly the agreed spans, the disagreements side by side,
a released layer that is more than a draft never replaced without --force; disagreements decided by
rules (--prefer), a decisions file and the terminal, the status, annotators and provenance written;
and the validator's warning on a finished layer whose annotators still disagree."""

import io
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
    # (tiny's gold layer stands over alice's and bob's layers, which differ, but names neither of them:
    # no annotators-disagree)
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
    assert len(lines) == 1 + 4 + 1  # the header, the disagreements, the summary: nothing decided, nothing else


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
    # each is named by the characters its spans cover: "Liu Jianchao" [19, 31) and "Jianchao" [23, 31) make
    # 19-31; the boundary and the attribution of one pair of claims, [77, 98) and [62, 98), share 62-98
    assert [d["id"] for d in review["disagreements"]] == [
        "tiny:sections:62-99",
        "tiny:entities:19-31",
        "tiny:entities:35-49",
        "tiny:entities:50-59",
        "tiny:entities:62-71",
        "tiny:claims:0-59",
        "tiny:claims:62-98",
        "tiny:claims:62-98",
    ]
    assert {(d["take"], d["reason"]) for d in review["disagreements"]} == {(None, None)}  # nothing decided
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
    # taking bob's side: his spans get ids of their own where alice's kept spans hold theirs (his e3
    # is alice's Officials), and his claim's source (his e1) is the kept mention of the same span
    b["claims"][0]["checkworthy"] = True
    (root / "annotations" / "annotators" / "bob" / "tiny.json").write_text(dump(b), encoding="utf-8")
    code, _, err = newsspan("adjudicate", "tiny", "alice", "bob", "--root", root, "--prefer", "B")
    assert code == 0, err
    gold = json.loads((root / "annotations" / "tiny.json").read_text(encoding="utf-8"))
    assert [(e["id"], e["text"], e.get("kb_id"), e.get("cluster")) for e in gold["entities"]] == [
        ("e1", "Antony Blinken", "Q123", "blinken"),
        ("e2", "Washington, DC", None, "washington-dc"),
        ("e3", "Officials", None, None),
    ]
    assert [(c["id"], c["checkworthy"], c["attribution"]["source"]) for c in gold["claims"]] == [("c1", True, "e3")]


# deciding disagreements ------------------------------------------------------------------------

CLAIM = "Antony Blinken met Liu Jianchao in Washington, DC on Friday"
HEADLINE = ("headline", 0, 60, CLAIM + ".")
BLINKEN = ("PERSON", 0, 14, "Antony Blinken")  # the one mention alice and bob gave alike


def released(root, doc_id="tiny") -> dict:
    return json.loads((root / "annotations" / f"{doc_id}.json").read_text(encoding="utf-8"))


def adjudicate(root, *options, doc_id="tiny"):
    code, out, err = newsspan("adjudicate", doc_id, "alice", "bob", "--root", root, "--force", *options)
    assert code == 0, err
    return out.splitlines()


def test_prefer_the_most_specific_rule_wins(root):
    lines = adjudicate(
        root, "--prefer", "B", "--prefer", "A:entities", "--prefer", "B:entities:DATE", "--prefer", "A:claims"
    )
    got = released(root)
    # sections by B (the only rule that covers them); entities by A, but DATE by B; claims by A
    assert spans(got, "sections") == [HEADLINE, ("quote", 62, 99, "Officials said the talks were useful.")]
    assert spans(got, "entities") == [
        BLINKEN,
        ("PERSON", 19, 31, "Liu Jianchao"),
        ("GPE", 35, 49, "Washington, DC"),
        ("DATE", 50, 59, "on Friday"),
    ]  # bob's NORP "Officials" is left out: A, taken, has no span there
    assert [(c["text"], c["checkworthy"], c["attribution"]["type"]) for c in got["claims"]] == [
        (CLAIM, True, "journalist"),
        ("the talks were useful", False, "source"),
    ]
    assert 'taken from B: entities DATE "on Friday" [50, 59)  (tiny:entities:50-59, --prefer B:entities:DATE)' in lines
    assert (
        'A has none: entities NORP "Officials" [62, 71) left out  (tiny:entities:62-71, --prefer A:entities)' in lines
    )
    assert got["status"] == "draft"  # every disagreement decided, but no other status was asked for
    assert lines[-1].startswith(
        "newsspan adjudicate: wrote annotations/tiny.json (draft; kept: 2 sections, 4 entities, 2 claims; "
        "8 disagreements, 8 resolved) in "
    )
    # of rules equally specific the last given wins; a rule of a label covers a disagreement where either
    # side gave the label: GPE "Washington, DC" against ORG "Washington"
    adjudicate(root, "--prefer", "A", "--prefer", "B", "--prefer", "A:entities:ORG")
    assert spans(released(root), "entities") == [
        BLINKEN,
        ("PERSON", 23, 31, "Jianchao"),
        ("GPE", 35, 49, "Washington, DC"),
        ("DATE", 50, 59, "on Friday"),
        ("NORP", 62, 71, "Officials"),
    ]


@pytest.mark.parametrize("rule", ["C", "b", "B:entity", "B:entities:PER", "B:entities:DATE:x", "A:"])
def test_a_rule_that_is_no_rule_is_a_usage_error(root, rule):
    code, out, err = newsspan("adjudicate", "taiwan", "alice", "bob", "--root", root, "--prefer", rule)
    assert code == 2 and out == "" and f"--prefer {rule}: expected A or B, then optionally :LAYER and :LABEL" in err
    assert not (root / "annotations" / "taiwan.json").exists()


def test_a_decisions_file(root, tmp_path):
    decisions = tmp_path / "decisions.json"
    decided = [
        {"id": "tiny:entities:19-31", "take": "A", "reason": "the full name"},
        {"id": "tiny:entities:62-71", "take": "neither"},
        {"id": "tiny:claims:62-98", "take": "B"},
    ]
    decisions.write_text(json.dumps(decided), encoding="utf-8")
    lines = adjudicate(root, "--decisions", decisions, "--prefer", "B:entities", "--status", "gold")
    got = released(root)
    # a decision beats any rule: Liu Jianchao by A; Washington and Friday by the rule; Officials by neither
    assert spans(got, "entities") == [
        BLINKEN,
        ("PERSON", 19, 31, "Liu Jianchao"),
        ("ORG", 35, 45, "Washington"),
        ("DATE", 50, 59, "on Friday"),
    ]
    assert (
        'taken from A: entities PERSON "Liu Jianchao" [19, 31)  (tiny:entities:19-31, decisions.json: the full name)'
        in lines
    )
    assert 'neither: entities NORP "Officials" [62, 71) left out  (tiny:entities:62-71, decisions.json)' in lines
    # bob's claim [62, 98) is taken, but the section around it is undecided: it lies in no kept section
    # and stays out, unresolved, as do the section and the first claim's check-worthiness
    assert spans(got, "sections") == [HEADLINE] and got["claims"] == []
    assert lines[-4:-1] == [
        "unresolved: tiny:sections:62-99 sections label",
        "unresolved: tiny:claims:0-59 claims checkworthy",
        "unresolved: tiny:claims:62-98 claims no-section",
    ]
    assert got["status"] == "draft" and lines[-1].startswith(
        "newsspan adjudicate: wrote annotations/tiny.json (draft; kept: 1 sections, 4 entities, 0 claims; "
        "9 disagreements, 6 resolved, 3 unresolved, so not gold: decide them with --prefer A|B, "
        "--decisions FILE or --interactive) in "
    )


def test_a_decisions_file_that_does_not_fit_writes_nothing(root, tmp_path):
    before = (root / "annotations" / "tiny.json").read_bytes()
    decisions = tmp_path / "decisions.json"
    for decided, why in (
        (
            [{"id": "tiny:entities:19-31", "take": "A"}, {"id": "tiny:entities:0-14", "take": "B"}],
            "tiny:entities:0-14 names no disagreement of alice and bob",
        ),
        (
            [{"id": "tiny:entities:19-31", "take": "C"}],
            "not a decisions file (ValueError: tiny:entities:19-31: take 'C'",
        ),
        (
            [{"id": "tiny:entities:19-31", "take": "A"}, {"id": "tiny:entities:19-31", "take": "B"}],
            "take 'B' (expected A, B or neither, one per id)",
        ),
        ({"disagreements": [{"take": "A"}]}, "not a decisions file (KeyError: 'id')"),
    ):
        decisions.write_text(json.dumps(decided), encoding="utf-8")
        code, out, err = newsspan(
            "adjudicate",
            "tiny",
            "alice",
            "bob",
            "--root",
            root,
            "--force",
            "--decisions",
            decisions,
            "--out",
            tmp_path / "review.json",
        )
        assert code == 1 and out == "" and why in err, err
        assert (root / "annotations" / "tiny.json").read_bytes() == before and not (tmp_path / "review.json").exists()
    code, out, err = newsspan(
        "adjudicate", "tiny", "alice", "bob", "--root", root, "--decisions", tmp_path / "none.json"
    )
    assert code == 2 and "--decisions" in err and "no such file" in err


def test_the_review_filled_in_makes_a_gold_layer(root, tmp_path):
    review = tmp_path / "review.json"
    alice = root / "annotations" / "annotators" / "alice" / "tiny.json"
    provenance = {"entities": {"steps": ["pre-annotated", "manual"], "note": "spaCy, then by hand"}}
    alice.write_text(dump(json.loads(alice.read_text(encoding="utf-8")) | {"provenance": provenance}), encoding="utf-8")
    # sections and entities decided, claims not: a draft whose provenance says so
    adjudicate(
        root,
        "--prefer",
        "A:sections",
        "--prefer",
        "B:entities",
        "--status",
        "gold",
        "--adjudicator",
        "carol",
        "--out",
        review,
    )
    got = released(root)
    assert got["status"] == "draft" and got["annotators"] == ["alice", "bob", "carol"]
    steps = {layer: p["steps"] for layer, p in got["provenance"].items()}
    assert steps == {
        "sections": ["double-annotated", "adjudicated"],
        "entities": ["pre-annotated", "manual", "double-annotated", "adjudicated"],  # after alice's steps
        "claims": ["double-annotated"],
    }
    assert "Adjudicated by carol" in got["provenance"]["claims"]["note"] and "3 unresolved" in got["notes"]
    # set complete by hand, the layer is reported: its annotators disagree in a layer not adjudicated
    path = root / "annotations" / "tiny.json"
    path.write_text(
        path.read_text(encoding="utf-8").replace('"status": "draft"', '"status": "complete"'), encoding="utf-8"
    )
    (warning,) = [p for p in validate(root).warnings if p.check == "annotators-disagree"]
    assert (warning.path, warning.pointer) == ("annotations/tiny.json", "/status")
    assert "the layer is complete, but the annotators' layers (alice, bob) differ in claims" in warning.message
    assert warning.hint.startswith("run `newsspan adjudicate tiny alice bob --interactive --force --status complete`")
    # the review, its takes filled in, decides the rest: gold, every layer adjudicated, no warning
    filled = json.loads(review.read_text(encoding="utf-8"))
    for d in filled["disagreements"]:
        d["take"] = d["take"] or "A"
    review.write_text(json.dumps(filled), encoding="utf-8")
    lines = adjudicate(root, "--decisions", review, "--status", "gold", "--adjudicator", "carol")
    got = released(root)
    assert got["status"] == "gold" and all(p["steps"][-1] == "adjudicated" for p in got["provenance"].values())
    assert "8 resolved; 8 by review.json; 0 unresolved" in got["notes"]
    assert lines[-1].startswith(
        "newsspan adjudicate: wrote annotations/tiny.json (gold; kept: 2 sections, 5 entities, 2 claims; 8 disagreements, 8 resolved) in "
    )
    assert not [p for p in validate(root).problems if p.check == "annotators-disagree"]


def test_a_span_left_in_no_section_is_decided_only_by_leaving_it_out(root, tmp_path):
    # taiwan: the paragraph ("China warned Taiwan." against "China warned Taiwan") taken from neither
    # leaves in no section China, which both gave, and alice's second Taiwan and claim, taken by the rule
    decisions = tmp_path / "decisions.json"
    decided = [{"id": "taiwan:sections:27-47", "take": "neither"}]
    decisions.write_text(json.dumps(decided), encoding="utf-8")
    lines = adjudicate(root, "--decisions", decisions, "--prefer", "A", "--status", "gold", doc_id="taiwan")
    assert [line for line in lines if line.startswith("unresolved:")] == [
        "unresolved: taiwan:entities:27-32 entities no-section",
        "unresolved: taiwan:entities:40-46 entities no-section",
        "unresolved: taiwan:claims:27-46 claims no-section",
    ]
    decided += [
        {"id": f"taiwan:{key}", "take": "neither"} for key in ("entities:27-32", "entities:40-46", "claims:27-46")
    ]
    decisions.write_text(json.dumps(decided), encoding="utf-8")
    adjudicate(root, "--decisions", decisions, "--prefer", "A", "--status", "gold", doc_id="taiwan")
    got = released(root, "taiwan")
    assert got["status"] == "gold" and spans(got, "sections") == [("headline", 0, 25, "Taiwan votes on Saturday.")]
    assert spans(got, "entities") == [("GPE", 0, 6, "Taiwan"), ("DATE", 16, 24, "Saturday")] and got["claims"] == []


class Terminal(io.StringIO):
    """What a reviewer types, on a terminal."""

    def isatty(self) -> bool:
        return True


def test_interactive(root, monkeypatch):
    # the sections and claims decided by rules, the entities are asked in order: 19-31 a, 35-49 (x is no
    # answer) neither, 50-59 skipped, then quit
    monkeypatch.setattr("sys.stdin", Terminal("a\nx\nn\ns\nq\n"))
    lines = adjudicate(root, "--interactive", "--prefer", "B:sections", "--prefer", "A:claims")
    assert "(1 of 4) tiny:entities:19-31: boundary" in lines
    assert (
        '  A = alice: e2 [19, 31) PERSON "Liu Jianchao"' in lines
        and '  B = bob: e2 [23, 31) PERSON "Jianchao"' in lines
    )
    assert any(
        line.startswith("  …Antony Blinken met [Liu Jianchao] in Washington, DC on Friday. Offic") for line in lines
    )
    assert "\n".join(lines).count("[a]/[b]/[n]either/[s]kip/[q]uit? ") == 5
    assert spans(released(root), "entities") == [BLINKEN, ("PERSON", 19, 31, "Liu Jianchao")]
    assert 'taken from A: entities PERSON "Liu Jianchao" [19, 31)  (tiny:entities:19-31, the terminal)' in lines
    assert (
        'neither: entities GPE "Washington, DC" [35, 49), ORG "Washington" [35, 45) left out  (tiny:entities:35-49, the terminal)'
        in lines
    )
    assert [line for line in lines if line.startswith("unresolved")] == [
        "unresolved: tiny:entities:50-59 entities boundary",
        "unresolved: tiny:entities:62-71 entities extra",
    ]
    # the end of the input is a quit too: nothing more is decided
    monkeypatch.setattr("sys.stdin", Terminal("b\n"))
    adjudicate(root, "--interactive")
    assert spans(released(root), "sections") == [HEADLINE, ("quote", 62, 99, "Officials said the talks were useful.")]
    assert spans(released(root), "entities") == [BLINKEN]
    # taiwan: the paragraph taken from neither leaves China, which both gave, in no section; that is asked
    # last, once the choices it follows from are made (a choice asked before them could name nothing)
    monkeypatch.setattr("sys.stdin", Terminal("n\nn\nn\nn\n"))
    lines = adjudicate(root, "--interactive", "--status", "gold", doc_id="taiwan")
    assert [line for line in lines if line.startswith("(")] == [
        "(1 of 3) taiwan:sections:27-47: boundary",
        "(2 of 3) taiwan:entities:40-46: missed",
        "(3 of 3) taiwan:claims:27-46: missed",
        "(1 of 1) taiwan:entities:27-32: no-section",
    ]
    got = released(root, "taiwan")
    assert got["status"] == "gold" and spans(got, "entities") == [("GPE", 0, 6, "Taiwan"), ("DATE", 16, 24, "Saturday")]


def test_interactive_needs_a_terminal(root, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("a\n"))
    code, out, err = newsspan("adjudicate", "taiwan", "alice", "bob", "--root", root, "--interactive")
    assert code == 2 and out == "" and "--interactive asks on a terminal" in err and "--decisions FILE" in err
    assert not (root / "annotations" / "taiwan.json").exists()


def test_the_warning_only_where_annotators_disagree_under_a_finished_layer(tmp_path):
    carol = ALICE["tiny"] | {"annotators": ["carol"]}  # the very spans alice gave
    released = carol | {"annotators": ["alice", "bob", "carol"]}  # the annotators whose layers it reconciles
    root = make_root(
        tmp_path, {"tiny": TINY}, {("alice", "tiny"): ALICE["tiny"], ("carol", "tiny"): carol, (None, "tiny"): released}
    )

    def warned() -> int:
        return [p.check for p in validate(root).problems].count("annotators-disagree")

    assert warned() == 0
    (root / "annotations" / "annotators" / "bob").mkdir()
    (root / "annotations" / "annotators" / "bob" / "tiny.json").write_text(dump(BOB["tiny"]), encoding="utf-8")
    assert warned() == 1
    (root / "annotations" / "tiny.json").write_text(dump(released | {"annotators": ["carol"]}), encoding="utf-8")
    assert warned() == 0  # bob's layer is not one the released layer names (a tool's import, say)
    (root / "annotations" / "tiny.json").write_text(dump(released | {"status": "draft"}), encoding="utf-8")
    assert warned() == 0  # a draft says it is unfinished


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
