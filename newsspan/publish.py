"""What a published release (the wheel, ``newsspan build --publish``) carries: a text whose license is on
``schema.redistributable``'s allow-list whole, any other as ``standoff/<id>.json`` (each quote replaced by its
SHA-256), which ``newsspan rehydrate`` restores from the user's own copy. Only the standard library and
``schema`` are imported: the wheel's build hook runs this without our dependencies."""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from . import schema

STANDOFF = "standoff"  # the withheld documents' folder in a shipped corpus, a corpus root and a published folder
RELEASE = "release.json"
RESTORE = "newsspan rehydrate YOUR-COPY.txt  # the article as saved from its URL; nothing is fetched"


def travels(meta: Mapping[str, Any]) -> bool:
    """Whether a document's text may be published (its license is on the allow-list)."""
    return schema.redistributable(str(meta.get("license", "unknown")))


def quote_hash(quote: str) -> str:
    return hashlib.sha256(quote.encode("utf-8")).hexdigest()


def hashed(span: dict) -> dict:
    """A span (JSON) with its quote, and those of its attribution's spans, replaced by their hashes."""
    out: dict[str, Any] = {}
    for k, v in span.items():
        if k == "attribution" and isinstance(v, dict):
            v = {a: hashed(x) if isinstance(x, dict) else x for a, x in v.items()}
        out["quote_sha256" if k == "text" else k] = quote_hash(v) if k == "text" else v
    return out


def standoff(meta: dict, annotation: dict, text: str) -> dict:
    """The standoff form of a withheld document."""
    layers = {name: [hashed(s) for s in annotation.get(name, [])] for name in schema.layers()}
    form = {"standoff_version": 1, "id": meta["id"], "length": len(text), "meta": meta}
    return form | {"annotation": annotation | layers, "restore": RESTORE}


def record(version: str, folder: Path, published: list[str], withheld: list[str]) -> dict:
    """The ``release.json`` of a release of the corpus in folder: its git commit and whether the tree differs."""

    def git(*args: str) -> str | None:
        try:
            run = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.SubprocessError):
            return None
        return run.stdout.strip() if run.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    dirty = git("status", "--porcelain", "--", ".") if commit else None
    corpus = {"commit": commit, "dirty": None if dirty is None else bool(dirty)}
    return {"newsspan": version, "corpus": corpus, "published": published, "withheld": withheld}


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise RuntimeError(f"{path}: cannot be read ({e}); run `newsspan validate` before building a wheel") from None


def shipped(root: Path, version: str, out: Path) -> dict[str, str]:
    """The corpus a wheel carries, {source file: its path there}: the released documents whose text travels,
    the standoff form of the others and release.json (these two written into out)."""
    files: dict[str, str] = {}
    published: list[str] = []
    forms: dict[str, dict] = {}
    for ann_path in sorted((root / "annotations").glob("*.json")):
        ann, doc = _json(ann_path), ann_path.name[: -len(".json")]
        text, meta = root / "corpus" / f"{doc}.txt", root / "corpus" / f"{doc}.meta.json"
        if not isinstance(ann, dict) or ann.get("status") not in schema.released_statuses():
            continue
        if travels(_json(meta)):
            published.append(doc)
            files |= {str(text): f"corpus/{doc}.txt", str(meta): f"corpus/{doc}.meta.json"}
            files[str(ann_path)] = f"annotations/{doc}.json"
        else:
            forms[f"{STANDOFF}/{doc}.json"] = standoff(_json(meta), ann, text.read_bytes().decode("utf-8"))
    forms[RELEASE] = record(version, root, published, [f["id"] for f in forms.values()])
    for rel, value in forms.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        files[str(out / rel)] = rel
    return files
