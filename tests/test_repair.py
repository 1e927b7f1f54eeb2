"""The repairs: `newsspan canonicalize` (spans mapped exactly through CRLF, BOM and NFC), `newsspan reanchor`
(spans follow a corrected text through an alignment of the old text, rebuilt from the quotes, with the new
one; nothing guessed or lost) and `newsspan validate --fix` (the one safe fix, a shifted span onto its unique
nearby quote, as ruff's `--fix` applies only safe fixes and reports the rest).
"""

import hashlib
import json
import shutil
import unicodedata
from dataclasses import replace

from newsspan.edit.repair import old_characters, reanchor, rebuild
from newsspan.model import Annotation, Entity, Section

from conftest import seed_root
from contrib_helpers import cli, cli_fails, cli_ok, load, new_root, snapshot, validate_ok
from corpus_maker import add_document

GOLD_ID = "000_1afbb3b63b1bfa60"
GOLD = GOLD_ID


def gold_root(tmp_path):
    return seed_root(tmp_path / "gold")


# reanchor ------------------------------------------------------------------------------------------


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
    assert cli("validate", "--root", root).returncode == 1  # hashes and spans are stale now
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
    placed, _, unplaced = reanchor(ann, new)
    assert not unplaced and placed.entities[0].start == new.rindex("U.S.")
    # with the section gone the context still picks the right one (prefix "Later the ")
    ann = replace(ann, sections=(), entities=ann.entities + (Entity("e2", 18, 23, "Later", "TIME"),))
    placed, _, unplaced = reanchor(ann, "X. " * 9 + old)
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
    res = cli("validate", "--root", root)
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
        res = cli(cmd, "--root", valid_root, *ids)
        assert res.returncode == 2 and "Traceback" not in res.stderr, res.stderr
        assert "no such document" in res.stderr and all(i in res.stderr for i in ids if i != "tiny")
    assert (
        cli_ok("reanchor", "--root", valid_root).stdout.strip() == f"newsspan reanchor: nothing to do in {valid_root}"
    )
    assert snapshot(valid_root) == before


# reanchor through the alignment -------------------------------------------------------------------


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def edited(ann: dict, text: str, at: int, removed: int, inserted: str) -> tuple[dict, str]:
    """text with text[at:at + removed] replaced by inserted, and ann as an annotator would have made it
    on that text: spans before the edit stay, spans after it shift, spans around it stretch."""
    new_text = text[:at] + inserted + text[at + removed :]
    delta = len(inserted) - removed
    out = json.loads(json.dumps(ann))
    spans = [s for layer in ("sections", "entities", "claims") for s in out[layer]]
    spans += [s["attribution"][k] for s in out["claims"] for k in ("source_span", "cue") if k in s["attribution"]]
    for s in spans:
        if s["start"] >= at + removed:
            s["start"] += delta
            s["end"] += delta
        elif s["start"] < at and s["end"] > at + removed:
            s["end"] += delta
        else:
            assert s["end"] <= at, ("the edit touches a span's own words", s)
        s["text"] = new_text[s["start"] : s["end"]]
    out["text_sha256"] = sha(new_text)
    return out, new_text


