"""Label Studio JSON export: a list of tasks (or one task), plain-text ``Labels`` results.

A task holds ``data.text`` and ``annotations[].result[]`` items (``completions`` in Label Studio 0.x) of
type ``labels`` with ``value.start/end/text/labels``. A JSON-MIN or CSV export (no ``data``) is refused.
Current Label Studio counts code points; older versions and some front ends counted UTF-16 units. The unit
is decided per task, from all its results at once: the unit in which most ``value.text`` equal the text at
their offsets (code points on a tie); each result that does not fit it is an error of its own, and those that
fit only the other unit are named. A task is never read in two units. Several annotations of one task are
several annotators (``created_username``, else ``completed_by``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from .. import files, schema
from ..model import Document
from .offsets import Converter, OffsetError, read_offset
from .tool import FormatError, Parsed, ToolDoc, ToolSpan, named, place

AGAIN = "re-export the task from Label Studio; if the text was edited after annotating, annotate it again"
RESULT = {"from_name": "label", "to_name": "text", "type": "labels", "origin": "prediction"}  # of an exported span
SAID = {"codepoint": "code points", "utf16": "UTF-16 units"}  # the units a task may count in


def _item(data, pointer: str) -> str | None:
    """The task, annotation and result a JSON pointer lies in ("task 1, annotation 1001, result x7: /value/start")."""
    parts = pointer.split("/")[1:]
    tasks, parts = (data, parts) if isinstance(data, list) else ([data], ["0", *parts])  # one task: task index 0
    if not parts or not parts[0].isdigit() or int(parts[0]) >= len(tasks):
        return None
    n = int(parts.pop(0))
    if not isinstance(tasks[n], dict):
        return f"task index {n}"
    named, node = [f"task {tasks[n].get('id', n)}"], tasks[n]
    for kind, keys in (("annotation", ("annotations", "completions", "predictions")), ("result", ("result",))):
        if len(parts) < 2 or parts[0] not in keys or not parts[1].isdigit():
            break
        items, k = node.get(parts[0]), int(parts[1])
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
    what = "a Label Studio export is a JSON list of tasks"
    data = files.export_json(path.read_bytes(), path.name, out.errors, item=_item, what=what)
    if data is None:
        return out
    tasks = [data] if isinstance(data, dict) else data
    if not isinstance(tasks, list) or not all(isinstance(t, dict) and isinstance(t.get("data"), dict) for t in tasks):
        flat = isinstance(tasks, list) and tasks and all(isinstance(t, dict) and "text" in t for t in tasks)
        why = "this is a JSON-MIN export, flattened without `data` and `annotations`: export the project as JSON"
        why = why if flat else "a list of result items alone, without the task's text, cannot be imported"
        raise FormatError(
            f"{path}: not a Label Studio export: expected a list of tasks, each with a `data` object ({why})"
        )
    for n, task in enumerate(tasks):
        parse_task(task, n, path.name, path.stem, out, unit)
    return out


def annotator_name(completed_by) -> str | None:
    """The annotator as Label Studio records it: a user id, or a user object with an email."""
    if isinstance(completed_by, dict):
        key = next((k for k in ("email", "username", "id") if completed_by.get(k) not in (None, "")), None)
        return annotator_name(completed_by[key]) if key else None
    if isinstance(completed_by, bool) or completed_by is None:
        return None
    return f"annotator-{completed_by}" if isinstance(completed_by, int) else str(completed_by).split("@", 1)[0]


def _text_key(task: dict, result: dict | None = None) -> str:
    """The data field a result labels: the one its source names (`$field`), else `text`."""
    src = str((result or {}).get("source") or "")
    return src[1:] if src.startswith("$") and isinstance(task["data"].get(src[1:]), str) else "text"


def parse_task(task: dict, n: int, file: str, stem: str, out: Parsed, unit: str | None) -> None:
    tid = task.get("id", n)
    where_task, key = f"{file}: task {tid}", _text_key(task)
    text = task["data"].get(key)
    if not isinstance(text, str) or not text.strip():
        return out.error(where_task, f"data.{key} is missing or not a text", "export the task with its text")
    name = named(task["data"], f"{stem}-{tid}")
    anns = task.get("annotations") or task.get("completions") or []
    if not isinstance(anns, list) or not all(isinstance(a, dict) for a in anns):
        return out.error(where_task, "`annotations` is not a list of annotation objects")
    if task.get("predictions"):
        out.warn(where_task, f"{len(task['predictions'])} prediction(s) are not imported: only annotations are")
    if not anns:
        out.warn(where_task, "the task has no `annotations` (nor 0.x `completions`); its text is not imported")
    docs, spans = [], []  # (doc, where, start, end, quote, labels, result id) of every `labels` result
    for a in anns:
        where_a = f"{where_task}, annotation {a.get('id', '?')}"
        if a.get("was_cancelled"):
            out.warn(where_a, "the annotation was cancelled (skipped) in Label Studio; it is not imported")
            continue
        results = a.get("result") or []
        if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
            out.error(where_a, "`result` is not a list of result objects")
            continue
        who = str(a.get("created_username") or "").rsplit(",", 1)[0].strip() or a.get("completed_by")  # "jane@x.org, 7"
        doc = ToolDoc(text=text, name=str(name), where=where_a, annotator=annotator_name(who))
        for r in results:
            where, v, kind = f"{where_a}, result {r.get('id', '?')}", r.get("value"), r.get("type")
            if kind != "labels":
                html = " (HTML offsets are XPath ranges, not text offsets)" * (kind == "hypertextlabels")
                out.warn(where, f"a result of type {kind!r} is not imported: only plain-text `labels` spans are{html}")
            elif not isinstance(v, dict):
                out.error(where, "a `labels` result without a value object")
            elif not isinstance(v.get("labels"), list) or not all(isinstance(x, str) for x in v["labels"]):
                out.error(where, f"value.labels is {v.get('labels')!r}; expected a list of label names")
            elif r.get("source") and _text_key(task, r) != key:
                out.warn(where, f"the result labels data field {r.get('source')!r}, not {key!r}; it is not imported")
            else:
                try:
                    start, end = read_offset(v.get("start"), "value.start"), read_offset(v.get("end"), "value.end")
                except OffsetError as err:
                    out.error(where, str(err))
                    continue
                if not v["labels"]:
                    out.error(where, "a span without a label")
                quote = v.get("text") if isinstance(v.get("text"), str) else None
                spans.append((doc, where, start, end, quote, v["labels"], r.get("id", "?")))
        docs.append(doc)
    chosen = unit or _task_unit(text, spans, where_task, out)
    conv = Converter(text, chosen)
    for doc, where, start, end, quote, labels, rid in spans:
        placed = place(out, where, conv, start, end, label=", ".join(labels), quote=quote, hint=AGAIN)
        doc.spans += [ToolSpan(label, *placed, where, key=rid) for label in labels] if placed else []
    if chosen == "utf16" and unit is None:
        out.notes.append(f"{where_task}: offsets counted in UTF-16 units were converted to code points")
    out.docs += docs


def _task_unit(text: str, spans: list, where_task: str, out: Parsed) -> str:
    """The offset unit most of a task's results fit (code points on a tie), naming those that fit only the other."""
    convs = [Converter(text, u) for u in SAID]
    fits = {conv.unit: [_fits(conv, *span[2:5]) for span in spans] for conv in convs}
    unit, other = ("utf16", "codepoint") if sum(fits["utf16"]) > sum(fits["codepoint"]) else ("codepoint", "utf16")
    odd = [sp[1] for sp, mine, theirs in zip(spans, fits[unit], fits[other], strict=True) if theirs and not mine]
    if odd:
        why = f"offsets read as {SAID[unit]}, which {sum(fits[unit])} of its {len(spans)} results fit; these fit only {SAID[other]}:"
        out.warn(where_task, why + "".join(f"\n    {x}" for x in odd), f"--offsets {other} reads the whole task so")
    return unit


def _fits(conv: Converter, start: int, end: int, quote: str | None) -> bool:
    """Whether a result's value.text is the text at its offsets counted in conv's unit."""
    tried = Parsed()
    place(tried, "", conv, start, end, quote=quote)
    return not tried.errors


def export(docs: Iterable[Document]) -> dict[str, bytes]:
    """One JSON file of tasks with the entity layer as predictions, for pre-annotation."""
    tasks = []
    for doc in docs:
        result = [
            {"id": e.id, **RESULT, "value": {"start": e.start, "end": e.end, "text": e.text, "labels": [e.label]}}
            for e in doc.entities
        ]
        prediction = {"model_version": f"newsspan ({doc.status})", "result": result}
        tasks.append({"data": {"text": doc.text, "id": doc.id}, "predictions": [prediction]})
    return {"": (json.dumps(tasks, ensure_ascii=False, indent=2) + "\n").encode("utf-8")}


def labeling_config() -> str:
    """The Label Studio labeling config matching the export (entity labels from the schema)."""
    labels = "".join(f'    <Label value="{lab}"/>\n' for lab in schema.entity_labels())
    return f'<View>\n  <Labels name="label" toName="text">\n{labels}  </Labels>\n  <Text name="text" value="$text"/>\n</View>\n'
