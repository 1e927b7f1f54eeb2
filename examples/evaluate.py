"""Score a system's entity (or claim) predictions against the newsspan gold.

    python examples/evaluate.py --gold ROOT_OR_FOLDER --pred FILE [--config entities|claims]
                                [--split test] [--format documents|conll]

GOLD is a corpus root (its released documents are scored: status complete or gold) or a folder
written by `newsspan build`; ``--split`` keeps the gold documents of one split. Predictions are either

- ``documents``: JSON lines shaped like rows of the ``documents`` config (what
  ``examples/train_ner.py`` writes): ``id``, ``text`` (the document's text, checked against the
  gold) and ``entities`` (or, with ``--config claims``, ``claims``), a list of
  ``{"start", "end", "label"}`` (code points, half-open; entity labels as names or ClassLabel
  ids; a claim's label is ``CLAIM`` and may be left out; an optional ``text`` is checked
  against the document); other fields are ignored; or
- ``conll``: the format `newsspan export conll` writes (a token and its IOB2 tag per line, a
  blank line after each section, ``-DOCSTART-`` before each document); a document's tokens must
  be those of the config's rows, and documents are matched to the gold by their tokens.

Printed: seqeval's entity-level report in strict IOB2 mode over the token view (per label and
overall), and span precision / recall / F1 by character offsets, exact and overlap
(:mod:`newsspan.scoring`), per label and overall. Predictions whose text or tokens differ from
the gold are refused, naming the document (exit 1). Gold documents without a prediction are
named and left out of the scores. Needs ``seqeval`` (in the ``[train]`` extra).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # gold comes from disk: nothing is fetched
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

from newsspan import schema, scoring
from newsspan.formats.offsets import OffsetError, read_offset
from newsspan.tokenize import ALIGNMENT_MODES, Token, char_span, iob2_spans, tag, why_misaligned
from newsspan.training import LAYERS, tag_names

DOCSTART = "-DOCSTART-"
SPLITS = ("train", "validation", "test")


class Refused(Exception):
    """Gold or predictions that cannot be scored; the message says why."""

    def __init__(self, problems: list[str], code: int = 1):
        super().__init__("\n".join(problems))
        self.problems = problems
        self.code = code


class Predicted(NamedTuple):
    """A predicted span placed on the gold tokens (what ``tokenize.tag`` reads)."""

    start: int
    end: int
    label: str
    text: str


@dataclass
class GoldDoc:
    id: str
    text: str | None = None  # only loaded for predictions in the documents format
    rows: list[tuple[list[Token], list[str]]] = field(default_factory=list)  # (tokens, IOB2 tags) per section

    @property
    def tokens(self) -> list[Token]:
        return [t for toks, _ in self.rows for t in toks]

    def spans(self, tags_per_row) -> list[scoring.Span]:
        """(start, end, label) of the spans that IOB2 tags mark, read per row (section)."""
        return [
            (toks[a].start, toks[b - 1].end, label)
            for (toks, _), tags in zip(self.rows, tags_per_row, strict=True)
            for a, b, label in iob2_spans(tags)
        ]

    def split_rows(self, flat: list[str]) -> list[list[str]]:
        out, k = [], 0
        for toks, _ in self.rows:
            out.append(flat[k : k + len(toks)])
            k += len(toks)
        return out


# gold ------------------------------------------------------------------------------------------


def _configs(gold: Path, names: list[str]) -> dict:
    """The gold's configs as DatasetDicts, from a corpus root (built, cached) or a built folder."""
    import datasets

    import newsspan

    datasets.disable_progress_bars()
    if (gold / "corpus").is_dir() and (gold / "annotations").is_dir():
        try:
            return {name: newsspan.load_dataset(name, root=gold) for name in names}
        except newsspan.BuildError as e:
            raise Refused([f"{gold}: the gold corpus cannot be built: {e}", "run `newsspan validate` there"]) from None
    if (gold / "README.md").is_file():
        out = {}
        for name in names:
            try:
                out[name] = datasets.load_dataset(str(gold), name)
            except ValueError as e:
                raise Refused(
                    [
                        f"{gold}: no {name!r} config in this folder ({e}); build it with "
                        f"`newsspan build --out {gold}` (all configs)"
                    ],
                    code=2,
                ) from None
        return out
    raise Refused(
        [f"{gold}: neither a corpus root (corpus/ and annotations/) nor a folder written by `newsspan build`"], code=2
    )


