"""The classic loading script `loaders/newsspan.py`, for users on `datasets` 3.x.

`datasets>=4` refuses loading scripts, so these tests run only where `datasets<4` is installed:
`.ci/run` runs this file in a second environment with `datasets==3.6.0` and NEWSSPAN_DS36=1
(which makes a newer `datasets` there an error instead of a skip).
"""

import os
from pathlib import Path

import datasets
import pytest

from conftest import REPO
from corpus_maker import ZH_TEXT, multi_root, write_annotation
from hf_util import SEED, annotation, corpus_text, inner, names, tagged_spans

MAJOR = int(datasets.__version__.split(".")[0])
if MAJOR >= 4:
    if os.environ.get("NEWSSPAN_DS36") == "1":
        raise RuntimeError(f"NEWSSPAN_DS36=1 but datasets {datasets.__version__} is installed; expected 3.x")
    pytest.skip(
        f"loading scripts need datasets<4 (installed: {datasets.__version__}); CI runs this file with datasets 3.6",
        allow_module_level=True,
    )

SCRIPT = str(REPO / "loaders" / "newsspan.py")


def script_load(config, cache, **kwargs):
    return datasets.load_dataset(SCRIPT, config, trust_remote_code=True, cache_dir=str(cache), **kwargs)


def test_entities_of_the_seed_from_another_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the script finds the corpus through the installed package, not the cwd
    ds = script_load("entities", tmp_path / "c")
    feat = inner(ds["train"].features["ner_tags"])
    text, ann = corpus_text(REPO, SEED), annotation(REPO, SEED)
    spans = set()
    for r in (r for r in ds["train"] if r["document_id"] == SEED):  # the seed among the corpus's documents
        assert [text[s:e] for s, e in zip(r["token_starts"], r["token_ends"], strict=True)] == r["tokens"]
        tags = names(feat, r["ner_tags"])
        spans |= set(tagged_spans(tags, r["token_starts"], r["token_ends"]))
        for i in range(len(r["tokens"]) - 1):
            if r["tokens"][i : i + 2] == ["Antony", "Blinken"]:
                assert tags[i : i + 2] == ["B-PERSON", "I-PERSON"]
    assert spans == {(e["start"], e["end"], e["label"]) for e in ann["entities"]}


def test_documents_text_is_the_corpus_text(tmp_path):
    ds = script_load("documents", tmp_path / "c")
    assert next(r["text"] for r in ds["train"] if r["id"] == SEED) == corpus_text(REPO, SEED)


def test_data_dir_and_a_changed_corpus(tmp_path):
    root = multi_root(tmp_path / "root")
    ds = script_load("entities", tmp_path / "c", data_dir=str(root))
    assert sorted(ds) == ["test", "train"]
    zh = next(r for r in ds["train"] if r["document_id"] == "zh-talks")
    assert [ZH_TEXT[s] for s in zh["token_starts"]] == zh["tokens"] == list("美国国务卿布林肯在华盛顿会见了刘建超。")
    ann = annotation(root, "tiny")
    ann["entities"][3]["label"] = "TIME"
    write_annotation(root, ann)
    again = script_load("entities", tmp_path / "c", data_dir=str(root))  # no stale cache
    feat = inner(again["train"].features["ner_tags"])
    row = next(r for r in again["train"] if r["id"] == "tiny:s1")
    assert names(feat, row["ner_tags"])[row["tokens"].index("Friday")] == "B-TIME"


def test_a_folder_built_here_loads_here(tmp_path):
    from newsspan.hf.release import build

    out = tmp_path / "hf"
    build(REPO, out)
    ds = datasets.load_dataset(str(out), "claims", cache_dir=str(tmp_path / "c"))
    assert inner(ds["train"].features["claim_tags"]).names == ["O", "B-CLAIM", "I-CLAIM"]


@pytest.mark.skipif(
    not os.environ.get("NEWSSPAN_HF_FOLDER"), reason="NEWSSPAN_HF_FOLDER names no folder built by datasets 5"
)
def test_a_folder_built_with_the_newest_datasets_loads_on_3x(tmp_path):
    folder = Path(os.environ["NEWSSPAN_HF_FOLDER"])
    plain = datasets.load_dataset(str(folder), "entities", cache_dir=str(tmp_path / "a"))
    scripted = script_load("entities", tmp_path / "b")
    assert plain["train"].features == scripted["train"].features
    assert list(plain["train"]) == list(scripted["train"])
