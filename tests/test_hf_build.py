"""`newsspan build` writes a folder that plain `datasets.load_dataset` reads, offline, typed.

The command runs in this process (`hf_util.cli`); what it wrote is read with plain `datasets`."""

import hashlib
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import huggingface_hub
import pytest
from datasets.info import DatasetInfosDict

import newsspan
from newsspan.hf.card import version as newsspan_version

from conftest import REPO, cli_env, seed_root
from corpus_maker import ZH_TEXT, add_document, multi_root, write_annotation
from hf_util import SEED, annotation, cli, corpus_text, front_matter, load, names, tagged_spans

CONFIGS = ["documents", "entities", "claims", "sections"]


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("hf-cache")


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    """The first article alone, built with the CLI into a temporary folder."""
    root = seed_root(tmp_path_factory.mktemp("seed-root"))
    out = tmp_path_factory.mktemp("seed") / "hf"
    res = cli("build", "--out", out, cwd=root)  # the root found from the working directory
    assert res.returncode == 0, res.stdout + res.stderr
    return out, res


@pytest.fixture(scope="module")
def multi(tmp_path_factory):
    """A root with an English and a Chinese document, one pinned to test, a draft and an unannotated text."""
    root = multi_root(tmp_path_factory.mktemp("multi") / "root")
    res = cli("build", "--root", root)
    assert res.returncode == 0, res.stdout + res.stderr
    return root, root / "build" / "hf", res


def rows_of(ds):
    return [row for split in ds for row in ds[split]]


# the seed article ----------------------------------------------------------------------------


