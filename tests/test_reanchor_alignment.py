"""`newsspan reanchor` through an alignment of the old text (rebuilt from the quotes) and the new one.

A one-word correction inside a paragraph once made reanchor give up on the whole document (the
paragraph's and the claim's quotes "no longer occur"), and a span whose words were deleted was
moved onto another occurrence of its quote. Now spans around an edit move with it, spans that
contain it keep their ends with the quote updated, and a span whose own words went is listed
(exit 1, nothing written), never moved elsewhere.
"""

import hashlib
import json
import shutil

from conftest import REPO
from contrib_helpers import cli_fails, cli_ok, load, snapshot, validate_ok
from corpus_maker import add_document

GOLD_ID = "000_1afbb3b63b1bfa60"


def gold_root(tmp_path):
    root = tmp_path / "gold"
    shutil.copytree(REPO / "corpus", root / "corpus")
    shutil.copytree(REPO / "annotations", root / "annotations")
    return root


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
    assert "/entities/40 [1936, 1945) 'Ray Dalio': its first and last words were changed or deleted" in errors[0]
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
    assert "/entities/0 [17, 22) 'Paris'" in res.stderr and "changed or deleted" in res.stderr
    assert snapshot(root) == before


def test_the_old_text_comes_only_from_quotes_as_long_as_their_offsets():
    from newsspan.anchor import old_characters, rebuild
    from newsspan.model import Annotation, Entity, Section

    def ann(*entities):
        section = Section("s1", 0, 3, "Ann", "paragraph")
        return Annotation("d", "0" * 64, ("a",), "1.0.0", "gold", (section,), entities)

    # "Lee" stored at [4, 9): a quote two characters short of its offsets tells nothing of [4, 9)
    stale = ann(Entity("e1", 4, 9, "Lee", "PERSON"))
    assert old_characters(stale) == dict(enumerate("Ann")) == rebuild(stale)
    # two quotes of the right length that disagree: the old text cannot be rebuilt, but is still told
    clash = ann(Entity("e1", 0, 3, "Ann", "PERSON"), Entity("e2", 1, 3, "nd", "PERSON"))
    assert rebuild(clash) is None and old_characters(clash) == dict(enumerate("Ann"))
