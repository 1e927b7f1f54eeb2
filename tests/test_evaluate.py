"""examples/evaluate.py, in this process: the gold scores 1.0 against itself (entities and claims,
documents and CoNLL form), a copy without one mention scores the figures worked out by hand, a
split narrows the gold, and predictions that do not fit are refused."""

import json
from collections import Counter

import pytest

from conftest import REPO, run_cli, seed_root
from hf_util import SEED, annotation, corpus_text
from train_extra import TINY, build, example, require, tiny_root

require("seqeval")  # evaluate.py scores with seqeval
import datasets  # noqa: E402 - the gold is read with datasets

evaluate = example("evaluate")


@pytest.fixture(autouse=True)
def datasets_cache(tmp_path_factory, monkeypatch):
    """Rows that datasets caches go under pytest's temporary folder, not the user's cache."""
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", tmp_path_factory.getbasetemp() / "hf-datasets")


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return tiny_root(tmp_path_factory.mktemp("tiny") / "root")


@pytest.fixture(scope="module")
def gold(root, tmp_path_factory):
    return build(root, tmp_path_factory.mktemp("tiny") / "hf")


@pytest.fixture(scope="module")
def conll(root, tmp_path_factory):
    out = tmp_path_factory.mktemp("conll") / "ner.conll"
    res = run_cli("export", "conll", "--root", root, "--out", out)
    assert res.returncode == 0, res.stdout + res.stderr
    return out


def run(capsys, *args):
    code = evaluate.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def figures(capsys, *args):
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def gold_row(doc_id=SEED, layer="entities", drop: int | None = None) -> dict:
    """A document's gold as a prediction in the documents format, from its annotation file (not the build)."""
    spans = annotation(REPO, doc_id)[layer]
    given = [
        {"start": s["start"], "end": s["end"], "text": s["text"]} | ({"label": s["label"]} if "label" in s else {})
        for k, s in enumerate(spans)
        if k != drop
    ]
    return {"id": doc_id, "text": corpus_text(REPO, doc_id), layer: given}


def write_rows(path, *rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def assert_all_one(result, n):
    for mode in ("exact", "overlap"):
        c = result[mode]["overall"]
        assert (c["precision"], c["recall"], c["f1"]) == (1.0, 1.0, 1.0)
        assert c["matched"] == c["gold"] == c["predicted"] == n
    assert result["seqeval"]["micro avg"]["f1"] == 1.0
    assert all(v["f1"] == 1.0 for v in result["seqeval"].values())


def mentions(*doc_ids, layer="entities"):
    return sum(len(annotation(REPO, d)[layer]) for d in doc_ids)


def test_gold_against_itself_scores_one(gold, tmp_path, capsys):
    pred = write_rows(tmp_path / "p.jsonl", *(gold_row(d) for d in TINY))
    code, out, err = run(capsys, "--gold", gold, "--pred", pred)
    assert code == 0, err
    assert "micro avg" in out and "precision    recall  f1-score   support" in out  # seqeval's report
    assert "not scored" not in out
    assert_all_one(figures(capsys, "--gold", gold, "--pred", pred), mentions(*TINY))


def test_claims_against_themselves_score_one(gold, tmp_path, capsys):
    rows = [gold_row(d, "claims") for d in TINY]
    rows[0]["claims"][0]["label"] = "CLAIM"  # a claim's label may be given, or left out
    pred = write_rows(tmp_path / "p.jsonl", *rows)
    result = figures(capsys, "--gold", gold, "--config", "claims", "--pred", pred)
    assert_all_one(result, mentions(*TINY, layer="claims"))
    assert set(result["exact"]["per_label"]) == {"CLAIM"}


def test_the_documents_config_written_by_datasets_is_a_prediction(gold, tmp_path, capsys):
    """Dataset.to_json writes ClassLabel ids: they are read as the schema's label names."""
    docs = datasets.load_dataset(str(gold), "documents")["test"]
    docs.to_json(str(tmp_path / "docs.jsonl"))
    (test,) = (d for d, split in TINY.items() if split == "test")
    result = figures(capsys, "--gold", gold, "--split", "test", "--pred", tmp_path / "docs.jsonl")
    assert_all_one(result, mentions(test))
    assert result["documents"] == [test] and result["unscored"] == []


def test_one_mention_removed(gold, tmp_path, capsys):
    ents = annotation(REPO, SEED)["entities"]
    n = len(ents)
    drop = next(k for k, e in enumerate(ents) if e["text"] == "Antony Blinken")
    k = Counter(e["label"] for e in ents)["PERSON"]
    result = figures(capsys, "--gold", gold, "--pred", write_rows(tmp_path / "p.jsonl", gold_row(drop=drop)))
    assert result["unscored"] == [d for d in sorted(TINY) if d != SEED]  # named, and left out of the scores
    # n gold mentions, n - 1 predicted, all of them right
    for mode in ("exact", "overlap"):
        c = result[mode]["overall"]
        assert (c["matched"], c["gold"], c["predicted"]) == (n - 1, n, n - 1)
        assert c["precision"] == 1.0
        assert c["recall"] == pytest.approx((n - 1) / n)
        assert c["f1"] == pytest.approx(2 * (n - 1) / (2 * n - 1))
        assert result[mode]["per_label"]["PERSON"]["recall"] == pytest.approx((k - 1) / k)
    micro = result["seqeval"]["micro avg"]
    assert (micro["precision"], micro["recall"]) == (1.0, pytest.approx((n - 1) / n))
    assert result["seqeval"]["PERSON"]["recall"] == pytest.approx((k - 1) / k)
    assert result["seqeval"]["PERSON"]["support"] == k


def test_conll_export_against_the_gold(gold, conll, tmp_path, capsys):
    assert_all_one(figures(capsys, "--gold", gold, "--pred", conll, "--format", "conll"), mentions(*TINY))
    # "Antony Blinken" tagged O O: one PERSON mention fewer
    lines = conll.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line == "Antony\tB-PERSON" and lines[i + 1] == "Blinken\tI-PERSON")
    lines[at : at + 2] = ["Antony\tO", "Blinken\tO"]
    (tmp_path / "less.conll").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = figures(capsys, "--gold", gold, "--pred", tmp_path / "less.conll", "--format", "conll")
    n = mentions(*TINY)
    assert result["exact"]["overall"]["recall"] == pytest.approx((n - 1) / n)
    assert result["seqeval"]["micro avg"]["recall"] == pytest.approx((n - 1) / n)


