"""`newsspan export`: the release (what `newsspan build` releases, one split of it with --split) in brat,
CoNLL, Label Studio and Prodigy, written atomically with the user's usual file modes, and the round trips
back in through `newsspan import`, also of a text holding every character that some readers take for a
line end (U+2028, U+2029, U+0085, U+000B, U+000C, U+001C..U+001E: JSON Lines and brat .ann lines end at
"\\n" only).
"""

import contextlib
import json
import os
import shutil
import stat
from dataclasses import replace

import pytest

import newsspan
from newsspan import Document, Entity, Section, schema
from newsspan.formats import conll
from newsspan.tokenize import tokenize

from conftest import seed_root
from contrib_helpers import cli, cli_fails, cli_ok, load, new_root, snapshot, validate_ok

GOLD_ID = "000_1afbb3b63b1bfa60"


@pytest.fixture
def gold_root(tmp_path):
    return seed_root(tmp_path / "gold")


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
    assert row["tokens"] == [t.text for t in tokenize(text, headline["start"], headline["end"])]
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


# the release: what build releases, one split of it -----------------------------------------------


@pytest.fixture
def mixed_root(tmp_path):
    """a, d: complete (a pinned to test, d to train); b: a draft; c: a text without a layer."""
    root = new_root(tmp_path)
    for doc_id, split in (("a", "test"), ("b", None), ("c", None), ("d", "train")):
        src = tmp_path / f"{doc_id}.txt"
        src.write_text(f"Headline {doc_id}\n\nOfficials in Paris met on Monday ({doc_id}).\n", encoding="utf-8")
        cli_ok("add", "--root", root, src, "--language", "en", *(["--split", split] if split else []))
    for doc_id in ("a", "d"):
        path = root / f"annotations/{doc_id}.json"
        ann = load(path)
        ann["status"] = "complete"
        path.write_text(json.dumps(ann, indent=2) + "\n", encoding="utf-8")
    (root / "annotations/c.json").unlink()
    return root


def exported_ids(path):
    return [task["data"]["id"] for task in json.loads(path.read_text(encoding="utf-8"))]


def test_export_holds_exactly_the_released_documents(mixed_root, tmp_path):
    released = [d.id for d in newsspan.Corpus(mixed_root).released()]
    assert released == ["a", "d"]
    res = cli_ok("export", "labelstudio", "--root", mixed_root, "--out", tmp_path / "t.json")
    assert exported_ids(tmp_path / "t.json") == released
    assert "not released: b (draft), c (no released layer); --include-drafts includes them" in res.stderr


def test_include_drafts_exports_what_build_include_drafts_releases(mixed_root, tmp_path):
    everything = [d.id for d in newsspan.Corpus(mixed_root).released(include_drafts=True)]
    assert everything == ["a", "b", "c", "d"]
    cli_ok("export", "labelstudio", "--root", mixed_root, "--out", tmp_path / "t.json", "--include-drafts")
    assert exported_ids(tmp_path / "t.json") == everything


def test_split_exports_one_split(mixed_root, tmp_path):
    res = cli_ok("export", "labelstudio", "--root", mixed_root, "--out", tmp_path / "t.json", "--split", "test")
    assert exported_ids(tmp_path / "t.json") == ["a"] and "of the test split" in res.stdout
    cli_ok("export", "conll", "--root", mixed_root, "--out", tmp_path / "train.conll", "--split", "train")
    assert (tmp_path / "train.conll").read_text(encoding="utf-8").count("-DOCSTART-") == 1


def test_an_empty_selection_is_an_error_and_writes_nothing(mixed_root, tmp_path):
    before = snapshot(mixed_root)
    res = cli_fails("export", "conll", "--root", mixed_root, "--out", tmp_path / "v.conll", "--split", "validation")
    assert "nothing to export: no released document in the validation split" in res.stderr
    assert not (tmp_path / "v.conll").exists() and snapshot(mixed_root) == before


def test_an_unknown_split_is_a_usage_error(mixed_root, tmp_path):
    res = cli("export", "conll", "--root", mixed_root, "--out", tmp_path / "x.conll", "--split", "dev")
    assert res.returncode == 2 and "invalid choice: 'dev'" in res.stderr