def load_gold(gold: Path, config: str, with_text: bool, split: str | None = None) -> dict[str, GoldDoc]:
    """The gold documents (of one split, or all), each with its config's rows (tokens and tags)."""
    configs = _configs(gold, [config] + (["documents"] if with_text else []))
    if split is not None and split not in configs[config]:
        raise Refused([f"{gold}: no {split} split (splits: {', '.join(configs[config])})"], code=2)
    column = LAYERS[config]
    docs: dict[str, GoldDoc] = {}
    for name, rows in configs[config].items():
        if split not in (None, name):
            continue
        names = rows.features[column].feature.names
        for row in rows:
            toks = [
                Token(t, s, e) for t, s, e in zip(row["tokens"], row["token_starts"], row["token_ends"], strict=True)
            ]
            docs.setdefault(row["document_id"], GoldDoc(row["document_id"])).rows.append(
                (toks, [names[i] for i in row[column]])
            )
    for doc in docs.values():
        doc.rows.sort(key=lambda r: r[0][0].start if r[0] else -1)
    if with_text:
        for name, rows in configs["documents"].items():
            for row in rows if split in (None, name) else ():
                docs.setdefault(row["id"], GoldDoc(row["id"])).text = row["text"]
    return dict(sorted(docs.items()))


# predictions -----------------------------------------------------------------------------------


def _label(value, labels: tuple[str, ...]) -> str | None:
    if isinstance(value, str) and value in labels:
        return value
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(labels):
        return labels[value]  # a ClassLabel id, as Dataset.to_json writes it
    return None


def read_documents(path: Path, gold: dict[str, GoldDoc], config: str, mode: str) -> tuple[dict, dict, list[str]]:
    """Predicted tags per row and spans per document, from JSON lines; and the problems found."""
    labels = schema.entity_labels() if config == "entities" else ("CLAIM",)
    what = {"entities": "entity", "claims": "claim"}[config]
    tags, spans, problems, seen = {}, {}, [], {}
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    for n, line in enumerate(lines, 1):
        where = f"{path}:{n}"
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            problems.append(f"{where}: not JSON ({e})")
            continue
        if not isinstance(row, dict) or not isinstance(row.get("id"), str):
            problems.append(f'{where}: expected an object with an "id" (a row of the documents config)')
            continue
        doc_id = row["id"]
        where = f"{where}: document {doc_id}"
        if doc_id not in gold:
            problems.append(f"{where}: no such document in the gold")
            continue
        if doc_id in seen:
            problems.append(f"{where}: predicted again (first at line {seen[doc_id]})")
            continue
        seen[doc_id] = n
        doc, text = gold[doc_id], row.get("text")
        if text != doc.text:
            if not isinstance(text, str):
                problems.append(f'{where}: has no "text"; it must hold the document\'s text')
            else:
                at = _common_prefix(text, doc.text or "")
                problems.append(
                    f"{where}: its text differs from the gold text at code point {at} "
                    f"({text[at : at + 20]!r} vs {(doc.text or '')[at : at + 20]!r}; "
                    f"{len(text)} vs {len(doc.text or '')} code points)"
                )
            continue
        given = row.get(config)
        if not isinstance(given, list):
            problems.append(f'{where}: "{config}" must be a list of spans')
            continue
        doc_spans: list[Predicted] = []
        before = len(problems)
        for k, e in enumerate(given):
            e = e if isinstance(e, dict) else {}
            try:  # newsspan's offset reader: JSON true is no offset 1, nor 3.0 an offset 3
                s, t = read_offset(e.get("start"), "start"), read_offset(e.get("end"), "end")
            except OffsetError:
                s = t = None
            label = _label(e.get("label", "CLAIM" if config == "claims" else None), labels)
            if s is None or t is None or not s < t <= len(text):
                problems.append(f"{where}: {what} {k}: expected integer offsets 0 <= start < end <= {len(text)}")
            elif label is None:
                problems.append(f"{where}: {what} {k}: label {e.get('label')!r} is no {what} label of the schema")
            elif "text" in e and e["text"] != text[s:t]:
                problems.append(
                    f"{where}: {what} {k}: its text {e['text']!r} differs from the text at [{s}, {t}): {text[s:t]!r}"
                )
            else:
                doc_spans.append(Predicted(s, t, label, text[s:t]))
        if len(problems) > before:
            continue
        tokens = doc.tokens
        placed = []
        for s, t, label, quote in doc_spans:
            got = char_span(tokens, s, t, mode)
            if got is None:
                why = why_misaligned(tokens, s, t) if mode == "strict" else f"[{s}, {t}) holds no whole token"
                problems.append(
                    f"{where}: {what} {label} {quote!r} [{s}, {t}) {why}: it cannot be tagged on the gold tokens"
                    + ("; --alignment-mode expand or contract snaps it to tokens" if mode == "strict" else "")
                )
            else:
                placed.append(Predicted(tokens[got[0]].start, tokens[got[1] - 1].end, label, quote))
        if len(problems) > before:
            continue
        try:
            flat = tag(tokens, placed)
        except ValueError as e:
            problems.append(f"{where}: predicted {config} overlap on the gold tokens ({e}); IOB2 tags cannot hold them")
            continue
        tags[doc_id] = doc.split_rows(flat)
        spans[doc_id] = [(s, t, label) for s, t, label, _ in doc_spans]
    return tags, spans, problems