def test_summary_prints_a_load_line_that_works(seed, tmp_path):
    out, res = seed
    assert "released 1 document (gold 1); left out: 0 drafts, 0 texts without a released layer" in res.stdout
    line = next(x.strip() for x in res.stdout.splitlines() if "load_dataset(" in x)
    assert line == f'from datasets import load_dataset; ds = load_dataset("{out}", "entities")'
    run = subprocess.run(
        [sys.executable, "-c", line + "; print(ds['train'].num_rows)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=cli_env(HF_DATASETS_CACHE=str(tmp_path / "c")),
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split()[-1] == str(len(annotation(REPO, SEED)["sections"]))


def test_documents_config_holds_the_text_and_every_span(seed, cache):
    out, _ = seed
    ds = load(out, "documents", cache)
    assert list(ds) == ["train"]  # one document: the other splits are left out
    (row,) = rows_of(ds)
    text, ann = corpus_text(REPO, SEED), annotation(REPO, SEED)
    meta = json.loads((REPO / "corpus" / f"{SEED}.meta.json").read_text(encoding="utf-8"))
    assert row["id"] == SEED and row["text"] == text
    assert (row["title"], row["license"], row["authors"]) == (meta["title"], "unknown", meta["authors"])
    feats = ds["train"].features
    assert feats["status"].int2str(row["status"]) == "gold"
    label = feats["entities"].feature["label"]
    got = {(e["id"], label.int2str(e["label"]), e["start"], e["end"], e["text"]) for e in row["entities"]}
    assert got == {(e["id"], e["label"], e["start"], e["end"], e["text"]) for e in ann["entities"]}
    for layer in ("sections", "entities", "claims"):
        for span in row[layer]:
            assert text[span["start"] : span["end"]] == span["text"]
    c = next(c for c in row["claims"] if c["id"] == ann["claims"][0]["id"])
    assert feats["claims"].feature["attribution"]["type"].int2str(c["attribution"]["type"]) == "journalist"


def test_entities_config_tags_every_mention(seed, cache):
    out, _ = seed
    ds = load(out, "entities", cache)
    feats = ds["train"].features
    assert feats["ner_tags"].feature.names[:3] == ["O", "B-PERSON", "I-PERSON"]
    text, ann = corpus_text(REPO, SEED), annotation(REPO, SEED)
    rows = rows_of(ds)
    assert [r["section_id"] for r in rows] == [s["id"] for s in ann["sections"]]
    assert [feats["section"].int2str(r["section"]) for r in rows] == [s["label"] for s in ann["sections"]]
    spans = set()
    for r in rows:
        for tok, s, e in zip(r["tokens"], r["token_starts"], r["token_ends"], strict=True):
            assert text[s:e] == tok
        spans |= set(tagged_spans(names(feats["ner_tags"].feature, r["ner_tags"]), r["token_starts"], r["token_ends"]))
    assert spans == {(e["start"], e["end"], e["label"]) for e in ann["entities"]}

    def tags_at(phrase_tokens):
        found = []
        for r in rows:
            tags = names(feats["ner_tags"].feature, r["ner_tags"])
            found += [
                tags[i : i + len(phrase_tokens)]
                for i in range(len(r["tokens"]) - len(phrase_tokens) + 1)
                if r["tokens"][i : i + len(phrase_tokens)] == phrase_tokens
            ]
        return found

    assert tags_at(["Antony", "Blinken"]) == [["B-PERSON", "I-PERSON"]] * 2
    assert len(tags_at(["U.S.", "-", "China"])) == text.count("U.S.-China") > 0
    assert all(t == ["B-GPE", "O", "B-GPE"] for t in tags_at(["U.S.", "-", "China"]))
    assert tags_at(["Blinken", "-", "Liu"]) == [["B-PERSON", "O", "B-PERSON"]]
    assert tags_at(["Taiwan", "’s"]) and all(t == ["B-GPE", "O"] for t in tags_at(["Taiwan", "’s"]))


@pytest.mark.parametrize(("config", "column"), [("entities", "ner_tags"), ("claims", "claim_tags")])
def test_token_rows_are_the_models_tokens_and_tags(seed, cache, config, column):
    out, _ = seed
    ds = load(out, config, cache)["train"]
    doc = newsspan.Corpus(REPO)[SEED]
    got = [(r["tokens"], r["token_starts"], names(ds.features[column].feature, r[column])) for r in ds]
    expected = []
    for section in doc.sections:
        tokens, tags = doc.iob(config, section)
        expected.append(([t.text for t in tokens], [t.start for t in tokens], tags))
    assert got == expected


def test_claims_config_tags_every_claim(seed, cache):
    out, _ = seed
    ds = load(out, "claims", cache)
    feats = ds["train"].features
    ann = annotation(REPO, SEED)
    spans, listed = set(), set()
    for r in rows_of(ds):
        spans |= set(
            tagged_spans(names(feats["claim_tags"].feature, r["claim_tags"]), r["token_starts"], r["token_ends"])
        )
        sec = next(s for s in ann["sections"] if s["id"] == r["section_id"])
        for c in r["claims"]:
            assert sec["start"] <= c["start"] < c["end"] <= sec["end"]
            listed.add(c["id"])
    assert spans == {(c["start"], c["end"], "CLAIM") for c in ann["claims"]}
    assert listed == {c["id"] for c in ann["claims"]}


def test_sections_config_lists_the_blocks_in_order(seed, cache):
    out, _ = seed
    ds = load(out, "sections", cache)
    (row,) = rows_of(ds)
    ann, text = annotation(REPO, SEED), corpus_text(REPO, SEED)
    label = ds["train"].features["labels"].feature
    assert row["section_ids"] == [s["id"] for s in ann["sections"]]
    assert names(label, row["labels"]) == [s["label"] for s in ann["sections"]]
    assert [text[s:e] for s, e in zip(row["starts"], row["ends"], strict=True)] == row["texts"]


@pytest.mark.parametrize("config", CONFIGS)
def test_streaming_yields_the_same_rows(seed, cache, config):
    out, _ = seed
    ds = load(out, config, cache)
    streamed = load(out, config, cache, streaming=True)
    assert list(streamed) == list(ds)
    assert list(streamed["train"]) == list(ds["train"])


def test_the_default_config_is_documents(seed, cache):
    out, _ = seed
    assert "text" in load(out, None, cache)["train"].column_names


def test_card_yaml_matches_the_data(seed, cache):
    out, _ = seed
    fm = front_matter(out)
    assert [c["config_name"] for c in fm["configs"]] == CONFIGS
    assert [c.get("default", False) for c in fm["configs"]] == [True, False, False, False]
    assert fm["license"] == ["unknown"] and fm["language"] == ["en"] and fm["size_categories"] == ["n<1K"]
    assert "token-classification" in fm["task_categories"]
    infos = {i["config_name"]: i for i in fm["dataset_info"]}
    # the card's dataset_info as datasets reads it (its public reader of a card's YAML)
    read = DatasetInfosDict.from_dataset_card_data(huggingface_hub.DatasetCardData(**fm))
    card = (out / "README.md").read_text(encoding="utf-8")
    for config in CONFIGS:
        ds = load(out, config, cache)
        entry = next(c for c in fm["configs"] if c["config_name"] == config)
        assert [d["split"] for d in entry["data_files"]] == list(ds)
        assert read[config].features == ds["train"].features
        assert {s["name"]: s["num_examples"] for s in infos[config]["splits"]} == {k: v.num_rows for k, v in ds.items()}
    entities = rows_of(load(out, "entities", cache))
    docs = rows_of(load(out, "documents", cache))
    label = load(out, "documents", cache)["train"].features["entities"].feature["label"]
    assert f"- tokens: {sum(len(r['tokens']) for r in entities)}\n" in card
    assert f"- documents: {len(docs)} (train {len(docs)})\n" in card
    for lab, n in Counter(label.int2str(e["label"]) for d in docs for e in d["entities"]).items():
        assert f"| `{lab}` | {n} |" in card
    assert f"- claims: {sum(len(d['claims']) for d in docs)} " in card
    assert "license of 1 of 1 articles is not known" in card and f"`{SEED}`" in card


def test_the_folder_holds_the_card_the_release_record_and_parquet(seed):
    """A plain build of one's own checkout keeps every text: nothing is withheld."""
    out, _ = seed
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert files == sorted(["README.md", "release.json"] + [f"{c}/train-00000-of-00001.parquet" for c in CONFIGS])
    record = json.loads((out / "release.json").read_text(encoding="utf-8"))
    assert (record["published"], record["withheld"], record["newsspan"]) == ([SEED], [], newsspan_version())
    # the seed's root is a copy, no git checkout: no revision to record
    assert record["corpus"]["commit"] is None and front_matter(out)["newsspan"]["corpus_commit"] is None


def test_a_build_of_a_git_checkout_records_its_revision(tmp_path):
    res = cli("build", "--root", REPO, "--out", tmp_path / "hf", "--config", "sections")
    assert res.returncode == 0, res.stdout + res.stderr
    record = json.loads((tmp_path / "hf" / "release.json").read_text(encoding="utf-8"))
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
    assert record["corpus"]["commit"] == (head or None)
    assert front_matter(tmp_path / "hf")["newsspan"]["corpus_commit"] == (head or None)


# a corpus with several documents ----------------------------------------------------------------


def test_drafts_and_unannotated_texts_are_left_out_and_counted(multi, cache):
    _, out, res = multi
    assert "released 3 documents (complete 2, gold 1); left out: 1 draft, 1 text without a released layer" in res.stdout
    ids = {r["id"] for r in rows_of(load(out, "documents", cache))}
    assert ids == {"tiny", "zh-talks", "pinned-test"}
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "Left out: 1 with a draft layer, 1 without a released layer." in card


def test_pinned_split_and_empty_splits_left_out(multi, cache):
    _, out, _ = multi
    ds = load(out, "documents", cache)
    assert [r["id"] for r in ds["test"]] == ["pinned-test"]
    assert sorted(r["id"] for r in ds["train"]) == ["tiny", "zh-talks"]
    fm = front_matter(out)
    for entry in fm["configs"]:
        assert [d["split"] for d in entry["data_files"]] == ["train", "test"]
    assert not list(out.rglob("validation*"))
    assert "| `documents` | 2 | – | 1 |" in (out / "README.md").read_text(encoding="utf-8")


def test_chinese_document_gets_character_tokens_with_tags(multi, cache):
    _, out, _ = multi
    ds = load(out, "entities", cache)
    feat = ds["train"].features["ner_tags"].feature
    rows = [r for r in ds["train"] if r["document_id"] == "zh-talks"]
    first, second = rows
    assert first["tokens"] == list("美国国务卿布林肯在华盛顿会见了刘建超。")
    assert all(e - s == 1 for s, e in zip(first["token_starts"], first["token_ends"], strict=True))
    assert [ZH_TEXT[s] for s in second["token_starts"]] == second["tokens"]
    expected = [
        ("美国", "GPE"),
        ("国务卿", None),
        ("布林肯", "PERSON"),
        ("在", None),
        ("华盛顿", "GPE"),
        ("会见了", None),
        ("刘建超", "PERSON"),
        ("。", None),
    ]
    tags = [("B-" if i == 0 else "I-") + lab if lab else "O" for chunk, lab in expected for i in range(len(chunk))]
    assert names(feat, first["ner_tags"]) == tags
    # "中美" holds two adjacent one-character mentions: two B- tags
    assert names(feat, second["ner_tags"])[5:7] == ["B-GPE", "B-GPE"]
    fm = front_matter(out)
    assert fm["language"] == ["en", "zh"] and fm["multilinguality"] == "multilingual"


def test_include_drafts_releases_them(multi, cache, tmp_path):
    root, _, _ = multi
    out = tmp_path / "with-drafts"
    res = cli("build", "--root", root, "--out", out, "--include-drafts")
    assert res.returncode == 0, res.stdout + res.stderr
    ds = load(out, "documents", cache)
    status = ds["train"].features["status"]
    got = {r["id"]: (status.int2str(r["status"]) if r["status"] is not None else None) for r in rows_of(ds)}
    assert got == {
        "tiny": "gold",
        "zh-talks": "complete",
        "pinned-test": "complete",
        "a-draft": "draft",
        "no-layer": None,
    }


def test_selected_configs_only_and_num_proc(multi, cache, tmp_path):
    root, _, _ = multi
    out = tmp_path / "two"
    res = cli("build", "--root", root, "--out", out, "--config", "claims", "--config", "entities", "--num-proc", "2")
    assert res.returncode == 0, res.stdout + res.stderr
    fm = front_matter(out)
    assert [(c["config_name"], c.get("default", False)) for c in fm["configs"]] == [
        ("entities", True),
        ("claims", False),
    ]
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "claims", "entities", "release.json"]
    assert load(out, None, cache)["train"].column_names[-1] == "ner_tags"


def test_metadata_objects_and_speakers_are_columns(tmp_path, cache):
    """Schema 1.1.0: `derived_from` (an object) is a struct column, a section's `speaker` a field."""
    root = tmp_path / "root"
    text = "Q: Who won?\nA: We did.\n"
    ann = add_document(root, "talk", text, sections=[("paragraph", "Q: Who won?"), ("paragraph", "A: We did.")])
    for section, speaker in zip(ann["sections"], ("host", "guest"), strict=True):
        section["speaker"] = speaker
    write_annotation(root, ann | {"schema_version": "1.1.0"})
    meta_path = root / "corpus" / "talk.meta.json"
    derived = {
        "corpus": "GUM",
        "document": "GUM_interview_talk",
        "version": "9.2",
        "url": "https://github.com/amir-zeldes/gum",
        "license": "CC-BY-4.0",
        "citation": "Zeldes (2017)",
    }
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta_path.write_text(json.dumps(meta | {"schema_version": "1.1.0", "derived_from": derived}), encoding="utf-8")
    res = cli("build", "--root", root, "--config", "documents")
    assert res.returncode == 0, res.stdout + res.stderr
    (row,) = rows_of(load(root / "build" / "hf", "documents", cache))
    assert row["derived_from"] == derived
    assert [s["speaker"] for s in row["sections"]] == ["host", "guest"]


def test_a_config_without_rows_is_left_out(tmp_path):
    root = tmp_path / "root"
    add_document(root, "bare", "A text whose layer has no sections yet.\n", status="complete")
    out = tmp_path / "hf"
    res = cli("build", "--root", root, "--out", out)
    assert res.returncode == 0, res.stdout + res.stderr
    for config in ("entities", "claims"):
        assert re.search(rf"^{config} +\(no rows; left out of the folder\)$", res.stdout, re.M), res.stdout
    assert [c["config_name"] for c in front_matter(out)["configs"]] == ["documents", "sections"]
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "documents", "release.json", "sections"]


