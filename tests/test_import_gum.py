"""The GUM conversion (newsspan.formats.gum, `newsspan import gum`) and its review kit (scripts/gum_review.py).

The fixture tests/fixtures/gum/dep/GUM_news_fixture.conllu is a mini article written for these tests in
GUM's format: a headline, a dateline (<date when="2017-07-21">; GUM's dateCreated says 2017-07-18), a
caption holding a place GUM gives no identity (Herat), a paragraph with "U.S. President Donald Trump's
administration" (a title, a possessive written as a multi-word token, a nested place), "the United States"
(with "United" tagged VERB), a coreference chain (Donald Trump ... Trump), Wikified names, one
attribution-positive relation ("Trump said that the team had "shown great courage"."), a block quote, and a
<ref> link over "FIRST Global Challenge". The expected values below are read off that text by hand.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
from pathlib import Path

import pytest

from newsspan import cli
from newsspan.formats import gum
from newsspan.model import Annotation
from newsspan.text import sha256

FIXTURE = Path(__file__).parent / "fixtures" / "gum"
DEP = FIXTURE / "dep"
GUM_SOURCE = Path(__file__).resolve().parents[2] / "shared" / "sources" / "gum" / "dep"  # the pinned copy, if here
ID = "gum_news_fixture"


def _forms(path: Path) -> str:
    """Every surface token of a .conllu file, read on its own: multi-word tokens whole, no empty nodes."""
    out, skip_to = [], 0
    for line in path.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if not line.strip():
            skip_to = 0  # a sentence ends
        elif len(cols) == 10 and "-" in cols[0]:
            out.append(cols[1])
            skip_to = int(cols[0].split("-")[1])
        elif len(cols) == 10 and "." not in cols[0] and int(cols[0]) > skip_to:  # a multi-word token's words: skip
            out.append(cols[1])
    return "".join(out)


@pytest.fixture(scope="module")
def doc() -> gum.GumDoc:
    [d] = gum.read([DEP])
    return d


def test_text_keeps_every_token_and_lays_out_blocks(doc):
    assert "".join(doc.text.split()) == _forms(DEP / "GUM_news_fixture.conllu")
    blocks = doc.text.rstrip("\n").split("\n\n")
    assert blocks[:2] == ["Afghan robotics team reaches Washington", "Friday, July 21, 2017"]  # headline, then date
    assert (
        "U.S. President Donald Trump's administration granted the girls entry to the United States. Trump" in doc.text
    )
    assert 'had "shown great courage".' in doc.text  # SpaceAfter=No honoured around the quotation marks
    assert doc.text.endswith("in Washington D.C.\n") and not doc.text.endswith("\n\n")


def test_sections_one_per_block(doc):
    sections = doc.annotation.sections
    assert [s.label for s in sections] == ["headline", "dateline", "caption", "paragraph", "quote", "paragraph"]
    assert [s.text for s in sections] == doc.text.rstrip("\n").split("\n\n")
    assert all(doc.text[s.start : s.end] == s.text for s in sections)


def test_meta(doc):
    m = doc.meta
    assert m["date"] == "2017-07-21"  # the dateline's <date when>, not meta::dateCreated (2017-07-18)
    assert m["split"] == "test" and m["genre"] == "news" and m["source"] == "Wikinews"
    assert m["text_sha256"] == m["source_sha256"] == sha256(doc.text)
    assert m["derived_from"]["document"] == "GUM_news_fixture" and m["derived_from"]["license"] == "CC-BY-4.0"
    assert "Zeldes" in m["derived_from"]["citation"] and "WikiGUM" in m["derived_from"]["citation"]
    assert m["authors"] == ["Wikinews contributors"] and m["license"] == "CC-BY-2.5"


def test_names_trimmed_and_typed(doc):
    got = [(e.text, e.label) for e in doc.annotation.entities]
    assert got == [
        ("Washington", "GPE"),
        ("Friday, July 21, 2017", "DATE"),
        ("U.S.", "GPE"),  # its own nested mention, out of "U.S. President Donald Trump's"
        ("Donald Trump", "PERSON"),  # no title, no possessive
        ("United States", "GPE"),  # no "the"; "United" is tagged VERB and kept
        ("Trump", "PERSON"),
        ("FIRST Global Challenge", "EVENT"),
        ("Washington D.C.", "GPE"),
    ]
    assert all(e.text == doc.text[e.start : e.end] for e in doc.annotation.entities)
    assert doc.mentions["e4"]["text"] == "U.S. President Donald Trump's"  # where it came from


def test_kb_ids_and_clusters(doc):
    by_text = {e.text: e for e in doc.annotation.entities}
    assert by_text["Donald Trump"].cluster == by_text["Trump"].cluster == "donald-trump"
    assert by_text["Donald Trump"].kb_id == by_text["Trump"].kb_id == "Q22686"
    assert by_text["U.S."].cluster == by_text["United States"].cluster and by_text["U.S."].kb_id == "Q30"
    assert by_text["Washington"].kb_id == by_text["Washington D.C."].kb_id == "Q61"  # identity %2C-encoded in GUM
    assert by_text["FIRST Global Challenge"].kb_id is None  # no identity: not linked
    assert by_text["FIRST Global Challenge"].cluster.startswith("gum-")
    assert all(e.cluster for e in doc.annotation.entities)


def test_undecided_place_is_a_proposal_not_a_guess(doc):
    assert [(u["text"], u["gum"]["etype"]) for u in doc.undecided] == [("Herat", "place")]
    assert "Herat" not in [e.text for e in doc.annotation.entities]
    assert any(r["kind"] == "undecided" and r["text"] == "Herat" for r in doc.report)


def test_claim_proposal_from_attribution(doc):
    [c] = doc.claims
    assert c["text"] == 'the team had "shown great courage"'  # no source, cue, "that" or final stop
    trump = next(e for e in doc.annotation.entities if e.text == "Trump")
    assert c["attribution"] == {"type": "source", "source": trump.id, "cue": {"start": 181, "end": 185, "text": "said"}}
    assert doc.text[181:185] == "said" and c["gum"]["satellite"]["text"] == "Trump said"
    assert doc.annotation.claims == ()  # the GUM-derived layer holds no claims


def test_layer_provenance_and_status(doc):
    a = doc.annotation
    assert a.status == "draft" and a.annotators == ("gum-import",)
    assert a.provenance["entities"]["steps"] == ["derived"] and "docs/gum.md" in a.provenance["sections"]["note"]


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def root(tmp_path) -> Path:
    assert cli.main(["init", str(tmp_path / "root")]) == 0
    return tmp_path / "root"


def test_cli_import_validates_and_is_idempotent(root, tmp_path, capsys):
    report = tmp_path / "report.json"
    assert cli.main(["import", "gum", str(DEP), "--root", str(root), "--report", str(report)]) == 0
    for rel in (f"corpus/{ID}.txt", f"corpus/{ID}.meta.json", f"annotations/{ID}.json"):
        assert (root / rel).is_file()
    layer = Annotation.loads((root / f"annotations/annotators/gum-import/{ID}.json").read_bytes())
    assert layer.status == "draft" and len(layer.entities) == 8
    counts = json.loads(report.read_text())["counts"]
    assert counts["documents"] == 1 and counts["claim_proposals"] == 1 and counts["undecided"] == 1
    assert "undecided: gum_news_fixture 'Herat'" in capsys.readouterr().out
    assert cli.main(["validate", "--root", str(root)]) == 0
    before = _tree(root)
    assert cli.main(["import", "gum", str(DEP), "--root", str(root)]) == 0
    assert _tree(root) == before  # a rerun changes no byte


def test_cli_keeps_a_released_layer_and_refuses_a_changed_text(root):
    assert cli.main(["import", "gum", str(DEP), "--root", str(root)]) == 0
    released = root / f"annotations/{ID}.json"
    edited = json.loads(released.read_text())
    edited["notes"] = "a human touched this"
    released.write_text(json.dumps(edited, indent=2) + "\n")
    assert cli.main(["import", "gum", str(DEP), "--root", str(root)]) == 0
    assert "a human touched this" in released.read_text()
    text = root / f"corpus/{ID}.txt"
    text.write_text(text.read_text() + "An added line.\n")
    assert cli.main(["import", "gum", str(DEP), "--root", str(root)]) == 1
    assert text.read_text().endswith("An added line.\n")


INTERVIEW = """# newdoc id = GUM_interview_tiny
# meta::genre = interview
# meta::title = Wikinews interviews a tester
# meta::sourceURL = https://en.wikinews.org/wiki/Tiny
# newpar
# newpar_block = head (1 s)
# text = Wikinews interviews a tester
1\tWikinews\tWikinews\tPROPN\tNNP\t_\t2\tnsubj\t_\tEntity=(1-organization-new-nnnnn-cf1-1-sgl-Wikinews)
2\tinterviews\tinterview\tVERB\tVBZ\t_\t0\troot\t_\t_
3\ta\ta\tDET\tDT\t_\t4\tdet\t_\t_
4\ttester\ttester\tNOUN\tNN\t_\t2\tobj\t_\t_

