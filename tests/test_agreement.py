"""`newsspan agree`: every figure checked against values worked out by hand in the comments, the
disagreements, the text and JSON outputs, and what is refused.

Two documents, annotated by alice (A, the reference) and bob (B):

    tiny:   "Antony Blinken met Liu Jianchao in Washington, DC on Friday.\\n\\nOfficials said the talks were useful.\\n"
    taiwan: "Taiwan votes on Saturday.\\n\\nChina warned Taiwan.\\n"
"""

import json

import pytest

from newsspan.agreement import Kappa

from layers import ALICE, BOB, TAIWAN, TINY, dump, make_root, newsspan


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    layers = {("alice", d): v for d, v in ALICE.items()}
    layers.update({("bob", d): v for d, v in BOB.items()})
    layers[("carol", "tiny")] = ALICE["tiny"]  # carol annotated tiny only
    return make_root(tmp_path_factory.mktemp("agree"), {"tiny": TINY, "taiwan": TAIWAN}, layers)


def agree_json(*args) -> dict:
    code, out, err = newsspan("agree", *args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture(scope="module")
def result(root):
    return agree_json("alice", "bob", "--root", root)


def figures(block):
    return tuple(block[k] for k in ("a", "b", "matched", "missed", "extra", "precision", "recall", "f1"))


def test_documents_both_annotated(result):
    assert result["documents"] == ["taiwan", "tiny"]
    assert (result["a"], result["b"]) == ("alice", "bob")


def test_entities_exact(result):
    ex = result["layers"]["entities"]["exact"]
    # tiny: A 4, B 5, one exact match (Antony Blinken); taiwan: A 4, B 3, three exact matches.
    # A 8, B 8, matched 4: P = 4/8, R = 4/8, F1 = 2*4/(8+8) = 0.5
    assert figures(ex["all"]) == (8, 8, 4, 4, 4, 0.5, 0.5, 0.5)
    # PERSON: A 2, B 2 (Antony Blinken, Jianchao), matched 1: P = R = F1 = 1/2
    assert figures(ex["labels"]["PERSON"]) == (2, 2, 1, 1, 1, 0.5, 0.5, 0.5)
    # GPE: A 4 (Washington, DC; Taiwan; China; Taiwan), B 2 (Taiwan, China), matched 2:
    # P = 2/2 = 1, R = 2/4 = 0.5, F1 = 2*2/(4+2) = 2/3
    assert figures(ex["labels"]["GPE"]) == pytest.approx((4, 2, 2, 2, 0, 1.0, 0.5, 2 / 3))
    # DATE: A 2 (Friday, Saturday), B 2 (on Friday, Saturday), matched 1
    assert figures(ex["labels"]["DATE"]) == (2, 2, 1, 1, 1, 0.5, 0.5, 0.5)
    # ORG and NORP: only bob's, nothing matched: every figure 0 (zero division gives 0)
    assert figures(ex["labels"]["ORG"]) == (0, 1, 0, 0, 1, 0.0, 0.0, 0.0)
    assert figures(ex["labels"]["NORP"]) == (0, 1, 0, 0, 1, 0.0, 0.0, 0.0)


def test_entities_overlap(result):
    ov = result["layers"]["entities"]["overlap"]
    # tiny gains Liu Jianchao~Jianchao and Friday~on Friday (Washington, DC~Washington differ in label):
    # matched 3 + 3 = 6 of A 8, B 8: P = R = F1 = 6/8
    assert figures(ov["all"]) == (8, 8, 6, 2, 2, 0.75, 0.75, 0.75)
    assert figures(ov["labels"]["PERSON"]) == (2, 2, 2, 0, 0, 1.0, 1.0, 1.0)
    assert figures(ov["labels"]["DATE"]) == (2, 2, 2, 0, 0, 1.0, 1.0, 1.0)
    assert figures(ov["labels"]["GPE"]) == pytest.approx((4, 2, 2, 2, 0, 1.0, 0.5, 2 / 3))


def test_sections(result):
    ex = result["layers"]["sections"]["exact"]
    # tiny: headline = headline, paragraph vs quote; taiwan: headline = headline, paragraph vs a
    # paragraph without the full stop. A 4, B 4, matched 2: P = R = F1 = 2/4
    assert figures(ex["all"]) == (4, 4, 2, 2, 2, 0.5, 0.5, 0.5)
    assert figures(ex["labels"]["headline"]) == (2, 2, 2, 0, 0, 1.0, 1.0, 1.0)
    assert figures(ex["labels"]["paragraph"]) == (2, 1, 0, 2, 1, 0.0, 0.0, 0.0)
    assert figures(ex["labels"]["quote"]) == (0, 1, 0, 0, 1, 0.0, 0.0, 0.0)
    # overlap adds taiwan's paragraphs: matched 3 of 4 and 4
    assert figures(result["layers"]["sections"]["overlap"]["all"]) == (4, 4, 3, 1, 1, 0.75, 0.75, 0.75)


def test_sections_kappa_on_tokens(result):
    k = result["sections_kappa"]
    # tokens of tiny: "Antony Blinken met Liu Jianchao in Washington , DC on Friday ." (12, headline for both),
    # "Officials said the talks were useful ." (7: A paragraph, B quote); of taiwan: "Taiwan votes on
    # Saturday ." (5, headline for both), "China warned Taiwan" (3, paragraph for both), "." (1: A
    # paragraph, B in no section). 28 tokens, 12 + 5 + 3 = 20 agree: observed = 20/28.
    # A: headline 17, paragraph 11; B: headline 17, quote 7, paragraph 3, none 1.
    # chance = (17*17 + 11*3) / 28^2 = 322/784; kappa = (560/784 - 322/784) / (1 - 322/784) = 238/462 = 17/33
    assert k["items"] == 28
    assert k["observed"] == pytest.approx(20 / 28)
    assert k["expected"] == pytest.approx(322 / 784)
    assert k["kappa"] == pytest.approx(17 / 33)


def test_claims_and_attribution(result):
    cl = result["layers"]["claims"]
    # tiny: the first claim matches exactly, "the talks were useful" overlaps bob's longer claim;
    # taiwan: alice's claim is missed. Exact: A 3, B 2, matched 1: P = 1/2, R = 1/3, F1 = 2/5.
    assert figures(cl["exact"]["all"]) == pytest.approx((3, 2, 1, 2, 1, 0.5, 1 / 3, 0.4))
    # overlap: matched 2: P = 1, R = 2/3, F1 = 4/5
    assert figures(cl["overlap"]["all"]) == pytest.approx((3, 2, 2, 1, 0, 1.0, 2 / 3, 0.8))
    # attribution of the 2 matched claims: (journalist, journalist), (source, journalist): observed 1/2;
    # chance = P_A(journalist) P_B(journalist) + P_A(source) P_B(source) = (1/2)(1) + (1/2)(0) = 1/2; kappa 0
    att = result["claims_attribution"]
    assert (att["items"], att["observed"], att["expected"], att["kappa"]) == (2, 0.5, 0.5, 0.0)
    # check-worthiness: (true, false), (false, false): observed 1/2, chance (1/2)(1) = 1/2, kappa 0
    cw = result["claims_checkworthy"]
    assert (cw["items"], cw["observed"], cw["expected"], cw["kappa"]) == (2, 0.5, 0.5, 0.0)


def test_disagreements_listed_with_their_text(result):
    got = [
        (d["document_id"], d["layer"], d["kind"], d["a"] and d["a"]["text"], d["b"] and d["b"]["text"])
        for d in result["disagreements"]
    ]
    claim = "Antony Blinken met Liu Jianchao in Washington, DC on Friday"
    assert got == [
        ("taiwan", "sections", "boundary", "China warned Taiwan.", "China warned Taiwan"),
        ("taiwan", "entities", "missed", "Taiwan", None),
        ("taiwan", "claims", "missed", "China warned Taiwan", None),
        ("tiny", "sections", "label", "Officials said the talks were useful.", "Officials said the talks were useful."),
        ("tiny", "entities", "boundary", "Liu Jianchao", "Jianchao"),
        ("tiny", "entities", "label", "Washington, DC", "Washington"),
        ("tiny", "entities", "boundary", "Friday", "on Friday"),
        ("tiny", "entities", "extra", None, "Officials"),
        ("tiny", "claims", "checkworthy", claim, claim),
        ("tiny", "claims", "boundary", "the talks were useful", "Officials said the talks were useful"),
        ("tiny", "claims", "attribution", "the talks were useful", "Officials said the talks were useful"),
    ]
    label = next(d for d in result["disagreements"] if d["kind"] == "label" and d["layer"] == "entities")
    assert (label["a"]["label"], label["b"]["label"]) == ("GPE", "ORG")
    assert (label["a"]["start"], label["a"]["end"], label["b"]["start"], label["b"]["end"]) == (35, 49, 35, 45)
    attribution = next(d for d in result["disagreements"] if d["kind"] == "attribution")
    assert (attribution["a"]["attribution"], attribution["b"]["attribution"]) == ("source", "journalist")
    assert attribution["a"]["checkworthy"] is attribution["b"]["checkworthy"] is False


def test_text_output(root):
    code, out, err = newsspan("agree", "alice", "bob", "--root", root)
    assert code == 0, err
    assert out.startswith("B = bob scored against A = alice on 2 documents both annotated\n")
    lines = out.splitlines()
    # the entities table: a header of both modes, one row per label, then all (as the JSON figures above)
    rows = {line.split()[0]: line.split()[1:] for line in lines[lines.index("entities") + 3 :][:6]}
    assert rows["GPE"] == ["4", "2", "2", "2", "0", "1.000", "0.500", "0.667", "2", "2", "0", "1.000", "0.500", "0.667"]
    assert rows["all"][:2] == ["8", "8"] and rows["all"][8] == "6"
    assert "Cohen's kappa on tokens: 0.515 (28 tokens; observed 0.714, chance 0.411)" in out
    assert "attribution type on 2 matched claims: agreement 0.500, Cohen's kappa 0.000" in out
    assert "disagreements: 11" in out
    assert 'A: e3 [35, 49) GPE "Washington, DC"' in out and 'B: e3 [35, 45) ORG "Washington"' in out
    assert "A: -" in out  # bob's extra "Officials" has no span of alice's
    assert out.rstrip().endswith(f"newsspan agree: 2 documents compared in {root}")


def test_only_shared_documents_and_symmetry(root):
    out = agree_json("carol", "alice", "--root", root)
    assert out["documents"] == ["tiny"]  # carol did not annotate taiwan
    assert out["layers"]["entities"]["exact"]["all"]["f1"] == 1.0 and out["disagreements"] == []
    assert out["sections_kappa"]["kappa"] == 1.0
    # swapping A and B swaps precision and recall, missed and extra, and keeps F1
    ab, ba = agree_json("alice", "bob", "--root", root), agree_json("bob", "alice", "--root", root)
    for layer_name in ("sections", "entities", "claims"):
        for mode in ("exact", "overlap"):
            x, y = ab["layers"][layer_name][mode]["all"], ba["layers"][layer_name][mode]["all"]
            assert (x["precision"], x["recall"], x["f1"]) == (y["recall"], y["precision"], y["f1"])
            assert (x["missed"], x["extra"]) == (y["extra"], y["missed"])
    assert {d["kind"] for d in ba["disagreements"]} >= {"missed", "extra"}


def test_folders_as_annotators(root, tmp_path):
    out = agree_json(root / "annotations" / "annotators" / "alice", "bob", "--root", root)
    assert out["layers"]["entities"]["exact"]["all"]["matched"] == 4
    outside = tmp_path / "bob-export"  # a folder outside the root, named relative to the working directory
    outside.mkdir()
    (outside / "tiny.json").write_text(dump(BOB["tiny"]), encoding="utf-8")
    (outside / "notes.txt").write_text("not a layer", encoding="utf-8")
    code, out, err = newsspan("agree", "alice", "bob-export", "--root", root, "--format", "json", cwd=tmp_path)
    assert code == 0, err
    assert json.loads(out)["documents"] == ["tiny"]


def test_unknown_annotator_is_a_usage_error(root):
    code, out, err = newsspan("agree", "alice", "nobody", "--root", root)
    assert code == 2 and out == ""
    assert "'nobody' is neither an annotator" in err and "annotators: alice, bob, carol" in err


def test_no_shared_document(root, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out, err = newsspan("agree", "alice", empty, "--root", root)
    assert code == 1 and out == ""
    assert f"alice and {empty} annotated no document in common; nothing to compare (root {root})" in err


def test_a_broken_layer_is_reported_not_compared(root, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    bad = json.loads(json.dumps(BOB["tiny"]))
    bad["entities"][0]["end"] = 13  # "Antony Blinke": the quote no longer matches
    (broken / "tiny.json").write_text(json.dumps(bad), encoding="utf-8")
    code, out, err = newsspan("agree", "alice", broken, "--root", root)
    assert code == 1 and out == ""
    # reported as `newsspan validate` reports it: at the file's path, with the check, and a fix
    assert f"{broken / 'tiny.json'}:1:" in err and "error[span-text-mismatch] /entities/0/text:" in err
    assert "\n    fix: run `newsspan validate --fix`" in err
    assert "in the layers compared; fix them (`newsspan validate`) and run it again; nothing was compared" in err


def test_a_document_without_its_text_is_reported(tmp_path):
    root = make_root(tmp_path, {"tiny": TINY}, {("alice", "tiny"): ALICE["tiny"], ("bob", "tiny"): BOB["tiny"]})
    for who in ("alice", "bob"):
        (root / "annotations" / "annotators" / who / "ghost.json").write_text(dump(ALICE["tiny"]), encoding="utf-8")
    code, out, err = newsspan("agree", "alice", "bob", "--root", root)
    assert code == 1 and out == ""
    assert "corpus/ghost.txt: error[document-missing] there is no corpus/ghost.txt for this annotation" in err
    assert "newsspan agree: 1 error in the layers compared" in err


def test_a_layer_neither_annotator_has_is_not_applicable(tmp_path):
    # neither gave a claim: no figure of claims is 0 (that would say they disagree), each is n/a
    alice, bob = (x["tiny"] | {"claims": []} for x in (ALICE, BOB))
    root = make_root(tmp_path, {"tiny": TINY}, {("alice", "tiny"): alice, ("bob", "tiny"): bob})
    out = agree_json("alice", "bob", "--root", root)
    for mode in ("exact", "overlap"):
        assert figures(out["layers"]["claims"][mode]["all"]) == (0, 0, 0, 0, 0, None, None, None)
        assert out["layers"]["claims"][mode]["labels"] == {}
    assert out["claims_attribution"] == {"items": 0, "observed": None, "expected": None, "kappa": None}
    assert figures(out["layers"]["entities"]["exact"]["labels"]["NORP"])[5:] == (0.0, 0.0, 0.0)  # bob's only: 0
    code, text, err = newsspan("agree", "alice", "bob", "--root", root)
    assert code == 0, err
    lines = text.splitlines()
    claims_all = lines[lines.index("claims") + 3].split()
    assert claims_all == ["all", "0", "0", "0", "0", "0", "n/a", "n/a", "n/a", "0", "0", "0", "n/a", "n/a", "n/a"]
    assert "  attribution type on 0 matched claims: agreement n/a, Cohen's kappa n/a" in lines


def test_help_ends_with_examples():
    code, out, _ = newsspan("agree", "--help")
    assert code == 0 and out.rstrip().splitlines()[-1].strip().startswith("newsspan agree")


def test_kappa_textbook_example():
    # 50 items: both yes 20, A yes B no 5, A no B yes 10, both no 15. observed = 35/50 = 0.7;
    # P_A(yes) = 25/50, P_B(yes) = 30/50; chance = 0.5*0.6 + 0.5*0.4 = 0.5; kappa = (0.7-0.5)/(1-0.5) = 0.4
    pairs = [("y", "y")] * 20 + [("y", "n")] * 5 + [("n", "y")] * 10 + [("n", "n")] * 15
    k = Kappa.of(pairs)
    assert (k.items, k.observed, k.expected) == (50, 0.7, 0.5)
    assert k.kappa == pytest.approx(0.4)
    assert Kappa.of([("x", "x")] * 3).kappa is None  # one category for both: chance agreement 1, kappa undefined
    assert Kappa.of([]) == Kappa(0, None, None, None)  # no items: nothing observed
