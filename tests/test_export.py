"""`newsspan export`: brat, CoNLL, Label Studio and Prodigy, and the round trips back in."""

import json
import shutil
from dataclasses import replace

import pytest

from newsspan import Document, Entity, Section, schema
from newsspan.formats import conll
from newsspan.tokenize import token_offsets as tokenize

from conftest import REPO
from contrib_helpers import cli_fails, cli_ok, load, new_root, snapshot, validate_ok

GOLD_ID = "000_1afbb3b63b1bfa60"


@pytest.fixture
def gold_root(tmp_path):
    root = tmp_path / "gold"
    shutil.copytree(REPO / "corpus", root / "corpus")
    shutil.copytree(REPO / "annotations", root / "annotations")
    return root


def comparable(ann):
    """Layers without span ids (attribution.source resolved to the mention's offsets)."""
    pos = {e["id"]: [e["start"], e["end"]] for e in ann["entities"]}
    out = {}
    for layer in ("sections", "entities", "claims"):
        items = []
        for x in ann[layer]:
            x = json.loads(json.dumps(x))
            x.pop("id")
            if "source" in x.get("attribution", {}):
                x["attribution"]["source"] = pos[x["attribution"]["source"]]
            items.append(json.dumps(x, sort_keys=True, ensure_ascii=False))
        out[layer] = sorted(items)
    return out


def test_brat_export_then_import_reproduces_every_span(gold_root, tmp_path):
    out = tmp_path / "brat"
    res = cli_ok("export", "brat", "--root", gold_root, "--out", out)
    assert "1 document(s)" in res.stdout
    assert sorted(p.name for p in out.iterdir()) == [f"{GOLD_ID}.ann", f"{GOLD_ID}.txt", "annotation.conf"]
    root = new_root(tmp_path, "back")
    shutil.copy(gold_root / f"corpus/{GOLD_ID}.txt", root / "corpus")
    shutil.copy(gold_root / f"corpus/{GOLD_ID}.meta.json", root / "corpus")
    res = cli_ok("import", "brat", out, "--root", root)
    assert "warning" not in res.stderr
    gold, back = load(gold_root / f"annotations/{GOLD_ID}.json"), load(root / f"annotations/{GOLD_ID}.json")
    assert comparable(back) == comparable(gold)
    assert len(back["entities"]) == 52 and len(back["claims"]) == 9 and len(back["sections"]) == 17
    validate_ok(root)


