"""Subword labels for training code: the rows of the ``entities`` / ``claims`` configs turned into
model inputs (:func:`align_labels`), and a model's subword predictions turned back into one tag
per word (:func:`word_predictions`).

Works with any fast ``transformers`` tokenizer, passed in by the caller: this module imports
neither ``transformers`` nor ``datasets``, so ``newsspan`` does not depend on them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from . import schema

IGNORE = -100  # the label id that PyTorch's cross-entropy (and so every transformers model) skips

LAYERS = {"entities": "ner_tags", "claims": "claim_tags"}


def tag_names(layer: str) -> tuple[str, ...]:
    """The IOB2 tag names of a layer's ClassLabel, in id order (from the schema)."""
    if layer not in LAYERS:
        raise ValueError(f"unknown layer {layer!r}: expected one of {', '.join(LAYERS)}")
    return schema.ner_tags() if layer == "entities" else schema.CLAIM_TAGS


def _inside_ids(names: Sequence[str]) -> list[int]:
    """For each tag id, the id a word's later subwords take: I-X for B-X, itself otherwise."""
    index = {name: i for i, name in enumerate(names)}
    return [index["I-" + name[2:]] if name.startswith("B-") else i for i, name in enumerate(names)]


def _windows(counts: Sequence[int], budget: int, stride: int) -> list[tuple[int, int]]:
    """Word ranges [first, stop) of at most ``budget`` subwords, each sharing with the one before
    the shortest run of whole words that holds at least ``stride`` subwords, yet starting at least
    one word later. A word longer than the budget gets a window of its own (the tokenizer then
    truncates it, keeping its first subword)."""
    n, out, first = len(counts), [], 0
    while first < n:
        stop, used = first, 0
        while stop < n and used + counts[stop] <= budget:
            used += counts[stop]
            stop += 1
        stop = max(stop, first + 1)
        out.append((first, stop))
        if stop == n:
            break
        nxt, shared = stop, 0
        while nxt - 1 > first and shared < stride:
            nxt -= 1
            shared += counts[nxt]
        first = nxt
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
    """Tokenise a batch of ``entities`` (or ``claims``) rows and label every subword.

    ``batch`` holds the config's columns (``id``, ``tokens`` and ``ner_tags`` or ``claim_tags``,
    as ClassLabel ids); ``tokenizer`` is a fast ``transformers`` tokenizer. Returns
    ``input_ids``, ``attention_mask`` (and ``token_type_ids`` when the tokenizer makes them),
    ``labels``, and for mapping predictions back: ``row_id`` (the row's ``id``) and ``word_ids``
    (for each subword, the index of its word in the row's ``tokens``; None for special tokens).

    Labels: the first subword of a word carries the word's tag id, its other subwords ``-100``
    (with ``label_all_subwords``, the I- tag's id instead: B-X becomes I-X), special tokens
    ``-100``. Tag ids are those of the config's ClassLabel, whose names come from the schema
    (:func:`tag_names`).

    How subwords meet words: the row's words are given to the tokenizer as words
    (``is_split_into_words=True``), and each subword's word is the one the tokenizer reports
    (``word_ids()``). Tokenising the section's text and matching character offsets cannot be
    trusted with every fast tokenizer: a subword may straddle two of the corpus's words (BERT's
    WordPiece makes "don" "'" "t" of the words "do" "n't"), SentencePiece pieces start on the
    space before a word ("▁Blinken"), and byte-level BPE gives zero-width offsets to a lone "Ġ".
    Nor can the offsets that ``is_split_into_words`` gives: they count from each word's start,
    and SentencePiece's lone "▁" shares the offsets of the piece after it, so "offset 0" does not
    single out a word's first subword. Split words never straddle, and ``word_ids()`` is the
    tokenizer's own record. (Byte-level BPE tokenizers such as RoBERTa's need
    ``add_prefix_space=True`` for words.) A word for which the tokenizer makes no subword at all
    (a lone control character) cannot be labelled and is absent from ``word_ids``.

    ``max_length``: a row whose subwords (plus special tokens) exceed it is split into windows
    of whole words, consecutive windows sharing at least ``stride`` subwords (whole words), so
    every word is labelled in at least one window and nothing is truncated silently; only a
    single word longer than a window is cut (its first subword, which carries its label, is
    kept). Rows then give more output rows than input rows, so use it with
    ``Dataset.map(..., batched=True, remove_columns=dataset.column_names)``. ``None``: one
    window per row, however long. A row with no tokens gives no window.
    """
    names = tag_names(layer)
    tags_column = LAYERS[layer]
    inside = _inside_ids(names)
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
        labels: list[int] = []
        word_ids: list[int | None] = []
        prev = None
        for w in local:
            if w is None:
                labels.append(IGNORE)
                word_ids.append(None)
            else:
                tag = tags[k][a + w]
                labels.append(tag if w != prev else inside[tag] if label_all_subwords else IGNORE)
                word_ids.append(a + w)
            prev = w
        out["labels"].append(labels)
        out["word_ids"].append(word_ids)
        out["row_id"].append(ids[k])
    return out


def word_predictions(
    row_ids: Sequence[str], word_ids: Sequence[Sequence[int | None]], predictions: Sequence[Sequence[int]]
) -> dict[str, dict[int, int]]:
    """A model's predicted tag id per word, from its predictions per subword.

    ``row_ids`` and ``word_ids`` are the columns :func:`align_labels` returned, one item per
    window; ``predictions`` holds, per window, a tag id per subword position (the argmax of the
    logits; padding beyond the window's length is ignored). A word's prediction is the one at
    its first subword; when windows overlap, the window in which the word has the most words
    of context on its nearer side wins. Returns ``{row id: {word index: tag id}}``; words that
    no window holds are absent (treat them as ``O``).
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
