"""Prodigy / spaCy JSONL: one task per line with ``text``, ``tokens`` and ``spans``.

Span ``start``/``end`` are code points; ``token_start``/``token_end`` index ``tokens`` and
``token_end`` is inclusive. Only accepted answers are imported; rejected and ignored tasks
are reported. Several sessions (``_annotator_id``/``_session_id``) on one text are several
annotators. The export writes the same shape, tokens from :mod:`newsspan.tokenize`.
"""

from __future__ import annotations

import json
from pathlib import Path

from . import FormatError, Issue, Parsed, ToolDoc, ToolSpan
from .offsets import Converter, OffsetError


def load(path: Path, unit: str | None = None) -> Parsed:
    path = Path(path)
    if path.is_dir():
        raise FormatError(f"{path}: is a folder; a Prodigy export is one JSONL file (`prodigy db-out DATASET > file.jsonl`)")
    try:
        lines = path.read_bytes().decode("utf-8-sig").splitlines()
    except UnicodeDecodeError:
        raise FormatError(f"{path}: not UTF-8 text") from None
    out = Parsed()
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            task = json.loads(line)
        except json.JSONDecodeError as e:
            raise FormatError(f"{path.name}:{n}: not JSON Lines ({e.msg}, column {e.colno})") from None
        if not isinstance(task, dict) or not isinstance(task.get("text"), str):
            raise FormatError(f"{path.name}:{n}: not a Prodigy task: expected an object with `text`")
        parse_task(task, f"{path.name}:{n}", path.stem, n, unit or "codepoint", out)
    return out


def parse_task(task: dict, where: str, stem: str, n: int, unit: str, out: Parsed) -> None:
    answer = task.get("answer", "accept")
    if answer != "accept":
        out.warnings.append(Issue(where, f"the answer is {answer!r}; only accepted tasks are imported"))
        return
    meta = task.get("meta") if isinstance(task.get("meta"), dict) else {}
    name = meta.get("id") or meta.get("document_id") or f"{stem}-{n}"
    who = task.get("_annotator_id") or task.get("_session_id")
    text = task["text"]
    tokens = task.get("tokens") if isinstance(task.get("tokens"), list) else None
    doc = ToolDoc(text=text, name=str(name), where=where, annotator=str(who) if who else None)
    conv = Converter(text, unit)
    for k, sp in enumerate(task.get("spans") or []):
        w = f"{where} spans[{k}]"
        if not isinstance(sp, dict) or not isinstance(sp.get("label"), str):
            out.errors.append(Issue(w, "expected a span object with a label"))
            continue
        s, e = sp.get("start"), sp.get("end")
        if (s is None or e is None) and tokens and isinstance(sp.get("token_start"), int) and isinstance(sp.get("token_end"), int):
            try:
                s, e = tokens[sp["token_start"]]["start"], tokens[sp["token_end"]]["end"]
            except (IndexError, KeyError, TypeError):
                pass
        if not isinstance(s, int) or not isinstance(e, int) or isinstance(s, bool):
            out.errors.append(Issue(w, f"{sp['label']}: no integer start/end (nor token_start/token_end into tokens)"))
            continue
        try:
            cs, ce = conv.to_codepoint(s), conv.to_codepoint(e)
        except OffsetError as err:
            out.errors.append(Issue(w, f"{sp['label']} [{s}, {e}): {err}"))
            continue
        if cs >= ce:
            out.errors.append(Issue(w, f"{sp['label']} [{s}, {e}) is empty or reversed"))
            continue
        if tokens and isinstance(sp.get("token_start"), int) and isinstance(sp.get("token_end"), int):
            try:
                ts, te = tokens[sp["token_start"]]["start"], tokens[sp["token_end"]]["end"]
            except (IndexError, KeyError, TypeError):
                ts = te = None
            if (ts, te) != (s, e):
                out.errors.append(Issue(w, f"{sp['label']}: start/end [{s}, {e}) disagree with tokens "
                                           f"{sp['token_start']}..{sp['token_end']} (token_end is inclusive), which cover [{ts}, {te})"))
                continue
        doc.spans.append(ToolSpan(sp["label"], cs, ce, f"{w} ({sp['label']} {text[cs:ce]!r})"))
    out.docs.append(doc)


# export ----------------------------------------------------------------------------------------

def export(docs) -> dict[str, bytes]:
    """JSONL, one task per document: text, tokens (with ws), entity spans with token indices."""
    from ..tokenize import token_offsets as tokenize
    from .conll import boundaries

    lines = []
    for doc_id, text, ann in docs:
        ents = sorted(ann.get("entities", []), key=lambda e: e["start"])
        offs = []
        for a, b in boundaries(text, [(0, len(text))], ents):
            offs += tokenize(text, a, b)
        tokens = [{"text": text[s:e], "start": s, "end": e, "id": i, "ws": e < len(text) and text[e].isspace()}
                  for i, (s, e) in enumerate(offs)]
        index = {s: i for i, (s, _) in enumerate(offs)}
        end_index = {e: i for i, (_, e) in enumerate(offs)}
        spans = [{"start": e["start"], "end": e["end"], "token_start": index[e["start"]], "token_end": end_index[e["end"]],
                  "label": e["label"]} for e in ents]
        lines.append(json.dumps({"text": text, "meta": {"id": doc_id, "status": ann.get("status")}, "tokens": tokens,
                                 "spans": spans, "answer": "accept"}, ensure_ascii=False))
    return {"": ("\n".join(lines) + "\n").encode("utf-8")}