def test_conll_export_loads_with_the_datasets_conll_builder(gold_root, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    import datasets

    out = tmp_path / "ner.conll"
    cli_ok("export", "conll", "--root", gold_root, "--out", out)
    lines = out.read_text(encoding="utf-8").split("\n")
    assert lines[0] == "-DOCSTART-\tO"
    rows = [line.split("\t") for line in lines if line and not line.startswith("-DOCSTART-")]
    assert all(len(r) == 2 and r[1] in schema.ner_tags() for r in rows)
    ds = datasets.load_dataset(
        "conll", data_files=str(out), column_names=["tokens", "ner_tags"], cache_dir=str(tmp_path / "cache")
    )["train"]
    gold = load(gold_root / f"annotations/{GOLD_ID}.json")
    assert ds.num_rows == len(gold["sections"])  # one row per section
    tags = [t for row in ds["ner_tags"] for t in row]
    assert tags.count("B-PERSON") == sum(e["label"] == "PERSON" for e in gold["entities"])
    assert sum(t.startswith("B-") for t in tags) == len(gold["entities"])
    # the headline row
    text = (gold_root / f"corpus/{GOLD_ID}.txt").read_text(encoding="utf-8")
    headline = next(s for s in gold["sections"] if s["label"] == "headline")
    row = ds[[s["id"] for s in gold["sections"]].index(headline["id"])]
    assert row["tokens"] == [text[a:b] for a, b in tokenize(text, headline["start"], headline["end"])]
    assert list(zip(row["tokens"], row["ner_tags"], strict=True))[:1] == [("Blinken", "B-PERSON")]
    assert list(zip(row["tokens"], row["ner_tags"], strict=True))[-4:] == [
        ("U.S.", "B-GPE"),
        ("-", "O"),
        ("China", "B-GPE"),
        ("Ties", "O"),
    ]


def test_conll_rows_are_whole_sections_tagged_by_the_one_tagger():
    text = "Blinken-Liu talks: the U.S.’s view."
    doc = Document(
        "d",
        text,
        sections=(Section("s1", 0, len(text), text, "paragraph"),),
        entities=tuple(
            Entity(f"e{i}", a, b, text[a:b], label)
            for i, (a, b, label) in enumerate([(0, 7, "PERSON"), (8, 11, "PERSON"), (23, 27, "GPE")], 1)
        ),
    )
    [(tokens, tags)] = conll.section_rows(doc)
    assert [(t.text, tag) for t, tag in zip(tokens, tags, strict=True)] == [
        ("Blinken", "B-PERSON"),
        ("-", "O"),
        ("Liu", "B-PERSON"),
        ("talks", "O"),
        (":", "O"),
        ("the", "O"),
        ("U.S.", "B-GPE"),
        ("’s", "O"),
        ("view", "O"),
        (".", "O"),
    ]
    # an entity edge inside a token is refused, never tagged by cutting the token
    doc = replace(doc, entities=(Entity("e1", 0, 4, "Blin", "PERSON"),))
    with pytest.raises(conll.FormatError, match=r"e1 'Blin' .* inside the token 'Blinken'"):
        conll.section_rows(doc)


def test_labelstudio_export_is_tasks_with_predictions(gold_root, tmp_path):
    out = tmp_path / "ls.json"
    cli_ok("export", "labelstudio", "--root", gold_root, "--out", out)
    tasks = json.loads(out.read_text(encoding="utf-8"))
    text = (gold_root / f"corpus/{GOLD_ID}.txt").read_text(encoding="utf-8")
    assert len(tasks) == 1 and tasks[0]["data"]["text"] == text
    result = tasks[0]["predictions"][0]["result"]
    assert len(result) == 52
    assert all(
        text[r["value"]["start"] : r["value"]["end"]] == r["value"]["text"] and r["type"] == "labels" for r in result
    )


def test_prodigy_export_has_token_indices_and_imports_back(gold_root, tmp_path):
    out = tmp_path / "p.jsonl"
    cli_ok("export", "prodigy", "--root", gold_root, "--out", out)
    task = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    for sp in task["spans"]:
        assert task["tokens"][sp["token_start"]]["start"] == sp["start"]
        assert task["tokens"][sp["token_end"]]["end"] == sp["end"]  # token_end is inclusive
    assert len(task["spans"]) == 52
    root = new_root(tmp_path, "back")
    for name in (f"{GOLD_ID}.txt", f"{GOLD_ID}.meta.json"):
        shutil.copy(gold_root / "corpus" / name, root / "corpus")
    cli_ok("import", "prodigy", out, "--root", root)
    gold = load(gold_root / f"annotations/{GOLD_ID}.json")

    def key(e):
        return e["start"], e["end"], e["label"], e["text"]

    assert sorted(map(key, load(root / f"annotations/{GOLD_ID}.json")["entities"])) == sorted(
        map(key, gold["entities"])
    )


def test_export_includes_drafts_when_asked_and_refuses_to_overwrite(tmp_path):
    root = new_root(tmp_path)
    src = tmp_path / "a.txt"
    src.write_text("Headline here\n\nBody text.\n", encoding="utf-8")
    cli_ok("add", "--root", root, src, "--language", "en")
    out = tmp_path / "out.conll"
    cli_ok("export", "conll", "--root", root, "--out", out, "--include-drafts")
    assert out.read_text().startswith("-DOCSTART-")
    assert "already exists" in cli_fails("export", "conll", "--root", root, "--out", out, "--include-drafts").stderr
    cli_ok("export", "conll", "--root", root, "--out", out, "--force", "--include-drafts")


def test_export_refuses_invalid_annotations(fixture_root, tmp_path):
    root, _ = fixture_root("span-text-mismatch")
    before = snapshot(root)
    res = cli_fails("export", "brat", "--root", root, "--out", tmp_path / "b")
    assert "span-text-mismatch" in res.stderr and not (tmp_path / "b").exists()
    assert snapshot(root) == before
