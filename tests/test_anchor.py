"""`newsspan reanchor` and `newsspan canonicalize`: spans follow their quotes; nothing is guessed or lost."""

import hashlib
import shutil
import unicodedata
from dataclasses import replace

from newsspan import anchor
from newsspan.model import Annotation, Entity, Section

from conftest import REPO, run_cli
from contrib_helpers import cli_fails, cli_ok, load, snapshot, validate_ok

GOLD_ID = "000_1afbb3b63b1bfa60"


def gold_root(tmp_path):
    root = tmp_path / "gold"
    shutil.copytree(REPO / "corpus", root / "corpus")
    shutil.copytree(REPO / "annotations", root / "annotations")
    return root


def test_an_insertion_inside_a_paragraph_and_a_claim_keeps_them_with_their_quotes_updated(tmp_path):
    root = gold_root(tmp_path)
    path = root / f"corpus/{GOLD_ID}.txt"
    text = path.read_text(encoding="utf-8")
    gold = load(root / f"annotations/{GOLD_ID}.json")
    insert = "quite unexpectedly, "
    at = text.index("a monumental diplomatic")
    new_text = text[:at] + insert + text[at:]
    path.write_text(new_text, encoding="utf-8")
    cli_ok("reanchor", "--root", root)
    new = load(root / f"annotations/{GOLD_ID}.json")
    for layer in ("sections", "entities", "claims"):
        for old, cur in zip(gold[layer], new[layer], strict=True):
            if old["start"] < at < old["end"]:  # the paragraph and the claim that hold the insertion
                assert (cur["start"], cur["end"]) == (old["start"], old["end"] + len(insert))
                assert cur["text"] == new_text[cur["start"] : cur["end"]] and insert in cur["text"]
            else:
                shift = len(insert) if old["start"] > at else 0
                assert (cur["start"], cur["end"], cur["text"]) == (
                    old["start"] + shift,
                    old["end"] + shift,
                    old["text"],
                )
    assert [x["id"] for x in new["sections"] + new["claims"] if insert in x["text"]] == ["s7", "c2"]
    validate_ok(root)


def test_reanchor_after_an_insertion_before_the_spans(tmp_path):
    root = gold_root(tmp_path)
    path = root / f"corpus/{GOLD_ID}.txt"
    old_text = path.read_text(encoding="utf-8")
    gold = load(root / f"annotations/{GOLD_ID}.json")
    # an editor's note added at the very top: every span moves by the same amount
    anchor_at = 0
    insert = "Correction: an earlier version misstated the date of the U.S.-China talks.\n\n"
    new_text = insert + old_text
    path.write_text(new_text, encoding="utf-8")
    assert run_cli("validate", "--root", root).returncode == 1  # hashes and spans are stale now
    # another annotator's copy moves too
    (root / "annotations/annotators/amy").mkdir(parents=True)
    shutil.copy(root / f"annotations/{GOLD_ID}.json", root / f"annotations/annotators/amy/{GOLD_ID}.json")
    res = cli_ok("reanchor", "--root", root)
    assert "span(s) moved" in res.stdout
    new = load(root / f"annotations/{GOLD_ID}.json")
    sha = hashlib.sha256(new_text.encode()).hexdigest()
    assert new["text_sha256"] == sha and load(root / f"corpus/{GOLD_ID}.meta.json")["text_sha256"] == sha
    moved = 0
    for layer in ("sections", "entities", "claims"):
        for old, cur in zip(gold[layer], new[layer], strict=True):
            shift = len(insert) if old["start"] >= anchor_at else 0
            assert (cur["start"], cur["end"], cur["text"]) == (old["start"] + shift, old["end"] + shift, old["text"]), (
                old,
                cur,
            )
            if "source_span" in old.get("attribution", {}):
                assert cur["attribution"]["source_span"]["start"] == old["attribution"]["source_span"]["start"] + shift
            moved += bool(shift)
    assert moved == 17 + 52 + 9
    assert load(root / f"annotations/annotators/amy/{GOLD_ID}.json") == new
    out = validate_ok(root)
    assert [p["check"] for p in out["problems"]] == ["section-gap"] * 2  # the new note is in no section, in both files


