"""Subword labels for training: ``entities``/``claims`` rows as model inputs (:func:`align_labels`) and
subword predictions back to one tag per word (:func:`word_predictions`). The caller passes any fast
``transformers`` tokenizer: neither ``transformers`` nor ``datasets`` is imported here."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from itertools import accumulate, pairwise

from . import schema

IGNORE = -100  # the label id that PyTorch's cross-entropy (and so every transformers model) skips

LAYERS = {"entities": "ner_tags", "claims": "claim_tags"}


def tag_names(layer: str) -> tuple[str, ...]:
    """The IOB2 tag names of a layer's ClassLabel, in id order (from the schema)."""
    if layer not in LAYERS:
        raise ValueError(f"unknown layer {layer!r}: expected one of {', '.join(LAYERS)}")
    return schema.ner_tags() if layer == "entities" else schema.CLAIM_TAGS


def _windows(counts: Sequence[int], budget: int, stride: int) -> list[tuple[int, int]]:
    """Word ranges [first, stop) of at most ``budget`` subwords (a longer word gets one of its own), each
    sharing with the one before the shortest run of whole words holding ``stride`` subwords, yet starting
    a word later."""
    before = list(accumulate(counts, initial=0))  # before[i]: the subwords of the words before word i
    out, first = [], 0
    while first < len(counts):
        stop = max(first + 1, bisect_right(before, before[first] + budget) - 1)
        out.append((first, stop))
        if stop == len(counts):
            break
        first = max(first + 1, min(stop, bisect_right(before, before[stop] - stride) - 1))
    return out


def align_labels(
    batch: Mapping[str, Sequence],
    tokenizer,
    *,
    layer: str = "entities",
    label_all_subwords: bool = False,
    max_length: int | None = None,
    stride: int = 0,
) -> dict[str, list]:
    """Tokenise a batch of ``entities`` (or ``claims``) rows (columns ``id``, ``tokens`` and the tag ids)
    with a fast tokenizer and label every subword.

    Returns the tokenizer's columns, ``labels`` (a word's tag id on its first subword, ``-100`` on the
    others, or its I- tag with ``label_all_subwords``, and on special tokens), ``row_id`` and ``word_ids``.
    Words go to the tokenizer as words (``is_split_into_words=True``) and each subword's word is the
    tokenizer's ``word_ids()``: matching character offsets cannot be trusted (WordPiece subwords
    straddle "do" "n't", SentencePiece's lone "▁" shares the next piece's offsets). A word the
    tokenizer makes no subword of is absent from ``word_ids``. With ``max_length``, a longer row is
    split into windows of whole words sharing at least ``stride`` subwords, so no word is silently
    truncated (a single word longer than a window keeps its first subword); use it with
    ``Dataset.map(..., batched=True, remove_columns=...)``, as rows give more windows than rows.
    """
    names, tags_column = tag_names(layer), LAYERS[layer]
    index = {name: i for i, name in enumerate(names)}  # the tag id of a word's later subwords: I-X for B-X
    later = [index["I-" + n[2:]] if n.startswith("B-") else i for i, n in enumerate(names)]
    later = later if label_all_subwords else [IGNORE] * len(names)
    tokens, tags, ids = batch["tokens"], batch[tags_column], batch["id"]
    for row_id, words, row_tags in zip(ids, tokens, tags, strict=True):
        if len(words) != len(row_tags):
            raise ValueError(f"row {row_id}: {len(words)} tokens but {len(row_tags)} {tags_column}")

    windows: list[tuple[int, int, int, int]] = []  # (row index in the batch, first word, stop, subwords)
    if max_length is None:
        windows = [(k, 0, len(words), -1) for k, words in enumerate(tokens) if words]
    else:
        budget = max_length - tokenizer.num_special_tokens_to_add(pair=False)
        if budget < 1:
            raise ValueError(f"max_length {max_length} leaves no room beside the tokenizer's special tokens")
        if not 0 <= stride < budget:
            raise ValueError(f"stride must be at least 0 and less than {budget} (max_length less the special tokens)")
        plain = tokenizer(list(tokens), is_split_into_words=True, add_special_tokens=False)
        for k, words in enumerate(tokens):
            counts = [0] * len(words)
            for w in plain.word_ids(k):
                counts[w] += 1
            windows += [(k, a, b, sum(counts[a:b])) for a, b in _windows(counts, budget, stride)]

    out: dict[str, list] = {"labels": [], "word_ids": [], "row_id": []}
    if not windows:  # the same columns as any other batch, for Dataset.map
        return {**{key: [] for key in tokenizer.model_input_names}, **out}
    enc = tokenizer(
        [list(tokens[k][a:b]) for k, a, b, _ in windows],
        is_split_into_words=True,
        truncation=max_length is not None,
        max_length=max_length,
    )
    out = {**{key: list(values) for key, values in enc.items()}, **out}
    for i, (k, a, b, expected) in enumerate(windows):
        local = enc.word_ids(i)
        if b - a > 1 and expected >= 0 and sum(w is not None for w in local) != expected:
            # only a one-word window may be truncated: any other cut would drop words silently
            raise RuntimeError(
                f"row {ids[k]}: the tokenizer gave words {a}..{b - 1} a different number of "
                "subwords in a window than in the whole row"
            )
        row = tags[k]
        out["labels"].append(
            [
                IGNORE if w is None else row[a + w] if w != prev else later[row[a + w]]
                for prev, w in pairwise([None, *local])
            ]
        )
        out["word_ids"].append([None if w is None else a + w for w in local])
        out["row_id"].append(ids[k])
    return out


def word_predictions(
    row_ids: Sequence[str], word_ids: Sequence[Sequence[int | None]], predictions: Sequence[Sequence[int]]
) -> dict[str, dict[int, int]]:
    """``{row id: {word index: tag id}}`` from per-subword predictions and :func:`align_labels`'s
    ``row_id``/``word_ids``: a word's first subword decides; of overlapping windows, the one giving the
    word the most context on its nearer side wins. Words no window holds are absent (treat them as O).
    """
    best: dict[str, dict[int, tuple[int, int]]] = {}
    for row_id, wids, preds in zip(row_ids, word_ids, predictions, strict=True):
        present = [w for w in wids if w is not None]
        if not present:
            continue
        lo, hi = min(present), max(present)
        row = best.setdefault(row_id, {})
        prev = None
        for pos, w in enumerate(wids):
            if w is not None and w != prev:
                margin = min(w - lo, hi - w)
                if w not in row or margin > row[w][0]:
                    row[w] = (margin, int(preds[pos]))
            prev = w
    return {row_id: {w: tag for w, (_, tag) in words.items()} for row_id, words in best.items()}


__all__ = ["align_labels", "word_predictions", "tag_names", "IGNORE", "LAYERS"]