# newpar
# newpar_block = sp who:::"#Wikinews" (1 s) | p (1 s)
# text = Why?
1\tWhy\twhy\tADV\tWRB\t_\t0\troot\t_\tSpaceAfter=No
2\t?\t?\tPUNCT\t.\t_\t1\tpunct\t_\t_

# newpar
# newpar_block = sp who:::"#JaneRoe" (2 s)
# text = Because.
1\tBecause\tbecause\tSCONJ\tIN\t_\t0\troot\t_\tSpaceAfter=No
2\t.\t.\tPUNCT\t.\t_\t1\tpunct\t_\t_

# text = Really.
1\tReally\treally\tADV\tRB\t_\t0\troot\t_\tSpaceAfter=No
2\t.\t.\tPUNCT\t.\t_\t1\tpunct\t_\t_

"""


def test_interview_speakers_and_genre_filter(tmp_path):
    dep = tmp_path / "dep"
    dep.mkdir()
    (dep / "GUM_interview_tiny.conllu").write_text(INTERVIEW)
    shutil.copy(DEP / "GUM_news_fixture.conllu", dep)
    assert [d.id for d in gum.read([dep])] == [ID]  # default: news only
    [d] = gum.read([dep], ("interview",))
    assert d.id == "gum_interview_tiny" and d.meta["genre"] == "interview" and "date" not in d.meta
    assert [(s.label, s.speaker, s.text) for s in d.annotation.sections] == [
        ("headline", None, "Wikinews interviews a tester"),
        ("paragraph", "Wikinews", "Why?"),
        ("paragraph", "JaneRoe", "Because. Really."),  # one sp block of two sentences
    ]
    assert d.meta["split"] == "train"  # no splits.md here: GUM's default partition


@pytest.mark.skipif(not GUM_SOURCE.is_dir(), reason="the pinned GUM copy (shared/sources/gum) is not beside the repo")
def test_the_pinned_gum_copy_converts_whole():
    docs = gum.read([GUM_SOURCE], ("news", "interview"))
    assert len(docs) == 43
    for d in docs:
        assert "".join(d.text.split()) == _forms(GUM_SOURCE / f"{d.meta['derived_from']['document']}.conllu"), d.id
        assert not [r for r in d.report if r["kind"] == "token-boundary"], d.id
    assert sum(len(d.words) for d in docs if d.meta["genre"] == "news") == 17182  # SOURCE.md's count


def _kit():
    spec = importlib.util.spec_from_file_location("gum_review", Path(__file__).parents[1] / "scripts" / "gum_review.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_review_kit_worked_example(root, capsys):
    """propose, a refusal, then one annotator's decisions on the fixture, applied and validated."""
    kit = _kit()
    assert cli.main(["import", "gum", str(DEP), "--root", str(root)]) == 0
    args = [ID, "--annotator", "annotator-a", "--root", str(root)]
    assert kit.main(["propose", *args, "--gum", str(DEP)]) == 0
    sheet_path = root / "review" / "annotator-a" / f"{ID}.json"
    sheet = json.loads(sheet_path.read_text())
    props = {p["text"]: p for p in sheet["proposals"]}
    assert [p["start"] for p in sheet["proposals"]] == sorted(p["start"] for p in sheet["proposals"])
    assert all(p["decision"] is None for p in sheet["proposals"]) and sheet["added"] == []
    assert props["Afghan"]["from"] == "pattern:NORP" and props["Herat"]["undecided"] is True
    assert props["Donald Trump"]["gum"]["text"] == "U.S. President Donald Trump's"
    claim = props['the team had "shown great courage"']
    assert claim["attribution"]["source"] == props["Trump"]["id"] and claim["checkworthy"] is None
    assert kit.main(["apply", *args]) == 1  # nothing decided yet
    assert "p1: no decision" in capsys.readouterr().err

    for p in sheet["proposals"]:
        p["decision"] = "accept"
    props["Herat"]["decision"] = "correct"
    props["Herat"]["label"] = "GPE"  # an undecided name is decided by correcting it
    props["Friday, July 21, 2017"] |= {"decision": "correct", "quote": "July 21, 2017"}
    claim["checkworthy"] = True
    sheet["added"].append({"kind": "entity", "quote": "six", "label": "CARDINAL"})  # not in the text
    sheet_path.write_text(json.dumps(sheet, indent=2))
    assert kit.main(["apply", *args]) == 1
    assert "a1: quote 'six' occurs 0 times" in capsys.readouterr().err

    sheet["added"] = [
        {"kind": "entity", "quote": "Friday", "context": "Friday, July", "label": "DATE"},
        {
            "kind": "claim",
            "quote": "The team will compete in the FIRST Global Challenge in Washington D.C.",
            "attribution": {"type": "journalist"},
            "checkworthy": True,
        },
    ]
    props["FIRST Global Challenge"] |= {"decision": "reject"}  # a rejection needs its reason
    sheet_path.write_text(json.dumps(sheet, indent=2))
    assert kit.main(["apply", *args]) == 1
    assert "rejected without a reason" in capsys.readouterr().err
    props["FIRST Global Challenge"]["reason"] = "a test of a rejection"
    sheet_path.write_text(json.dumps(sheet, indent=2))
    assert kit.main(["apply", *args]) == 0  # applied, then `newsspan validate` on the file passed

    out = Annotation.loads((root / f"annotations/annotators/annotator-a/{ID}.json").read_bytes())
    assert out.status == "complete" and out.annotators == ("annotator-a",)
    assert out.provenance["entities"]["steps"] == ["derived", "pre-annotated", "manual"]
    labels = {e.text: e.label for e in out.entities}
    assert labels["Herat"] == "GPE" and labels["Afghan"] == "NORP" and labels["Friday"] == labels["July 21, 2017"]
    assert "FIRST Global Challenge" not in labels
    c_source = next(c for c in out.claims if c.attribution.type == "source")
    assert next(e for e in out.entities if e.id == c_source.attribution.source).text == "Trump"
    assert c_source.attribution.cue.text == "said" and c_source.checkworthy is True
    assert len(out.claims) == 2 and len(out.sections) == 6
    assert re.search(r"review/annotator-a/gum_news_fixture\.json", out.provenance["claims"]["note"])


def test_review_kit_find(root, capsys):
    assert cli.main(["import", "gum", str(DEP), "--root", str(root)]) == 0
    capsys.readouterr()
    assert _kit().main(["find", ID, "team", "--root", str(root)]) == 0
    hits = capsys.readouterr().out.strip().splitlines()
    assert len(hits) == 4 and hits[0].startswith("[16, 20) ")  # "Afghan robotics team" in the headline
    assert _kit().main(["find", ID, "zebra", "--root", str(root)]) == 1


def test_pattern_proposals_for_the_types_gum_lacks():
    text = "On Friday, July 21, 2017, six Afghan girls won 15% of the votes in the Afghan Girls Robotics Team."
    gum_friday = (3, 9, "DATE")  # a GUM date inside a longer date
    gum_team = (text.index("Afghan Girls"), len(text) - 1, "ORG")  # a GUM name: nothing is proposed inside it
    got = [(p["text"], p["label"], "note" in p) for p in _kit().patterns(text, [gum_friday, gum_team])]
    assert got == [
        ("Friday, July 21, 2017", "DATE", True),  # offered beside GUM's "Friday": the annotator keeps one
        ("15%", "PERCENT", False),
        ("six", "CARDINAL", False),
        ("Afghan", "NORP", False),
    ]