def test_export_of_a_corpus_with_errors_lists_them_as_validate_does(mixed_root, tmp_path):
    path = mixed_root / "annotations/a.json"
    ann = load(path)
    ann["sections"][0]["text"] = "Headline x"  # the quote no longer matches the text at its offsets
    path.write_text(json.dumps(ann, indent=2) + "\n", encoding="utf-8")
    line = path.read_text(encoding="utf-8").splitlines().index('      "text": "Headline x"') + 1
    res = cli_fails("export", "labelstudio", "--root", mixed_root, "--out", tmp_path / "t.json")
    assert f"annotations/a.json:{line}:" in res.stderr and "error[span-text-mismatch] /sections/0/text:" in res.stderr
    assert "nothing was exported" in res.stderr and not (tmp_path / "t.json").exists()


# files and folders with the user's usual modes (not mkstemp's 0600) ---------------------------------


@contextlib.contextmanager
def umask(mask):
    old = os.umask(mask)  # inherited by the CLI subprocesses
    try:
        yield
    finally:
        os.umask(old)


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize(
    "mask,file_mode,folder_mode",
    [(0o022, 0o644, 0o755), (0o077, 0o600, 0o700), (0o002, 0o664, 0o775)],
    ids=["umask-022", "umask-077", "umask-002"],
)
def test_exports_have_the_usual_modes_under_the_umask(mask, file_mode, folder_mode, gold_root, tmp_path):
    with umask(mask):
        for fmt in ("conll", "labelstudio", "prodigy"):
            out = tmp_path / f"out.{fmt}"
            cli_ok("export", fmt, "--root", gold_root, "--out", out)
            assert mode(out) == file_mode, fmt
            cli_ok("export", fmt, "--root", gold_root, "--out", out, "--force")  # replacing it too
            assert mode(out) == file_mode, fmt
        folder = tmp_path / "brat"
        for _ in range(2):  # a new folder, then one replacing the first (--force)
            cli_ok("export", "brat", "--root", gold_root, "--out", folder, "--force")
            assert mode(folder) == folder_mode
            assert {mode(p) for p in folder.iterdir()} == {file_mode}
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".newsspan-")) == []  # no staging left


def test_the_build_folder_has_the_usual_modes(gold_root):
    with umask(0o022):
        cli_ok("build", "--root", gold_root)
    out = gold_root / "build" / "hf"
    assert mode(out) == 0o755 and mode(out / "README.md") == 0o644
    assert {mode(p) for p in out.rglob("*") if p.is_dir()} == {0o755}


# round trips of a text holding every character some readers end a line at -------------------------

SEPARATORS = ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e"]
TEXT = (
    "Storm\u2028Warning\n\n"
    "Angela Merkel met Emmanuel Macron in Berlin\u2029on Monday.\x0bParis\x0cand Rome\x1cagreed\x1dwith Madrid"
    "\x1eyesterday.\x85Officials said\u2028the talks went well.\n"
)
DOC = "separators"


def span(quote, after=0, **fields):
    start = TEXT.index(quote, after)
    return {**fields, "start": start, "end": start + len(quote), "text": quote}


def annotation(meta):
    body_start = TEXT.index("Angela")
    entities = [
        span(q, label=lab)
        for q, lab in [
            ("Angela Merkel", "PERSON"),
            ("Emmanuel Macron", "PERSON"),
            ("Berlin", "GPE"),
            ("Monday", "DATE"),
            ("Paris", "GPE"),
            ("Rome", "GPE"),
            ("Madrid", "GPE"),
            ("yesterday", "DATE"),
        ]
    ]
    claims = [
        span(
            "Angela Merkel met Emmanuel Macron in Berlin\u2029on Monday.",
            attribution={"type": "journalist"},
            checkworthy=True,
        ),
        span(
            "the talks went well",
            attribution={"type": "source", "source_span": span("Officials"), "cue": span("said")},
            checkworthy=False,
        ),
    ]
    return {
        "schema_version": "1.0.0",
        "document_id": DOC,
        "text_sha256": meta["text_sha256"],
        "annotators": ["tester"],
        "guidelines_version": "1.0.0",
        "status": "complete",
        "sections": [
            {"id": "s1", **span("Storm\u2028Warning", label="headline")},
            {"id": "s2", **span(TEXT[body_start:].rstrip("\n"), label="paragraph")},
        ],
        "entities": [{"id": f"e{i}", **e} for i, e in enumerate(entities, 1)],
        "claims": [{"id": f"c{i}", **c} for i, c in enumerate(claims, 1)],
    }