def _conll_documents(path: Path) -> list[tuple[int, list[str], list[str]]]:
    """(line of the document's start, tokens, tags) per document of a CoNLL file."""
    docs, problems = [], []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f.read().splitlines(), 1):
            fields = line.split("\t") if "\t" in line else line.split()
            if not fields:
                continue
            if fields[0] == DOCSTART:
                docs.append((n, [], []))
                continue
            if len(fields) < 2:
                problems.append(f"{path}:{n}: expected a token and its tag")
                continue
            if not docs:
                docs.append((n, [], []))
            docs[-1][1].append(fields[0])
            docs[-1][2].append(fields[-1])
    if problems:
        raise Refused(problems)
    return [d for d in docs if d[1]]


def _common_prefix(a: Sequence[str], b: Sequence[str]) -> int:
    """The length of the longest common prefix of a and b (the index of their first difference)."""
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))


def read_conll(path: Path, gold: dict[str, GoldDoc], config: str) -> tuple[dict, dict, list[str]]:
    """Predicted tags per row and spans per document, from a CoNLL file; documents are matched to
    the gold by their tokens (the file names none)."""
    valid = set(tag_names(config))
    by_tokens = {tuple(t.text for t in doc.tokens): doc_id for doc_id, doc in gold.items()}
    tags, spans, problems, seen = {}, {}, [], {}
    for k, (line, words, doc_tags) in enumerate(_conll_documents(path), 1):
        where = f"{path}:{line}: CoNLL document {k}"
        doc_id = by_tokens.get(tuple(words))
        if doc_id is None:
            common = {d: _common_prefix(words, [t.text for t in doc.tokens]) for d, doc in gold.items()}
            near_id = max(common, key=common.__getitem__)
            near, i = gold[near_id], common[near_id]
            gold_word = near.tokens[i].text if i < len(near.tokens) else "(its end)"
            word = words[i] if i < len(words) else "(its end)"
            problems.append(
                f"{where}: its tokens are those of no gold document; nearest is {near.id}, which differs "
                f"at token {i + 1}: {word!r} where the gold has {gold_word!r} (line {line + 1 + i} or after)"
            )
            continue
        where += f" ({doc_id})"
        if doc_id in seen:
            problems.append(f"{where}: the same tokens as CoNLL document {seen[doc_id]}")
            continue
        seen[doc_id] = k
        wrong = sorted({t for t in doc_tags if t not in valid})
        if wrong:
            problems.append(f"{where}: tags that are no IOB2 {config} tags of the schema: {', '.join(wrong)}")
            continue
        doc = gold[doc_id]
        tags[doc_id] = doc.split_rows(doc_tags)
        spans[doc_id] = doc.spans(tags[doc_id])
    return tags, spans, problems


# scores ----------------------------------------------------------------------------------------


def _figures(c: scoring.Counts) -> dict:
    return {
        "precision": c.precision,
        "recall": c.recall,
        "f1": c.f1,
        "matched": c.matched,
        "gold": c.gold,
        "predicted": c.predicted,
    }


def evaluate(gold: dict[str, GoldDoc], tags: dict, spans: dict) -> dict:
    from seqeval.metrics import classification_report
    from seqeval.scheme import IOB2

    scored = sorted(tags)
    y_true = [row_tags for d in scored for _, row_tags in gold[d].rows]
    y_pred = [row_tags for d in scored for row_tags in tags[d]]
    keep = [i for i, t in enumerate(y_true) if t]  # sections without tokens hold nothing to score
    y_true, y_pred = [y_true[i] for i in keep], [y_pred[i] for i in keep]
    report = classification_report(y_true, y_pred, mode="strict", scheme=IOB2, digits=4, zero_division=0)
    as_dict = classification_report(y_true, y_pred, mode="strict", scheme=IOB2, zero_division=0, output_dict=True)
    pairs = [(gold[d].spans([t for _, t in gold[d].rows]), spans[d]) for d in scored]
    out = {
        "documents": scored,
        "seqeval_report": report,
        "seqeval": {
            label: {
                "precision": float(v["precision"]),
                "recall": float(v["recall"]),
                "f1": float(v["f1-score"]),
                "support": int(v["support"]),
            }
            for label, v in as_dict.items()
        },
    }
    for mode in scoring.MODES:
        overall, per_label = scoring.score(pairs, mode)
        out[mode] = {"overall": _figures(overall), "per_label": {k: _figures(v) for k, v in per_label.items()}}
    return out