def write_state(root, text, ann):
    (root / f"corpus/{GOLD_ID}.txt").write_text(text, encoding="utf-8")
    meta = load(root / f"corpus/{GOLD_ID}.meta.json")
    meta["text_sha256"] = sha(text)
    (root / f"corpus/{GOLD_ID}.meta.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (root / f"annotations/{GOLD_ID}.json").write_text(
        json.dumps(ann, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def test_a_one_word_typo_fixed_inside_a_paragraph_reanchors_cleanly(tmp_path):
    root = gold_root(tmp_path)
    text = (root / f"corpus/{GOLD_ID}.txt").read_text(encoding="utf-8")
    gold, gold_meta = load(root / f"annotations/{GOLD_ID}.json"), load(root / f"corpus/{GOLD_ID}.meta.json")
    # the text as first published, with a typo, and the annotation made on it
    at = text.index("monumental") + len("monument")
    typo_ann, typo_text = edited(gold, text, at, 1, "")  # "monumentl"
    assert "a monumentl diplomatic rendezvous" in typo_text
    write_state(root, typo_text, typo_ann)
    validate_ok(root)
    # the typo is fixed in the text; reanchor brings the annotation along
    (root / f"corpus/{GOLD_ID}.txt").write_text(text, encoding="utf-8")
    res = cli_ok("reanchor", "--root", root)
    assert "span(s) moved" in res.stdout
    assert (
        load(root / f"annotations/{GOLD_ID}.json") == gold
    )  # every span, quote and hash as annotated on the fixed text
    assert load(root / f"corpus/{GOLD_ID}.meta.json") == gold_meta
    validate_ok(root)


def test_a_deleted_entity_mention_is_listed_unplaced_and_nothing_is_written(tmp_path):
    root = gold_root(tmp_path)
    path = root / f"corpus/{GOLD_ID}.txt"
    text = path.read_text(encoding="utf-8")
    assert text.count("Ray Dalio") == 1
    path.write_text(text.replace("such as Ray Dalio, the founder", "such as the founder"), encoding="utf-8")
    before = snapshot(root)
    res = cli_fails("reanchor", "--root", root)
    errors = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    # the mention alone: its paragraph holds the deletion and keeps its ends
    assert len(errors) == 1, errors
    assert "/entities/40: [1936, 1945) 'Ray Dalio': its first and last words were changed or deleted" in errors[0]
    assert snapshot(root) == before


def test_a_mention_whose_words_went_is_never_moved_onto_another_occurrence_of_its_quote(tmp_path):
    root = gold_root(tmp_path)
    path = root / f"corpus/{GOLD_ID}.txt"
    text = path.read_text(encoding="utf-8")
    assert text.count("Blinken") == 4  # the headline, "Antony Blinken" twice, "The Blinken-Liu meeting"
    path.write_text(text.replace("The Blinken-Liu meeting", "The Liu meeting"), encoding="utf-8")
    before = snapshot(root)
    res = cli_fails("reanchor", "--root", root)
    errors = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "'Blinken': its first and last words were changed or deleted" in errors[0], errors
    assert "never moved onto another occurrence of its quote" in errors[0]
    assert snapshot(root) == before


def test_a_word_changed_inside_a_mention_is_one_problem_and_drop_unplaced_removes_it_from_every_layer(tmp_path):
    root = gold_root(tmp_path)
    (root / "annotations/annotators/bob").mkdir(parents=True)
    shutil.copy(root / f"annotations/{GOLD_ID}.json", root / f"annotations/annotators/bob/{GOLD_ID}.json")
    path = root / f"corpus/{GOLD_ID}.txt"
    text = path.read_text(encoding="utf-8")
    gold = load(root / f"annotations/{GOLD_ID}.json")
    path.write_text(text.replace("such as Ray Dalio, the", "such as Ray Dalios, the"), encoding="utf-8")
    before = snapshot(root)
    res = cli_fails("reanchor", "--root", root, GOLD_ID)
    errors = res.stderr.split("error: ")[1:]
    assert len(errors) == 2 and all("[1936, 1945) 'Ray Dalio': its last word was changed" in e for e in errors)
    assert all(
        f"fix: correct the span by hand, or run `newsspan reanchor --drop-unplaced {GOLD_ID}`" in e for e in errors
    )
    assert snapshot(root) == before
    assert cli("reanchor", "--root", root, "--drop-unplaced").returncode == 2  # never for the whole corpus unasked
    res = cli_ok("reanchor", "--root", root, "--drop-unplaced", GOLD_ID)
    for rel in (f"annotations/{GOLD_ID}.json", f"annotations/annotators/bob/{GOLD_ID}.json"):
        assert f'{rel} /entities/40: dropped [1936, 1945) "Ray Dalio": its last word was changed' in res.stdout
        ann = load(root / rel)
        kept = [(e["id"], e["label"], e["text"]) for e in gold["entities"] if e["text"] != "Ray Dalio"]
        assert [(e["id"], e["label"], e["text"]) for e in ann["entities"]] == kept  # the rest moved with the text
    validate_ok(root)


def test_the_only_other_occurrence_of_a_deleted_quote_is_not_used(tmp_path):
    """The quote search would find "Paris" once in the new text and move the mention there, silently."""
    root = tmp_path / "root"
    text = "Officials met in Paris on Monday. Later, reporters in Paris said little.\n"
    add_document(
        root, "paris", text, sections=[("paragraph", text.strip())], entities=[("GPE", "Paris", 0), ("DATE", "Monday")]
    )
    validate_ok(root)
    (root / "corpus/paris.txt").write_text(text.replace("met in Paris on", "met on"), encoding="utf-8")
    before = snapshot(root)
    res = cli_fails("reanchor", "--root", root)
    assert "/entities/0: [17, 22) 'Paris'" in res.stderr and "changed or deleted" in res.stderr
    assert snapshot(root) == before


def test_the_old_text_comes_only_from_quotes_as_long_as_their_offsets():

    def ann(*entities):
        section = Section("s1", 0, 3, "Ann", "paragraph")
        return Annotation("d", "0" * 64, ("a",), "1.0.0", "gold", (section,), entities)

    # "Lee" stored at [4, 9): a quote two characters short of its offsets tells nothing of [4, 9)
    stale = ann(Entity("e1", 4, 9, "Lee", "PERSON"))
    assert old_characters(stale) == dict(enumerate("Ann")) == rebuild(stale)
    # two quotes of the right length that disagree: the old text cannot be rebuilt, but is still told
    clash = ann(Entity("e1", 0, 3, "Ann", "PERSON"), Entity("e2", 1, 3, "nd", "PERSON"))
    assert rebuild(clash) is None and old_characters(clash) == dict(enumerate("Ann"))


# validate --fix ------------------------------------------------------------------------------------


def _write(path, ann, **dump):
    path.write_text(json.dumps(ann, ensure_ascii=False, **(dump or {"indent": 2})) + "\n", encoding="utf-8")


def _shift(path, layer, i, by, **dump):
    ann = load(path)
    ann[layer][i]["start"] += by
    ann[layer][i]["end"] += by
    _write(path, ann, **dump)
    return ann


def test_a_copy_with_a_shifted_span_fails_where_it_stands_and_fix_repairs_it(tmp_path):
    copy = seed_root(tmp_path / "copy")
    path = copy / f"annotations/{GOLD}.json"
    gold = load(path)
    e = gold["entities"][0]
    _shift(path, "entities", 0, 1)
    for cwd in (copy, copy / "annotations"):
        res = cli("validate", cwd=cwd)
        assert res.returncode == 1, res.stdout
        assert res.stdout.splitlines()[-1].startswith(f"newsspan validate FAILED in {copy}: 1 document")
        assert "error[span-text-mismatch] /entities/0/text" in res.stdout
        assert (
            f"run `newsspan validate --fix`, which moves the span onto its quote at [{e['start']}, {e['end']})"
            in res.stdout
        )
    assert cli("validate").returncode == 2  # outside any corpus
    res = cli("validate", "--fix", cwd=copy / "annotations")
    assert res.returncode == 0, res.stdout + res.stderr
    assert (
        f"fixed: annotations/{GOLD}.json /entities/0: moved {json.dumps(e['text'])} from "
        f"[{e['start'] + 1}, {e['end'] + 1}) to [{e['start']}, {e['end']}) (shift -1)"
    ) in res.stdout
    assert "1 span moved in 1 file" in res.stdout
    assert res.stdout.splitlines()[-1].startswith(f"newsspan validate passed in {copy}")
    assert load(path) == gold
    again = cli("validate", cwd=copy)
    assert again.returncode == 0 and "0 errors" in again.stdout


def test_fix_moves_the_span_and_writes_the_file_in_canonical_form(valid_root):
    path = valid_root / "annotations/tiny.json"
    ann = load(path)
    ann["entities"][1]["start"] += 2
    ann["entities"][1]["end"] += 2
    _write(path, ann, separators=(",", ":"))  # a hand-made layout
    res = cli("validate", "--root", valid_root, "--fix", "annotations/tiny.json")  # the PATHs of validate
    assert res.returncode == 0, res.stdout + res.stderr
    assert 'fixed: annotations/tiny.json /entities/1: moved "Liu Jianchao" from [21, 33) to [19, 31)' in res.stdout
    ann["entities"][1]["start"] -= 2
    ann["entities"][1]["end"] -= 2
    # every newsspan writer writes the canonical form (2-space indent, the schema's key order)
    assert path.read_text(encoding="utf-8") == json.dumps(ann, ensure_ascii=False, indent=2) + "\n"


def test_a_file_that_does_not_pass_the_schema_is_left_to_the_report(valid_root):
    path = valid_root / "annotations/tiny.json"
    ann = load(path)
    ann["entities"][2]["label"] = "Location"  # a schema problem that --fix must leave alone
    ann["entities"][1]["start"] += 2
    ann["entities"][1]["end"] += 2
    _write(path, ann, separators=(",", ":"))
    before = path.read_bytes()
    res = cli("validate", "--root", valid_root, "--fix", "annotations/tiny.json")
    assert res.returncode == 1
    assert "not fixed: annotations/tiny.json: it does not follow the annotation schema (/entities/2/label" in res.stdout
    assert "0 spans moved in 0 files" in res.stdout
    assert (
        "error[schema] /entities/2/label" in res.stdout and "error[span-text-mismatch] /entities/1/text" in res.stdout
    )
    assert path.read_bytes() == before


def _root_with(tmp_path, text, entities):
    """A root holding one document with these entities (start, end, label) as a draft layer."""
    root = new_root(tmp_path)
    src = tmp_path / "doc.txt"
    src.write_text(text, encoding="utf-8")
    cli_ok("add", "--root", root, src, "--language", "en")
    path = root / "annotations/doc.json"
    ann = load(path)
    ann["entities"] = [
        {"id": f"e{i}", "label": label, "start": a, "end": b, "text": text[a:b]}
        for i, (a, b, label) in enumerate(entities, 1)
    ]
    _write(path, ann)
    return root, path


def test_a_quote_that_occurs_twice_nearby_is_not_moved(tmp_path):
    text = "Officials said Paris and Paris again.\n"
    root, path = _root_with(tmp_path, text, [(15, 20, "GPE")])
    _shift(path, "entities", 0, 3)  # between the two "Paris": which one was meant, only a person knows
    before = snapshot(root)
    res = cli("validate", "--root", root)
    assert res.returncode == 1 and "span-text-mismatch" in res.stdout and "--fix" not in res.stdout
    res = cli("validate", "--root", root, "--fix")
    assert res.returncode == 1 and "0 spans moved in 0 files" in res.stdout and "span-text-mismatch" in res.stdout
    assert snapshot(root) == before


def test_a_move_that_would_add_an_error_is_listed_not_made(tmp_path):
    text = "Officials said Paris will host it.\n"
    root, path = _root_with(tmp_path, text, [(15, 20, "GPE"), (15, 20, "GPE")])
    _shift(path, "entities", 1, 6)  # its quote's only place nearby is that of the other mention
    before = snapshot(root)
    res = cli("validate", "--root", root, "--fix")
    assert res.returncode == 1
    assert (
        "not fixed: annotations/doc.json /entities/1: not moved to [15, 20): the file would then have entity-overlap"
        in res.stdout
    )
    assert "span-text-mismatch" in res.stdout
    # what is left names the fix --fix declined, never --fix alone
    assert (
        "where --fix declines (the move would add an error, which it names), set start 15 and end 20 by hand"
        in res.stdout
    )
    assert snapshot(root) == before


def test_a_file_made_on_another_text_is_for_reanchor_not_fix(valid_root):
    path = valid_root / "annotations/tiny.json"
    ann = _shift(path, "entities", 1, 2)
    ann["text_sha256"] = "0" * 64
    _write(path, ann)
    before = snapshot(valid_root)
    res = cli("validate", "--root", valid_root, "--fix")
    assert res.returncode == 1 and "0 spans moved" in res.stdout
    assert "text-hash-mismatch" in res.stdout and "--fix`, which moves" not in res.stdout
    assert snapshot(valid_root) == before


def test_fix_with_json_output_keeps_stdout_json(valid_root):
    _shift(valid_root / "annotations/tiny.json", "claims", 0, 1)
    res = cli("validate", "--root", valid_root, "--fix", "--format", "json")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["summary"]["errors"] == 0
    assert "fixed: annotations/tiny.json /claims/0: moved" in res.stderr


def test_fix_is_a_writing_command_that_cleans_up_first(valid_root):
    """--fix writes as every command does: under the lock, which removes what a killed command left."""
    stray = valid_root / "annotations/.newsspan-0123abcd.tmp"  # half a file a killed write left
    stray.write_bytes(b'{"schema_ver')
    _shift(valid_root / "annotations/tiny.json", "entities", 0, 1)
    res = cli("validate", "--root", valid_root, "--fix")
    assert res.returncode == 0, res.stdout
    assert "1 span moved" in res.stdout and not stray.exists()