@pytest.fixture
def separator_root(tmp_path):
    """A root whose one document holds every separator, added and annotated as a contributor would."""
    assert all(ch in TEXT for ch in SEPARATORS)
    root = new_root(tmp_path, "source")
    src = tmp_path / f"{DOC}.txt"
    src.write_bytes(TEXT.encode("utf-8"))
    cli_ok("add", "--root", root, src, "--language", "en")
    assert (root / f"corpus/{DOC}.txt").read_text(encoding="utf-8") == TEXT
    meta = load(root / f"corpus/{DOC}.meta.json")
    (root / f"annotations/{DOC}.json").write_text(
        json.dumps(annotation(meta), ensure_ascii=False, indent=2), encoding="utf-8"
    )
    validate_ok(root)
    return root


def corpus_only(tmp_path, source):
    """A root holding the document's text and metadata, no annotation: where an import lands."""
    root = new_root(tmp_path, "back")
    for name in (f"{DOC}.txt", f"{DOC}.meta.json"):
        shutil.copy(source / "corpus" / name, root / "corpus")
    return root


def spans_of(ann, layer):
    return sorted((x.get("label"), x["start"], x["end"], x["text"]) for x in ann[layer])


def test_lines_end_at_line_feeds_only():
    from newsspan.files import lines

    assert lines("a\u2028b\x85c\r\nd\x0be\n\nf") == ["a\u2028b\x85c", "d\x0be", "", "f"]
    assert lines("one\n") == ["one"] and lines("") == [] and lines("\n") == [""]


def test_brat_round_trip_of_line_separators(separator_root, tmp_path):
    out = tmp_path / "brat"
    cli_ok("export", "brat", "--root", separator_root, "--out", out)
    back = corpus_only(tmp_path, separator_root)
    res = cli_ok("import", "brat", out, "--root", back)
    assert "warning" not in res.stderr
    gold, got = load(separator_root / f"annotations/{DOC}.json"), load(back / f"annotations/{DOC}.json")
    for layer in ("sections", "entities"):
        assert spans_of(got, layer) == spans_of(gold, layer)
    assert [(c["text"], c["attribution"]) for c in got["claims"]] == [
        (c["text"], c["attribution"]) for c in gold["claims"]
    ]
    validate_ok(back)


def test_prodigy_round_trip_of_line_separators(separator_root, tmp_path):
    out = tmp_path / "p.jsonl"
    cli_ok("export", "prodigy", "--root", separator_root, "--out", out)
    assert "\u2028" in out.read_text(encoding="utf-8")  # written raw, as Prodigy writes it
    back = corpus_only(tmp_path, separator_root)
    cli_ok("import", "prodigy", out, "--root", back)
    gold = load(separator_root / f"annotations/{DOC}.json")
    assert spans_of(load(back / f"annotations/{DOC}.json"), "entities") == spans_of(gold, "entities")


def test_labelstudio_round_trip_of_line_separators(separator_root, tmp_path):
    out = tmp_path / "ls.json"
    cli_ok("export", "labelstudio", "--root", separator_root, "--out", out)
    tasks = json.loads(out.read_text(encoding="utf-8"))
    for (
        task
    ) in tasks:  # an annotator accepts the pre-annotations in Label Studio, which then exports them as annotations
        task["annotations"] = [{"id": 1, "completed_by": 1, "result": task.pop("predictions")[0]["result"]}]
    out.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    back = corpus_only(tmp_path, separator_root)
    cli_ok("import", "labelstudio", out, "--root", back)
    gold = load(separator_root / f"annotations/{DOC}.json")
    assert spans_of(load(back / f"annotations/{DOC}.json"), "entities") == spans_of(gold, "entities")


def test_doccano_import_of_a_jsonl_export_holding_every_separator(separator_root, tmp_path):
    gold = load(separator_root / f"annotations/{DOC}.json")
    records = [
        {"id": 1, "text": TEXT, "label": [[e["start"], e["end"], e["label"]] for e in gold["entities"]]},
        {"id": 2, "text": "Lagos is in Nigeria.", "label": [[0, 5, "GPE"], [12, 19, "GPE"]]},
    ]
    path = tmp_path / "doccano.jsonl"  # as doccano writes it: one record per line, non-ASCII raw
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    back = corpus_only(tmp_path, separator_root)
    cli_ok("import", "doccano", path, "--root", back, "--language", "en")
    assert spans_of(load(back / f"annotations/{DOC}.json"), "entities") == spans_of(gold, "entities")
    validate_ok(back)