def render(result: dict, config: str) -> str:
    lines = [
        f"seqeval, entity level, strict IOB2 (the token view of the `{config}` config):",
        "",
        result["seqeval_report"].rstrip(),
        "",
        "spans by character offsets (exact: same start, end and label; overlap: same label and a character in common):",
        "",
        f"{'':>14} {'gold':>6} {'pred':>6}   {'exact P':>8} {'R':>7} {'F1':>7}   {'overlap P':>9} {'R':>7} {'F1':>7}",
    ]
    for label in list(result["exact"]["per_label"]) + ["overall"]:
        e = result["exact"]["overall"] if label == "overall" else result["exact"]["per_label"][label]
        o = result["overlap"]["overall"] if label == "overall" else result["overlap"]["per_label"][label]
        lines.append(
            f"{label:>14} {e['gold']:>6} {e['predicted']:>6}   {e['precision']:>8.4f} {e['recall']:>7.4f} "
            f"{e['f1']:>7.4f}   {o['precision']:>9.4f} {o['recall']:>7.4f} {o['f1']:>7.4f}"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description="Score entity (or claim) predictions against the newsspan gold: seqeval (strict IOB2) and "
        "exact / overlap span P/R/F1.",
        epilog="examples:\n  python examples/evaluate.py --gold . --pred predictions.jsonl\n"
        "  python examples/evaluate.py --gold build/hf --split test --pred entities-test.jsonl\n"
        "  python examples/evaluate.py --gold build/hf --split test --config claims --pred claims-test.jsonl\n"
        "  python examples/evaluate.py --gold build/hf --pred ner.conll --format conll",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--gold", required=True, type=Path, help="a corpus root, or a folder written by `newsspan build`"
    )
    parser.add_argument(
        "--pred", required=True, type=Path, help="the predictions: JSON lines (documents) or a CoNLL file"
    )
    parser.add_argument("--config", choices=list(LAYERS), default="entities", help="the layer predicted")
    parser.add_argument("--split", choices=SPLITS, help="score against the gold documents of this split only")
    parser.add_argument("--format", choices=["documents", "conll"], default="documents", help="the format of --pred")
    parser.add_argument(
        "--alignment-mode",
        choices=ALIGNMENT_MODES,
        default="strict",
        help="documents format: how a predicted span meets the gold tokens for seqeval (spaCy's "
        "char_span policies); strict refuses a boundary inside a token",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if importlib.util.find_spec("seqeval") is None:
        print("evaluate.py needs seqeval: pip install seqeval (it is in newsspan's [train] extra)", file=sys.stderr)
        return 2
    if not args.pred.is_file():
        print(f"{args.pred}: no such file", file=sys.stderr)
        return 2
    try:
        gold = load_gold(args.gold, args.config, args.format == "documents", args.split)
        if args.format == "documents":
            tags, spans, problems = read_documents(args.pred, gold, args.config, args.alignment_mode)
        else:
            tags, spans, problems = read_conll(args.pred, gold, args.config)
        if problems:
            raise Refused(problems)
        if not tags:
            raise Refused([f"{args.pred}: no predicted document"])
    except Refused as e:
        for p in e.problems:
            print(p, file=sys.stderr)
        if e.code == 1:
            print(f"evaluate.py: {len(e.problems)} problem(s); nothing scored", file=sys.stderr)
        return e.code
    except (OSError, UnicodeDecodeError) as e:
        print(f"cannot read the predictions: {e}", file=sys.stderr)
        return 1
    result = evaluate(gold, tags, spans)
    missing = [d for d in gold if d not in tags]
    if args.json:
        figures = {k: v for k, v in result.items() if k != "seqeval_report"}
        print(json.dumps({"config": args.config, "split": args.split, **figures, "unscored": missing}, indent=2))
        return 0
    split = f", {args.split} split" if args.split else ""
    print(
        f"gold: {args.gold} ({len(gold)} documents{split}); predictions: {args.pred} ({args.format}, "
        f"{args.config}); scored {len(tags)} document(s)"
    )
    if missing:
        print(
            f"not scored (no prediction): {len(missing)} gold document(s): {', '.join(missing[:10])}"
            + (", ..." if len(missing) > 10 else "")
        )
    print()
    print(render(result, args.config))
    return 0


if __name__ == "__main__":
    sys.exit(main())