def test_a_corpus_root_as_gold(root, conll, capsys):
    assert_all_one(figures(capsys, "--gold", root, "--pred", conll, "--format", "conll"), mentions(*TINY))


def test_a_partial_overlap_counts_for_overlap_only(gold, tmp_path, capsys):
    row = gold_row()
    e = next(e for e in row["entities"] if e["text"] == "Antony Blinken")
    e["start"] += len("Antony ")  # "Blinken" alone: on token boundaries, so seqeval can score it too
    e.pop("text")
    n = len(row["entities"])
    result = figures(capsys, "--gold", gold, "--pred", write_rows(tmp_path / "p.jsonl", row))
    assert result["exact"]["overall"]["matched"] == n - 1
    assert result["overlap"]["overall"]["matched"] == n
    assert result["seqeval"]["micro avg"]["precision"] == pytest.approx((n - 1) / n)


def test_a_split_narrows_the_gold(gold, tmp_path, capsys):
    pred = write_rows(tmp_path / "p.jsonl", gold_row())  # the seed is in the train split
    code, _, err = run(capsys, "--gold", gold, "--split", "test", "--pred", pred)
    assert code == 1 and f"document {SEED}: no such document in the gold" in err
    code, out, err = run(capsys, "--gold", gold, "--split", "train", "--pred", pred)
    assert code == 0 and "(1 documents, train split)" in out and "not scored" not in out


def test_refusals_name_the_document(gold, conll, tmp_path, capsys):
    row = gold_row()
    changed = dict(row, text=row["text"].replace("Blinken", "Blinkin", 1))
    code, _, err = run(
        capsys, "--gold", gold, "--pred", write_rows(tmp_path / "p.jsonl", changed, dict(row, id="nosuch"))
    )
    assert code == 1
    assert f"document {SEED}: its text differs from the gold text" in err
    assert "document nosuch: no such document in the gold" in err
    assert "2 problem(s); nothing scored" in err

    at = row["text"].index("Blinken")
    inside = dict(row, entities=[{"start": at + 1, "end": at + 7, "label": "PERSON"}])
    code, _, err = run(capsys, "--gold", gold, "--pred", write_rows(tmp_path / "p.jsonl", inside))
    assert code == 1
    assert f"document {SEED}: entity PERSON 'linken'" in err and "starts inside the token 'Blinken'" in err
    result = figures(capsys, "--gold", gold, "--pred", tmp_path / "p.jsonl", "--alignment-mode", "expand")
    assert result["exact"]["overall"]["predicted"] == 1

    bad = dict(row, entities=[{"start": 0, "end": 4, "label": "PERSON", "text": "nope"}, {"start": 0, "end": 4}])
    code, _, err = run(capsys, "--gold", gold, "--pred", write_rows(tmp_path / "p.jsonl", bad))
    assert code == 1 and "entity 0: its text 'nope' differs" in err and "entity 1: label None is no entity label" in err
    overlapping = dict(row, entities=[{"start": at, "end": at + 7, "label": "PERSON"}] * 2)
    code, _, err = run(capsys, "--gold", gold, "--pred", write_rows(tmp_path / "p.jsonl", overlapping))
    assert code == 1 and "predicted entities overlap on the gold tokens" in err

    lines = conll.read_text(encoding="utf-8").splitlines()
    lines[lines.index("Blinken\tB-PERSON")] = "Blinkin\tB-PERSON"
    (tmp_path / "bad.conll").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = run(capsys, "--gold", gold, "--pred", tmp_path / "bad.conll", "--format", "conll")
    assert code == 1
    assert f"nearest is {SEED}" in err and "'Blinkin' where the gold has 'Blinken'" in err


def test_usage_errors_exit_2(gold, tmp_path, capsys):
    pred = write_rows(tmp_path / "p.jsonl", gold_row())
    code, _, err = run(capsys, "--gold", tmp_path, "--pred", pred)
    assert code == 2 and "neither a corpus root" in err
    code, _, err = run(capsys, "--gold", gold, "--pred", tmp_path / "missing.jsonl")
    assert code == 2 and "no such file" in err
    only = build(seed_root(tmp_path / "seed"), tmp_path / "hf")  # one article: only a train split
    code, _, err = run(capsys, "--gold", only, "--split", "test", "--pred", pred)
    assert code == 2 and "no test split (splits: train)" in err
