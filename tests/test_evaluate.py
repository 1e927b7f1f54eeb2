"""examples/evaluate.py, run as a user runs it: the gold scores 1.0 against itself, a copy without
one mention scores the figures worked out by hand, and predictions that do not fit are refused."""

import json
import subprocess
import sys
from collections import Counter

import pytest

from conftest import REPO, cli_env, run_cli
from hf_util import SEED, annotation, corpus_text
from train_extra import require

require("seqeval")  # evaluate.py scores with seqeval

SCRIPT = REPO / "examples" / "evaluate.py"


def evaluate(tmp_path, *args):
    env = cli_env(HF_DATASETS_CACHE=str(tmp_path / "hf-cache"))
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture(scope="module")
def gold(tmp_path_factory):
    out = tmp_path_factory.mktemp("seed") / "hf"
    res = run_cli("build", "--root", REPO, "--out", out)
    assert res.returncode == 0, res.stdout + res.stderr
    return out


@pytest.fixture(scope="module")
def conll(tmp_path_factory):
    out = tmp_path_factory.mktemp("conll") / "ner.conll"
    res = run_cli("export", "conll", "--root", REPO, "--out", out)
    assert res.returncode == 0, res.stdout + res.stderr
    return out


def gold_row(drop: int | None = None) -> dict:
    """The seed as a prediction in the documents format, from the annotation file (not the build)."""
    ann = annotation(REPO, SEED)
    ents = [
        {"start": e["start"], "end": e["end"], "label": e["label"], "text": e["text"]}
        for k, e in enumerate(ann["entities"])
        if k != drop
    ]
    return {"id": SEED, "text": corpus_text(REPO, SEED), "entities": ents}


def write_rows(path, *rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def figures(res):
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def assert_all_one(result):
    for mode in ("exact", "overlap"):
        c = result[mode]["overall"]
        assert (c["precision"], c["recall"], c["f1"]) == (1.0, 1.0, 1.0)
        assert c["matched"] == c["gold"] == c["predicted"] == len(annotation(REPO, SEED)["entities"])
    assert result["seqeval"]["micro avg"]["f1"] == 1.0
    assert all(v["f1"] == 1.0 for v in result["seqeval"].values())


def test_gold_against_itself_scores_one(gold, tmp_path):
    res = evaluate(tmp_path, "--gold", gold, "--pred", write_rows(tmp_path / "p.jsonl", gold_row()))
    assert res.returncode == 0, res.stderr
    assert "micro avg" in res.stdout and "precision    recall  f1-score   support" in res.stdout  # seqeval's report
    assert_all_one(figures(evaluate(tmp_path, "--gold", gold, "--pred", tmp_path / "p.jsonl", "--json")))


def test_the_documents_config_written_by_datasets_is_a_prediction(gold, tmp_path):
    """Dataset.to_json writes ClassLabel ids: they are read as the schema's label names."""
    import datasets

    docs = datasets.load_dataset(str(gold), "documents", cache_dir=str(tmp_path / "c"))["train"]
    docs.to_json(str(tmp_path / "docs.jsonl"))
    assert_all_one(figures(evaluate(tmp_path, "--gold", gold, "--pred", tmp_path / "docs.jsonl", "--json")))


def test_one_mention_removed(gold, tmp_path):
    ann = annotation(REPO, SEED)
    n = len(ann["entities"])
    drop = next(k for k, e in enumerate(ann["entities"]) if e["text"] == "Antony Blinken")
    k = Counter(e["label"] for e in ann["entities"])["PERSON"]
    result = figures(
        evaluate(tmp_path, "--gold", gold, "--pred", write_rows(tmp_path / "p.jsonl", gold_row(drop)), "--json")
    )
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


def test_conll_export_against_the_gold(gold, conll, tmp_path):
    assert_all_one(figures(evaluate(tmp_path, "--gold", gold, "--pred", conll, "--format", "conll", "--json")))
    # "Antony Blinken" tagged O O: one PERSON mention fewer
    lines = conll.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line == "Antony\tB-PERSON" and lines[i + 1] == "Blinken\tI-PERSON")
    lines[at : at + 2] = ["Antony\tO", "Blinken\tO"]
    (tmp_path / "less.conll").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = figures(
        evaluate(tmp_path, "--gold", gold, "--pred", tmp_path / "less.conll", "--format", "conll", "--json")
    )
    n = len(annotation(REPO, SEED)["entities"])
    assert result["exact"]["overall"]["recall"] == pytest.approx((n - 1) / n)
    assert result["seqeval"]["micro avg"]["recall"] == pytest.approx((n - 1) / n)


def test_a_corpus_root_as_gold(conll, tmp_path):
    assert_all_one(figures(evaluate(tmp_path, "--gold", REPO, "--pred", conll, "--format", "conll", "--json")))


def test_a_partial_overlap_counts_for_overlap_only(gold, tmp_path):
    row = gold_row()
    e = next(e for e in row["entities"] if e["text"] == "Antony Blinken")
    e["start"] += len("Antony ")  # "Blinken" alone: on token boundaries, so seqeval can score it too
    e.pop("text")
    n = len(row["entities"])
    result = figures(evaluate(tmp_path, "--gold", gold, "--pred", write_rows(tmp_path / "p.jsonl", row), "--json"))
    assert result["exact"]["overall"]["matched"] == n - 1
    assert result["overlap"]["overall"]["matched"] == n
    assert result["seqeval"]["micro avg"]["precision"] == pytest.approx((n - 1) / n)


def test_refusals_name_the_document(gold, conll, tmp_path):
    row = gold_row()
    changed = dict(row, text=row["text"].replace("Blinken", "Blinkin", 1))
    res = evaluate(
        tmp_path, "--gold", gold, "--pred", write_rows(tmp_path / "p.jsonl", changed, dict(row, id="nosuch"))
    )
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert f"document {SEED}: its text differs from the gold text" in res.stderr
    assert "document nosuch: no such document in the gold" in res.stderr

    inside = dict(
        row,
        entities=[
            {"start": row["text"].index("Blinken") + 1, "end": row["text"].index("Blinken") + 7, "label": "PERSON"}
        ],
    )
    res = evaluate(tmp_path, "--gold", gold, "--pred", write_rows(tmp_path / "p.jsonl", inside))
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert (
        f"document {SEED}: entity PERSON 'linken'" in res.stderr and "starts inside the token 'Blinken'" in res.stderr
    )
    res = evaluate(tmp_path, "--gold", gold, "--pred", tmp_path / "p.jsonl", "--alignment-mode", "expand", "--json")
    assert figures(res)["exact"]["overall"]["predicted"] == 1

    lines = conll.read_text(encoding="utf-8").splitlines()
    lines[lines.index("Blinken\tB-PERSON")] = "Blinkin\tB-PERSON"
    (tmp_path / "bad.conll").write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = evaluate(tmp_path, "--gold", gold, "--pred", tmp_path / "bad.conll", "--format", "conll")
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert f"nearest is {SEED}" in res.stderr and "'Blinkin' where the gold has 'Blinken'" in res.stderr


def test_usage_errors_exit_2(tmp_path):
    res = evaluate(tmp_path, "--gold", tmp_path, "--pred", write_rows(tmp_path / "p.jsonl", gold_row()))
    assert res.returncode == 2 and "neither a corpus root" in res.stderr and "Traceback" not in res.stderr
    res = evaluate(tmp_path, "--gold", REPO, "--pred", tmp_path / "missing.jsonl")
    assert res.returncode == 2 and "no such file" in res.stderr