def test_reanchor_places_spans_after_insertion_outside_sections(tmp_path):
    root = gold_root(tmp_path)
    path = root / f"corpus/{GOLD_ID}.txt"
    old_text = path.read_text(encoding="utf-8")
    gold = load(root / f"annotations/{GOLD_ID}.json")
    # an insertion in the whitespace between two blocks: every quote still occurs, all spans move
    at = old_text.index("\n\nRebuilding Ties")
    new_text = old_text[:at] + "\n\nU.S. officials said China’s U.S. envoy agreed." + old_text[at:]
    path.write_text(new_text, encoding="utf-8")
    # the inserted block is new text, so the validator's section-gap warning is expected; no errors
    cli_ok("reanchor", "--root", root, GOLD_ID)
    new = load(root / f"annotations/{GOLD_ID}.json")
    shift = len(new_text) - len(old_text)
    for layer in ("sections", "entities", "claims"):
        for old, cur in zip(gold[layer], new[layer], strict=True):
            exp = old["start"] + (shift if old["start"] > at else 0)
            assert cur["start"] == exp and cur["text"] == old["text"], (layer, old, cur)
    out = validate_ok(root)
    assert {p["check"] for p in out["problems"]} == {"section-gap"}


def test_reanchor_lists_a_span_whose_quote_was_deleted_and_writes_nothing(tmp_path):
    root = gold_root(tmp_path)
    path = root / f"corpus/{GOLD_ID}.txt"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Ray Dalio", "a financier"), encoding="utf-8")
    before = snapshot(root)
    res = cli_fails("reanchor", "--root", root)
    assert "'Ray Dalio'" in res.stderr and "changed or deleted" in res.stderr
    assert "/entities/" in res.stderr
    assert snapshot(root) == before


def test_place_uses_context_to_choose_among_repeated_quotes():
    old = "The U.S. said no. Later the U.S. said yes."
    ann = Annotation(
        "d",
        "0" * 64,
        (),
        "1.0.0",
        "draft",
        sections=(Section("s1", 0, len(old), old, "paragraph"),),
        entities=(Entity("e1", 28, 32, "U.S.", "GPE"),),
    )
    new = "Officials noted: The U.S. said no. Later the U.S. said yes."
    placed, _, unplaced = anchor.reanchor(ann, new)
    assert not unplaced and placed.entities[0].start == new.rindex("U.S.")
    # with the section gone the context still picks the right one (prefix "Later the ")
    ann = replace(ann, sections=(), entities=ann.entities + (Entity("e2", 18, 23, "Later", "TIME"),))
    placed, _, unplaced = anchor.reanchor(ann, "X. " * 9 + old)
    assert not unplaced and placed.entities[0].start == 28 + 9 * 3


