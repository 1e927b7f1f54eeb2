"""``newsspan diff OLD NEW``: what changed between two release folders (``newsspan build``'s) or two git
revisions of the root. Spans match by document, layer and id: added, removed, relabelled (label; a claim's
attribution type), moved (offsets) or changed (anything else)."""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

from . import schema
from .model import LAYERS
from .publish import STANDOFF, hashed

KINDS = ("added", "removed", "relabelled", "moved", "changed")
Docs = dict[str, tuple[dict, dict[tuple[str, str], dict]]]  # id -> (its fields, {(layer, span id): span})


class DiffError(ValueError):
    """A side that can be read as neither a release folder nor a git revision."""


def _clean(value: Any) -> Any:
    """value without its None fields (a Parquet row has one for each optional field left out)."""
    return {k: _clean(v) for k, v in value.items() if v is not None} if isinstance(value, dict) else value


def _doc(fields: dict, layers: dict) -> tuple[dict, dict]:
    keep = (*schema.meta_fields(), "status", "annotators", "guidelines_version")
    spans = {(name, s["id"]): _clean(hashed(s)) for name in LAYERS for s in layers.get(name) or ()}
    return _clean({k: fields.get(k) for k in keep}), spans


def _names(feature: Any, value: Any) -> Any:
    """A value of a Parquet row with its ClassLabel ids turned into their names."""
    from datasets import ClassLabel

    if value is None or isinstance(feature, ClassLabel):
        return value if value is None else feature.int2str(value)
    if isinstance(feature, dict):
        return {k: _names(feature[k], v) if k in feature else v for k, v in value.items()}
    item = feature[0] if isinstance(feature, list) else getattr(feature, "feature", None)
    return [_names(item, v) for v in value] if item is not None and isinstance(value, list) else value


def release(folder: Path) -> Docs:
    """The documents of a folder ``newsspan build`` wrote."""
    import pyarrow.parquet as pq
    from datasets import Features

    files = sorted((folder / "documents").glob("*.parquet"))
    if not files:
        raise DiffError(f"{folder} holds no documents config (documents/*.parquet); build it with that config")
    docs = {}
    for f in files:
        table = pq.read_table(f)
        features = Features.from_arrow_schema(table.schema)
        for row in table.to_pylist():
            row = _names(features, row)
            docs[row["id"]] = _doc(row, row)
    for f in sorted((folder / STANDOFF).glob("*.json")):
        form = json.loads(f.read_text(encoding="utf-8"))
        docs[form["id"]] = _doc({**form["meta"], **form["annotation"]}, form["annotation"])
    return docs


def revision(root: Path, rev: str) -> Docs:
    """The documents of a git revision of the corpus root (its metadata and released layers)."""

    def git(*args: str, data: bytes | None = None) -> bytes:
        run = subprocess.run(["git", *args], cwd=root, input=data, capture_output=True)
        if run.returncode:
            why = run.stderr.decode(errors="replace").strip().splitlines()
            raise DiffError(
                f"{rev} is neither a release folder nor a git revision of {root} ({why[-1] if why else ''})"
            )
        return run.stdout

    git("rev-parse", "--verify", "--end-of-options", f"{rev}^{{commit}}")
    paths = [
        p
        for p in git("ls-tree", "-r", "--name-only", rev, "--", "corpus", "annotations").decode().splitlines()
        if re.fullmatch(r"corpus/[^/]+\.meta\.json|annotations/[^/]+\.json", p)
    ]
    out, files, at = git("cat-file", "--batch", data="".join(f"{rev}:./{p}\n" for p in paths).encode()), {}, 0
    for p in paths:  # each blob: "<oid> blob <size>\n<content>\n"
        head = out.index(b"\n", at)
        size = int(out[at:head].split()[2])
        try:
            files[p] = json.loads(out[head + 1 : head + 1 + size])
        except ValueError as e:
            raise DiffError(f"{rev}:{p} is not JSON ({e})") from None
        at = head + 2 + size
    docs = {}
    for d in sorted({Path(p).name.split(".")[0] for p in paths}):
        meta, ann = files.get(f"corpus/{d}.meta.json", {}), files.get(f"annotations/{d}.json", {})
        docs[d] = _doc({**meta, **{k: ann.get(k) for k in ("status", "annotators", "guidelines_version")}}, ann)
    return docs


def _label(layer: str, span: dict) -> str:
    return span["attribution"]["type"] if layer == "claims" else span["label"]


