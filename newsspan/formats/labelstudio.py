"""Label Studio JSON export: a list of tasks (or one task), plain-text ``Labels`` results.

A task holds ``data.text`` and ``annotations[].result[]`` items of type ``labels`` with
``value.start/end/text/labels``. Current Label Studio counts code points; older versions and
some front ends counted UTF-16 units. The unit is decided per task, from all its results at
once: code points when every ``value.text`` equals the text at its offsets counted so, else
UTF-16 units when every one does so; a task that fits neither unit throughout is an error
naming the results that do not fit. A task is never read in two units.
Several annotations of one task are several annotators (``completed_by``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from .. import files
from ..model import Document
from . import FormatError, Parsed, ToolDoc, ToolSpan, issue
from .offsets import Converter, OffsetError, read_offset

SPAN_TYPES = ("labels",)


def _item(data, pointer: str) -> str | None:
    """The task, annotation and result a JSON pointer lies in, named as the import names them
    ("task 1, annotation 1001, result beFiQTT1cU: /value/start")."""
    parts = pointer.split("/")[1:]
    if isinstance(data, list):
        if not parts or not parts[0].isdigit() or int(parts[0]) >= len(data):
            return None
        n = int(parts.pop(0))
        task = data[n]
    else:
        n, task = 0, data
    if not isinstance(task, dict):
        return f"task index {n}"
    named = [f"task {task.get('id', n)}"]
    node = task
    for kind, keys in (("annotation", ("annotations", "completions", "predictions")), ("result", ("result",))):
        if len(parts) < 2 or parts[0] not in keys or not parts[1].isdigit():
            break
        items = node.get(parts[0])
        k = int(parts[1])
        if not isinstance(items, list) or k >= len(items) or not isinstance(items[k], dict):
            break
        node = items[k]
        named.append(f"{'prediction' if parts[0] == 'predictions' else kind} {node.get('id', '?')}")
        parts = parts[2:]
    return ", ".join(named) + (f": /{'/'.join(parts)}" if parts else "")


def load(path: Path, unit: str | None = None) -> Parsed:
    path = Path(path)
    if path.is_dir():
        raise FormatError(f"{path}: is a folder; a Label Studio export is one JSON file")
    out = Parsed()
    data = files.export_json(
        path.read_bytes(), path.name, out.errors, item=_item, what="a Label Studio export is a JSON list of tasks"
    )
    if data is None:
        return out
    tasks = [data] if isinstance(data, dict) else data
    if not isinstance(tasks, list) or not all(isinstance(t, dict) and isinstance(t.get("data"), dict) for t in tasks):
        raise FormatError(
            f"{path}: not a Label Studio export: expected a list of tasks, each with a `data` object "
            "(a list of result items alone, without the task's text, cannot be imported)"
        )
    for n, task in enumerate(tasks):
        parse_task(task, n, path.name, path.stem, out, unit)
    return out


def annotator_name(completed_by) -> str | None:
    """The annotator as Label Studio records it: a user id, or a user object with an email."""
    if isinstance(completed_by, dict):
        for key in ("email", "username", "id"):
            if completed_by.get(key) not in (None, ""):
                return annotator_name(completed_by[key])
        return None
    if isinstance(completed_by, bool) or completed_by is None:
        return None
    if isinstance(completed_by, int):
        return f"annotator-{completed_by}"
    s = str(completed_by)
    return s.split("@", 1)[0] if "@" in s else s


def _text_key(task: dict, result: dict | None = None) -> str:
    src = (result or {}).get("source") or ""
    if isinstance(src, str) and src.startswith("$") and isinstance(task["data"].get(src[1:]), str):
        return src[1:]
    return "text"


def parse_task(task: dict, n: int, file: str, stem: str, out: Parsed, unit: str | None) -> None:
    tid = task.get("id", n)
    where_task = f"{file}: task {tid}"
    key = _text_key(task)
    text = task["data"].get(key)
    if not isinstance(text, str) or not text.strip():
        out.errors.append(issue(where_task, f"data.{key} is missing or not a text", "export the task with its text"))
        return
    name = task["data"].get("id") or task["data"].get("document_id") or f"{stem}-{tid}"
    anns = task.get("annotations") or task.get("completions") or []
    if not isinstance(anns, list) or not all(isinstance(a, dict) for a in anns):
        out.errors.append(issue(where_task, "`annotations` is not a list of annotation objects"))
        return
    if task.get("predictions"):
        out.warnings.append(
            issue(where_task, f"{len(task['predictions'])} prediction(s) are not imported: only annotations are")
        )
    docs, spans = [], []  # spans: (doc, where, start, end, quote, labels, result id) of every `labels` result
    for a in anns:
        aid = a.get("id", "?")
        where_a = f"{where_task}, annotation {aid}"
        if a.get("was_cancelled"):
            out.warnings.append(
                issue(where_a, "the annotation was cancelled (skipped) in Label Studio; it is not imported")
            )
            continue
        doc = ToolDoc(text=text, name=str(name), where=where_a, annotator=annotator_name(a.get("completed_by")))
        results = a.get("result") or []
        if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
            out.errors.append(issue(where_a, "`result` is not a list of result objects"))
            continue
        for r in results:
            rid = r.get("id", "?")
            where = f"{where_a}, result {rid}"
            rtype = r.get("type")
            v = r.get("value")
            if rtype not in SPAN_TYPES:
                out.warnings.append(
                    issue(
                        where,
                        f"a result of type {rtype!r} is not imported: only plain-text `labels` spans are"
                        + (" (HTML offsets are XPath ranges, not text offsets)" if rtype == "hypertextlabels" else ""),
                    )
                )
                continue
            if not isinstance(v, dict):
                out.errors.append(issue(where, "a `labels` result without a value object"))
                continue
            labels = v.get("labels")
            try:
                start, end = read_offset(v.get("start"), "value.start"), read_offset(v.get("end"), "value.end")
            except OffsetError as err:
                out.errors.append(issue(where, str(err)))
                continue
            if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
                out.errors.append(issue(where, f"value.labels is {labels!r}; expected a list of label names"))
                continue
            if r.get("source") and _text_key(task, r) != key:
                out.warnings.append(
                    issue(where, f"the result labels data field {r.get('source')!r}, not {key!r}; it is not imported")
                )
                continue
            if not labels:
                out.errors.append(issue(where, "a span without a label"))
            quote = v.get("text") if isinstance(v.get("text"), str) else None
            spans.append((doc, where, start, end, quote, labels, rid))
        docs.append(doc)
    chosen = _task_unit(text, spans, unit, where_task, out)
    if chosen is not None:
        conv = Converter(text, chosen)
        for doc, where, start, end, quote, labels, rid in spans:
            placed = _place(text, conv, start, end, quote, where, out)
            if placed is not None:
                doc.spans += [ToolSpan(str(label), placed[0], placed[1], where, key=rid) for label in labels]
        if chosen == "utf16" and unit is None:
            out.notes.append(f"{where_task}: offsets counted in UTF-16 units were converted to code points")
    out.docs += docs
    if not anns:
        out.warnings.append(issue(where_task, "the task has no annotations; its text is not imported"))


def _fits(text: str, conv: Converter, start: int, end: int, quote: str | None) -> bool:
    try:
        s, e = conv.to_codepoint(start), conv.to_codepoint(end)
    except OffsetError:
        return False
    return s < e and (quote is None or text[s:e] == quote)


def _task_unit(text: str, spans: list, unit: str | None, where_task: str, out: Parsed) -> str | None:
    """The offset unit of a whole task, decided from all its results at once (never per span).

    Code points when every result fits them (its value.text equals the text at its offsets),
    else UTF-16 units when every result fits those; else the task is an error naming the results
    that fit neither, or (when each fits one of them) which fit which. --offsets decides alone.
    """
    if unit is not None or not spans:
        return unit or "codepoint"
    convs = {u: Converter(text, u) for u in ("codepoint", "utf16")}
    fit = {u: [_fits(text, c, s, e, q) for _, _, s, e, q, _, _ in spans] for u, c in convs.items()}
    for u in ("codepoint", "utf16"):
        if all(fit[u]):
            return u
    listed = []
    for k, (_, where, start, end, quote, _, _) in enumerate(spans):
        if fit["codepoint"][k] or fit["utf16"][k]:
            continue
        found = []
        for u, c in convs.items():
            try:
                found.append(f"as {u} offsets the text there is {text[c.to_codepoint(start) : c.to_codepoint(end)]!r}")
            except OffsetError as err:
                found.append(f"as {u} offsets: {err}")
        listed.append(f"{where}: [{start}, {end}) value.text {quote!r}; " + "; ".join(found))
    if listed:
        detail = f"{len(listed)} of its {len(spans)} results fit neither code points nor UTF-16 units:"
    else:  # each result fits one unit, but not all the same one
        detail = "some results fit only code points, others only UTF-16 units:"
        listed = [
            f"{sp[1]}: fits only {'code points' if fit['codepoint'][k] else 'UTF-16 units'}"
            for k, sp in enumerate(spans)
            if fit["codepoint"][k] != fit["utf16"][k]
        ]
    out.errors.append(
        issue(
            where_task,
            "the offset unit of the task cannot be decided: " + detail + "".join(f"\n    {x}" for x in listed),
            "re-export the task from Label Studio; if the text was edited after annotating, annotate it again "
            "(--offsets codepoint or --offsets utf16 names the unit)",
        )
    )
    return None


def _place(text: str, conv: Converter, start: int, end: int, quote: str | None, where: str, out: Parsed):
    """Code-point offsets of one span in the task's unit, checking value.text."""
    try:
        s, e = conv.to_codepoint(start), conv.to_codepoint(end)
    except OffsetError as err:
        out.errors.append(issue(where, f"offsets [{start}, {end}) do not fit the text: {err}"))
        return None
    if s >= e:
        out.errors.append(issue(where, f"offsets [{start}, {end}) make an empty span"))
        return None
    if quote is not None and text[s:e] != quote:
        found = text.find(quote)
        hint = (
            f"the quote occurs at [{found}, {found + len(quote)}) in code points"
            if found >= 0
            else "the quote does not occur in the text"
        )
        out.errors.append(
            issue(
                where,
                f"value.text {quote!r} does not match the text at [{start}, {end}) in {conv.unit} units "
                f"({text[s:e]!r}); {hint}",
                "re-export the task from Label Studio; if the text was edited after annotating, annotate it again",
            )
        )
        return None
    return s, e


# export ----------------------------------------------------------------------------------------


def export(docs: Iterable[Document]) -> dict[str, bytes]:
    """One JSON file of tasks with the entity layer as predictions, for pre-annotation."""
    tasks = []
    for doc in docs:
        result = [
            {
                "id": e.id,
                "from_name": "label",
                "to_name": "text",
                "type": "labels",
                "origin": "prediction",
                "value": {"start": e.start, "end": e.end, "text": e.text, "labels": [e.label]},
            }
            for e in doc.entities
        ]
        tasks.append(
            {
                "data": {"text": doc.text, "id": doc.id},
                "predictions": [{"model_version": f"newsspan ({doc.status})", "result": result}],
            }
        )
    return {"": (json.dumps(tasks, ensure_ascii=False, indent=2) + "\n").encode("utf-8")}


def labeling_config() -> str:
    """The Label Studio labeling config matching the export (entity labels from the schema)."""
    from .. import schema

    labels = "\n".join(f'    <Label value="{lab}"/>' for lab in schema.entity_labels())
    return f'<View>\n  <Labels name="label" toName="text">\n{labels}\n  </Labels>\n  <Text name="text" value="$text"/>\n</View>\n'