# refusals ----------------------------------------------------------------------------------------


def tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(folder).as_posix().encode() + p.read_bytes())
    return h.hexdigest()


@pytest.fixture
def built_root(tmp_path):
    root = multi_root(tmp_path / "root")
    res = cli("build", "--root", root)
    assert res.returncode == 0, res.stdout + res.stderr
    return root, root / "build" / "hf"


def test_an_entity_boundary_inside_a_token_is_refused_and_the_previous_build_kept(built_root):
    root, out = built_root
    before = tree_digest(out)
    ann = annotation(root, "tiny")
    ann["entities"][0].update(end=10, text="Antony Bli")  # "Blinken" is one token
    write_annotation(root, ann)
    res = cli("build", "--root", root)
    assert res.returncode == 1
    # the validator's token-boundary check refuses it before any tag is computed
    assert re.search(
        r'annotations/tiny\.json:\d+:\d+: error\[token-boundary\] /entities/0/end: "Antony Bli" '
        r'has its end at 10, inside the token "Blinken" \[7, 14\)',
        res.stdout,
    ), res.stdout
    assert "nothing was built" in res.stdout + res.stderr and "Traceback" not in res.stderr
    assert tree_digest(out) == before
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".newsspan-")]


def test_a_span_outside_every_section_is_refused(built_root):
    root, _ = built_root
    ann = annotation(root, "tiny")
    ann["sections"] = ann["sections"][:1]  # "Officials ..." is now in no section: the validator refuses it
    write_annotation(root, ann)
    res = cli("build", "--root", root)
    assert res.returncode == 1
    assert 'error[span-outside-section] /claims/1: "the talks were useful" [77, 98) lies in no section' in res.stdout


