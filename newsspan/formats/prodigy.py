"""Prodigy / spaCy JSONL: one task per line with ``text``, ``tokens`` and ``spans``.

Span ``start``/``end`` are code points; ``token_start``/``token_end`` index ``tokens`` (when the task has
them) and ``token_end`` is inclusive; a span's ``text``, when given, must be the text at its offsets. Only
accepted answers are imported; rejected and ignored tasks are reported. Several sessions
(``_annotator_id``/``_session_id``) on one text are several annotators. The export writes the same shape,
tokens from :mod:`newsspan.tokenize`.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from pathlib import Path

from .. import files
from ..model import Document
from .offsets import Converter, OffsetError, read_offset
from .tool import FormatError, Parsed, ToolDoc, add_span, jsonl, named, tagged


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
    who = task.get("_annotator_id") or task.get("_session_id")
    doc = ToolDoc(task["text"], named(meta, f"{stem}-{n}"), where, annotator=str(who) if who else None)
    conv = Converter(doc.text, unit)
    tokens = task.get("tokens") if isinstance(task.get("tokens"), list) else None
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
        quote = sp.get("text") if isinstance(sp.get("text"), str) else None  # the span's text, as Prodigy saw it
        add_span(out, doc, conv, at, start, end, sp["label"], quote=quote)
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
    found = by_chars or by_tokens
    if found is None:
        raise OffsetError("the span has no start/end (nor token_start/token_end into tokens)")
    if by_tokens and found != by_tokens:
        raise OffsetError(
            f"start/end [{found[0]}, {found[1]}) disagree with tokens {sp['token_start']}..{sp['token_end']} "
            f"(token_end is inclusive), which cover [{by_tokens[0]}, {by_tokens[1]})"
        )
    return found


def export(docs: Iterable[Document]) -> dict[str, bytes]:
    """JSONL, one task per document: text, tokens (with ws; newsspan.tokenize's, the one tagger), entity spans."""
    tasks = []
    for doc in docs:
        text, (tokens, spans) = doc.text, tagged(doc)
        last = [(a, b - 1, label) for a, b, label in spans]  # token_end is inclusive
        tasks.append(
            {
                "text": text,
                "meta": {"id": doc.id, "status": doc.status},
                "tokens": [
                    {"text": t.text, "start": t.start, "end": t.end, "id": i, "ws": text[t.end : t.end + 1].isspace()}
                    for i, t in enumerate(tokens)
                ],
                "spans": [
                    {"start": tokens[a].start, "end": tokens[z].end, "token_start": a, "token_end": z, "label": label}
                    for a, z, label in last
                ],
                "answer": "accept",
            }
        )
    return jsonl(tasks)


def docbin(docs: Iterable[Document]) -> dict[str, bytes]:
    """A spaCy DocBin (`.spacy`): newsspan's tokens, mentions as ``doc.ents``, the id in ``doc.user_data["id"]``."""
    try:  # an optional extra, imported only here
        tokens_module = importlib.import_module("spacy.tokens")
        vocab = importlib.import_module("spacy.vocab").Vocab()
    except ImportError:
        raise FormatError("spaCy is not installed: pip install 'newsspan[spacy]'") from None
    out = tokens_module.DocBin(store_user_data=True)
    for doc in docs:
        tokens, spans = tagged(doc)
        words: list[str] = []
        spaces: list[bool] = []
        for k, end in enumerate([t.start for t in tokens] + [len(doc.text)]):
            gap = doc.text[tokens[k - 1].end if k else 0 : end]
            if words and gap.startswith(" "):  # one space after a token is its trailing whitespace
                spaces[-1], gap = True, gap[1:]
            if gap:  # other whitespace is a token of its own, as spaCy keeps it
                words.append(gap)
                spaces.append(False)
            if k < len(tokens):
                words.append(tokens[k].text)
                spaces.append(False)
        sdoc = tokens_module.Doc(vocab, words=words, spaces=spaces)  # its text is doc.text
        kb = {(e.start, e.end): e.kb_id or "" for e in doc.entities}
        ents = [(tokens[a].start, tokens[b - 1].end, label) for a, b, label in spans]
        sdoc.ents = [sdoc.char_span(s, e, label=label, kb_id=kb[s, e]) for s, e, label in ents]
        sdoc.user_data["id"] = doc.id
        out.add(sdoc)
    return {"": out.to_bytes()}