def _rest(span: dict) -> dict:
    out = {k: v for k, v in span.items() if k not in ("id", "label", "start", "end")}
    return out | ({"attribution": {**out["attribution"], "type": None}} if "attribution" in out else {})


def _changes(layer: str, a: dict | None, b: dict | None) -> list[tuple[str, str]]:
    """(kind, label) of each change of a span from a to b (None: absent)."""
    if a is None or b is None:
        return [("added" if a is None else "removed", _label(layer, a or b or {}))]
    la, lb = _label(layer, a), _label(layer, b)
    found = (
        ("relabelled", f"{la} -> {lb}", la != lb),
        ("moved", lb, (a["start"], a["end"]) != (b["start"], b["end"])),
        ("changed", lb, _rest(a) != _rest(b)),
    )
    return [(kind, label) for kind, label, differs in found if differs]


def compare(old: Docs, new: Docs, names: tuple[str, str]) -> dict:
    """What changed from old to new: documents, span changes, their counts per layer and label, label counts."""
    changes: list[dict] = []
    summary: dict = {}
    for d in sorted(old.keys() | new.keys()):
        a_spans, b_spans = old.get(d, ({}, {}))[1], new.get(d, ({}, {}))[1]
        for layer, sid in sorted(a_spans.keys() | b_spans.keys()):
            a, b = a_spans.get((layer, sid)), b_spans.get((layer, sid))
            for kind, label in _changes(layer, a, b):
                where = {side: s and [s["start"], s["end"]] for side, s in (("old", a), ("new", b))}
                changes.append({"document": d, "layer": layer, "id": sid, "change": kind, "label": label, **where})
                summary.setdefault(layer, {}).setdefault(label, Counter())[kind] += 1
    counts = [
        Counter((k[0], _label(k[0], s)) for _, spans in docs.values() for k, s in spans.items()) for docs in (old, new)
    ]
    labels: dict = {}
    for layer, label in sorted(k for k in counts[0].keys() | counts[1].keys() if counts[0][k] != counts[1][k]):
        labels.setdefault(layer, {})[label] = {"old": counts[0][layer, label], "new": counts[1][layer, label]}
    documents = {
        "added": sorted(new.keys() - old.keys()),
        "removed": sorted(old.keys() - new.keys()),
        "changed": sorted(d for d in old.keys() & new.keys() if old[d] != new[d]),
    }
    return {
        "old": names[0],
        "new": names[1],
        "documents": documents,
        "spans": summary,
        "labels": labels,
        "changes": changes,
    }


def render_text(r: dict) -> str:
    docs = r["documents"]
    out = [f"newsspan diff {r['old']} {r['new']}"]
    out += [f"documents {k}: {len(v)}" + (f" ({', '.join(v)})" if v else "") for k, v in docs.items()]
    for c in r["changes"]:
        where = " -> ".join(f"[{s[0]}, {s[1]})" for s in (c["old"], c["new"]) if s)
        out.append(f"  {c['document']} {c['layer']} {c['id']}: {c['change']} {c['label']} {where}")
    for layer, per in r["labels"].items():
        out.append(
            f"label counts, {layer}: "
            + ", ".join(f"{k} {v['old']} -> {v['new']} ({v['new'] - v['old']:+d})" for k, v in per.items())
        )
    return "\n".join(out) + "\n"


def render_markdown(r: dict) -> str:
    out = [f"## Changes from `{r['old']}` to `{r['new']}`", "", "| documents | count | ids |", "| --- | ---: | --- |"]
    out += [f"| {k} | {len(v)} | {', '.join(f'`{d}`' for d in v)} |" for k, v in r["documents"].items()]
    out += ["", "| layer | label | " + " | ".join(KINDS) + " |", "| --- | --- |" + " ---: |" * len(KINDS)]
    for layer, per in r["spans"].items():
        out += [
            f"| {layer} | `{label}` | " + " | ".join(str(n.get(k, 0)) for k in KINDS) + " |" for label, n in per.items()
        ]
    out += ["", "| layer | label | old | new | change |", "| --- | --- | ---: | ---: | ---: |"]
    for layer, per in r["labels"].items():
        out += [f"| {layer} | `{k}` | {v['old']} | {v['new']} | {v['new'] - v['old']:+d} |" for k, v in per.items()]
    return "\n".join(out) + "\n"


RENDERERS = {
    "text": render_text,
    "json": lambda r: json.dumps(r, ensure_ascii=False, indent=2) + "\n",
    "markdown": render_markdown,
}