def test_canonicalize_maps_offsets_through_crlf_bom_and_nfc(tmp_path):
    root = tmp_path / "r"
    (root / "corpus").mkdir(parents=True)
    (root / "annotations").mkdir()
    raw = "\ufeffZoe\u0301 met Rene\u0301e in Mu\u0308nchen.\r\n\r\nThey spoke at the Cafe\u0301.\r\n"
    data = raw.encode("utf-8")
    sha_raw = hashlib.sha256(data).hexdigest()
    (root / "corpus/doc.txt").write_bytes(data)

    def sp(i, label, quote, **kw):
        s = raw.index(quote)
        return {"id": i, "label": label, "start": s, "end": s + len(quote), "text": quote, **kw}

    ann = {
        "schema_version": "1.0.0",
        "document_id": "doc",
        "text_sha256": sha_raw,
        "annotators": ["x"],
        "guidelines_version": "1.0.0",
        "status": "complete",
        "sections": [
            sp("s1", "paragraph", raw[1 : raw.index("\r")]),
            sp("s2", "paragraph", "They spoke at the Cafe\u0301."),
        ],
        "entities": [
            sp("e1", "PERSON", "Zoe\u0301"),
            sp("e2", "PERSON", "Rene\u0301e"),
            sp("e3", "GPE", "Mu\u0308nchen"),
            sp("e4", "FAC", "Cafe\u0301"),
        ],
        "claims": [],
    }
    import json

    (root / "annotations/doc.json").write_text(json.dumps(ann, ensure_ascii=False), encoding="utf-8")
    meta = {
        "schema_version": "1.0.0",
        "id": "doc",
        "language": "en",
        "source": "unknown",
        "url": "unknown",
        "license": "unknown",
        "text_sha256": sha_raw,
        "source_sha256": sha_raw,
    }
    (root / "corpus/doc.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    res = run_cli("validate", "--root", root)
    assert "text-not-canonical" in res.stdout
    cli_ok("canonicalize", "--root", root)
    text = (root / "corpus/doc.txt").read_text(encoding="utf-8")
    assert text == unicodedata.normalize("NFC", raw[1:].replace("\r\n", "\n"))
    new = load(root / "annotations/doc.json")
    assert [(e["start"], e["end"], e["text"]) for e in new["entities"]] == [
        (text.index(q), text.index(q) + len(q), q) for q in ("Zoé", "Renée", "München", "Café")
    ]
    assert load(root / "corpus/doc.meta.json")["source_sha256"] == sha_raw
    validate_ok(root)
    assert cli_ok("canonicalize", "--root", root).stdout.strip() == f"newsspan canonicalize: nothing to do in {root}"


def test_canonicalize_refuses_a_span_inside_a_composed_character(tmp_path):
    root = tmp_path / "r"
    (root / "corpus").mkdir(parents=True)
    (root / "annotations").mkdir()
    raw = "Cafe\u0301 au lait\n"
    sha = hashlib.sha256(raw.encode()).hexdigest()
    (root / "corpus/doc.txt").write_text(raw, encoding="utf-8")
    import json

    (root / "corpus/doc.meta.json").write_text(
        json.dumps(
            {
                "schema_version": "1.0.0",
                "id": "doc",
                "language": "fr",
                "source": "unknown",
                "url": "unknown",
                "license": "unknown",
                "text_sha256": sha,
                "source_sha256": sha,
            }
        ),
        encoding="utf-8",
    )
    ann = {
        "schema_version": "1.0.0",
        "document_id": "doc",
        "text_sha256": sha,
        "annotators": [],
        "guidelines_version": "1.0.0",
        "status": "draft",
        "sections": [],
        "claims": [],
        "entities": [{"id": "e1", "label": "PRODUCT", "start": 0, "end": 4, "text": "Cafe"}],
    }
    (root / "annotations/doc.json").write_text(json.dumps(ann), encoding="utf-8")
    before = snapshot(root)
    res = cli_fails("canonicalize", "--root", root, "doc")
    assert "/entities/0" in res.stderr and "rewrites as a whole" in res.stderr
    assert snapshot(root) == before


def test_reanchor_and_canonicalize_bad_ids(valid_root):
    """An ID that names no document is a usage error (exit 2) naming it, never "nothing to do"."""
    before = snapshot(valid_root)
    for cmd, ids in (("reanchor", ["ghost"]), ("canonicalize", ["../x"]), ("reanchor", ["tiny", "ghost", "gone"])):
        res = run_cli(cmd, "--root", valid_root, *ids)
        assert res.returncode == 2 and "Traceback" not in res.stderr, res.stderr
        assert "no such document" in res.stderr and all(i in res.stderr for i in ids if i != "tiny")
    assert (
        cli_ok("reanchor", "--root", valid_root).stdout.strip() == f"newsspan reanchor: nothing to do in {valid_root}"
    )
    assert snapshot(valid_root) == before
