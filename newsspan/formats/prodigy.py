"""Prodigy / spaCy JSONL: one task per line with ``text``, ``tokens`` and ``spans``.

Span ``start``/``end`` are code points; ``token_start``/``token_end`` index ``tokens`` and
``token_end`` is inclusive. Only accepted answers are imported; rejected and ignored tasks
are reported. Several sessions (``_annotator_id``/``_session_id``) on one text are several
annotators. The export writes the same shape, tokens from :mod:`newsspan.tokenize`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from .. import files
from ..model import Document
from ..tokenize import Misaligned, iob2_spans, tag, tokenize
from .offsets import Converter, OffsetError, read_offset
from .tool import FormatError, Parsed, ToolDoc, ToolSpan, named, place


def load(path: Path, unit: str | None = None) -> Parsed:
    path = Path(path)
    if path.is_dir():
        raise FormatError(
            f"{path}: is a folder; a Prodigy export is one JSONL file (`prodigy db-out DATASET > file.jsonl`)"
        )
    out = Parsed()
    what = "a Prodigy export holds one JSON task per line (`prodigy db-out DATASET`)"
    for n, task in files.export_records(path.read_bytes(), path.name, out.errors, what=what) or ():
        if not isinstance(task, dict) or not isinstance(task.get("text"), str):
            raise FormatError(f"{path.name}:{n}: not a Prodigy task: expected an object with `text`")
        parse_task(task, f"{path.name}:{n}", path.stem, n, unit or "codepoint", out)
    return out


def parse_task(task: dict, where: str, stem: str, n: int, unit: str, out: Parsed) -> None:
    answer = task.get("answer", "accept")
    if answer != "accept":
        return out.warn(where, f"the answer is {answer!r}; only accepted tasks are imported")
    meta = task["meta"] if isinstance(task.get("meta"), dict) else {}
    name = named(meta, f"{stem}-{n}")
    who = task.get("_annotator_id") or task.get("_session_id")
    text, tokens = task["text"], task.get("tokens") if isinstance(task.get("tokens"), list) else None
    doc = ToolDoc(text=text, name=str(name), where=where, annotator=str(who) if who else None)
    conv = Converter(text, unit)
    for k, sp in enumerate(task.get("spans") or []):
        at = f"{where} spans[{k}]"
        if not isinstance(sp, dict) or not isinstance(sp.get("label"), str):
            out.error(at, "expected a span object with a label")
            continue
        try:
            start, end = _offsets(sp, tokens)
        except OffsetError as err:
            out.error(at, f"{sp['label']}: {err}")
            continue
        if placed := place(out, at, conv, start, end, label=sp["label"]):
            s, e = placed
            doc.spans.append(ToolSpan(sp["label"], s, e, f"{at} ({sp['label']} {text[s:e]!r})"))
    out.docs.append(doc)


def _offsets(sp: dict, tokens: list | None) -> tuple[int, int]:
    """A span's (start, end): its own, or its tokens' (token_end inclusive); both must agree when both are given."""
    by_chars = by_tokens = None
    if sp.get("start") is not None or sp.get("end") is not None:
        by_chars = read_offset(sp.get("start"), "start"), read_offset(sp.get("end"), "end")
    if tokens and (sp.get("token_start") is not None or sp.get("token_end") is not None):
        ts, te = read_offset(sp.get("token_start"), "token_start"), read_offset(sp.get("token_end"), "token_end")
        if max(ts, te) >= len(tokens) or not all(isinstance(tokens[i], dict) for i in (ts, te)):
            raise OffsetError(
                f"token_start/token_end {ts}..{te} name no token objects of the task's {len(tokens)} tokens"
            )
        by_tokens = (
            read_offset(tokens[ts].get("start"), f"tokens[{ts}].start"),
            read_offset(tokens[te].get("end"), f"tokens[{te}].end"),
        )
    if by_chars is None:
        if by_tokens is None:
            raise OffsetError("the span has no start/end (nor token_start/token_end into tokens)")
        return by_tokens
    if by_tokens is not None and by_chars != by_tokens:
        raise OffsetError(
            f"start/end [{by_chars[0]}, {by_chars[1]}) disagree with tokens {sp['token_start']}..{sp['token_end']} "
            f"(token_end is inclusive), which cover [{by_tokens[0]}, {by_tokens[1]})"
        )
    return by_chars


# export ----------------------------------------------------------------------------------------


def export(docs: Iterable[Document]) -> dict[str, bytes]:
    """JSONL, one task per document: text, tokens (with ws), entity spans with token indices.

    The tokens are the text's, tokenised as a whole: inside each section, exactly the tokens of
    the CoNLL export and of the ``entities`` config (newsspan.tokenize.tag, the one tagger).
    """
    lines = []
    for doc in docs:
        text, tokens = doc.text, tokenize(doc.text)
        try:
            tags = tag(tokens, doc.entities)
        except Misaligned as m:
            raise FormatError(f"{doc.id}: entity {m}") from None
        ws = [t.end < len(text) and text[t.end].isspace() for t in tokens]
        task = {
            "text": text,
            "meta": {"id": doc.id, "status": doc.status},
            "tokens": [
                {"text": t.text, "start": t.start, "end": t.end, "id": i, "ws": ws[i]} for i, t in enumerate(tokens)
            ],
            "spans": [
                {
                    "start": tokens[a].start,
                    "end": tokens[b - 1].end,
                    "token_start": a,
                    "token_end": b - 1,
                    "label": label,
                }
                for a, b, label in iob2_spans(tags)
            ],
            "answer": "accept",
        }
        lines.append(json.dumps(task, ensure_ascii=False))
    return {"": ("\n".join(lines) + "\n").encode("utf-8")}