def test_a_corpus_with_errors_is_refused_with_the_report(fixture_root):
    root, _ = fixture_root("span-text-mismatch")
    res = cli("build", "--root", root)
    assert res.returncode == 1
    assert "error[span-text-mismatch]" in res.stdout and "newsspan validate FAILED" in res.stdout
    assert "nothing was built" in res.stderr and "Traceback" not in res.stderr
    assert not (root / "build").exists()


def test_refuses_to_replace_a_folder_that_is_no_build(valid_root, tmp_path):
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep me")
    res = cli("build", "--root", valid_root, "--out", other)
    assert res.returncode == 1 and "refusing to replace" in res.stderr
    assert (other / "notes.txt").read_text() == "keep me"
    res = cli("build", "--root", valid_root, "--out", valid_root)
    assert res.returncode == 1 and "holds the corpus root" in res.stderr


def test_nothing_to_release(valid_root):
    ann = annotation(valid_root, "tiny")
    ann["status"] = "draft"
    write_annotation(valid_root, ann)
    res = cli("build", "--root", valid_root)
    assert res.returncode == 1 and "nothing to release" in res.stderr and "--include-drafts" in res.stderr


def test_usage_errors(valid_root):
    assert cli("build", "--root", valid_root, "--config", "nope").returncode == 2
    assert cli("build", "--root", valid_root, "--num-proc", "0").returncode == 2


def test_a_build_that_fails_midway_leaves_the_previous_one(built_root, monkeypatch):
    from newsspan.hf import release

    root, out = built_root
    before = tree_digest(out)

    def broken(*args):
        raise OSError("disk full")

    monkeypatch.setattr(release, "render", broken)  # the card: fails after the Parquet files are staged
    with pytest.raises(OSError, match="disk full"):
        release.build(root)
    assert tree_digest(out) == before
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".newsspan-")]
