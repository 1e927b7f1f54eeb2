"""What a published release carries, and the standoff form of the texts it withholds.

Published means the wheel (``hatch_build.py``) and ``newsspan build --publish``, the folder one
uploads to a hub. A document's ``license`` decides (:func:`newsspan.schema.redistributable`, the
one allow-list): a text that may travel is published whole; any other (``unknown`` included) as
standoff only, one ``standoff/<id>.json`` per document::

    {"standoff_version": 1, "id": ..., "length": <code points>, "meta": {<the metadata: url, date,
     title, text_sha256, source_sha256, license, ...>}, "annotation": {<the released layer, each
     span's "text" replaced by "quote_sha256", the SHA-256 of its quote>}, "restore": ...}

No quote and no text: ``newsspan rehydrate`` rebuilds both from the user's own copy. A release also
records where it came from (``release.json``: the newsspan version, the corpus's git commit and
whether its tree was dirty). This module imports only the standard library and ``schema`` (which
does too): the wheel's build hook runs it in hatchling's isolated environment, where newsspan's
dependencies are not installed.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from . import schema

STANDOFF = "standoff"  # the folder of the withheld documents in a shipped corpus, a corpus root and a published folder
RELEASE = "release.json"
STANDOFF_VERSION = 1
RESTORE = "newsspan rehydrate YOUR-COPY.txt  # the article as saved from its URL; nothing is fetched"


def travels(meta: Mapping[str, Any]) -> bool:
    """Whether a document's text may be published (its license is on the allow-list)."""
    return schema.redistributable(str(meta.get("license", "unknown")))


def quote_hash(quote: str) -> str:
    return hashlib.sha256(quote.encode("utf-8")).hexdigest()


def hashed(span: dict) -> dict:
    """A span (as JSON) with its quote, and those of its attribution's spans, replaced by their hashes;
    a span already hashed stays as it is."""
    out: dict[str, Any] = {}
    for k, v in span.items():
        if k == "text":
            out["quote_sha256"] = quote_hash(v)
        elif k == "attribution" and isinstance(v, dict):
            out[k] = {a: hashed(x) if isinstance(x, dict) else x for a, x in v.items()}
        else:
            out[k] = v
    return out


def standoff(meta: dict, annotation: dict, text: str) -> dict:
    """The standoff form of a withheld document (see the module's docstring)."""
    layers = {name: [hashed(s) for s in annotation.get(name, [])] for name in schema.layers()}
    return {
        "standoff_version": STANDOFF_VERSION,
        "id": meta["id"],
        "length": len(text),
        "meta": meta,
        "annotation": {**annotation, **layers},
        "restore": RESTORE,
    }


def revision(folder: Path) -> dict[str, Any]:
    """The git commit of the checkout holding folder and whether its tree differs from it (both None
    where folder is no git checkout, or git is missing)."""

    def git(*args: str) -> str | None:
        try:
            run = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.SubprocessError):
            return None
        return run.stdout if run.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--", ".") if commit else None
    return {"commit": commit.strip() if commit else None, "dirty": bool(status.strip()) if status is not None else None}


def record(version: str, folder: Path, published: list[str], withheld: list[str]) -> dict:
    """The ``release.json`` of a release of the corpus in folder."""
    return {"newsspan": version, "corpus": revision(folder), "published": published, "withheld": withheld}


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise RuntimeError(f"{path}: cannot be read ({e}); run `newsspan validate` before building a wheel") from None


def shipped(root: Path, version: str, out: Path) -> dict[str, str]:
    """The corpus a wheel carries: {source file: its path in the shipped corpus} for each released
    document of root (status complete or gold) whose text travels, the standoff form of the others
    and ``release.json`` (both written into out, a folder of the wheel build's own)."""
    files: dict[str, str] = {}
    published: list[str] = []
    withheld: list[str] = []
    for ann_path in sorted((root / "annotations").glob("*.json")):
        ann = _json(ann_path)
        if not isinstance(ann, dict) or ann.get("status") not in schema.released_statuses():
            continue
        doc = ann_path.name[: -len(".json")]
        text, meta = root / "corpus" / f"{doc}.txt", root / "corpus" / f"{doc}.meta.json"
        if not (text.is_file() and meta.is_file()):
            raise RuntimeError(
                f"the text or metadata of the released document {doc} is missing; run `newsspan validate`"
            )
        if travels(_json(meta)):
            published.append(doc)
            files |= {str(text): f"corpus/{doc}.txt", str(meta): f"corpus/{doc}.meta.json"}
            files[str(ann_path)] = f"annotations/{doc}.json"
            continue
        withheld.append(doc)
        form = standoff(_json(meta), ann, text.read_bytes().decode("utf-8"))
        files[str(_write(out / STANDOFF / f"{doc}.json", form))] = f"{STANDOFF}/{doc}.json"
    files[str(_write(out / RELEASE, record(version, root, published, withheld)))] = RELEASE
    return files


def _write(path: Path, value: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
