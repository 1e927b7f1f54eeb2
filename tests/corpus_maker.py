"""Writes small corpus documents for tests, in the style of tests/fixtures/valid.

Spans are given by their quote (and which occurrence), so offsets are computed, never typed.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from conftest import FIXTURES


def _span(text: str, quote: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    return start, start + len(quote)


def add_document(
    root: Path,
    doc_id: str,
    text: str,
    *,
    sections=(),
    entities=(),
    claims=(),
    status="gold",
    language="en",
    split=None,
    license="CC0-1.0",
    annotated=True,
) -> dict:
    """Write corpus/<id>.txt, .meta.json and (if annotated) annotations/<id>.json.

    sections: (label, quote[, occurrence]); entities: (label, quote[, occurrence]);
    claims: (quote[, occurrence]) attributed to the journalist.
    """
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    (root / "corpus").mkdir(parents=True, exist_ok=True)
    (root / "corpus" / f"{doc_id}.txt").write_bytes(text.encode("utf-8"))
    meta = {
        "schema_version": "1.0.0",
        "id": doc_id,
        "language": language,
        "date": "2024-01-12",
        "title": text.split("\n")[0][:80],
        "authors": ["A. Writer"],
        "topic": "test",
        "source": "unknown",
        "url": "unknown",
        "license": license,
        "text_sha256": sha,
        "source_sha256": sha,
    }
    if split:
        meta["split"] = split
    (root / "corpus" / f"{doc_id}.meta.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    ann = {
        "schema_version": "1.0.0",
        "document_id": doc_id,
        "text_sha256": sha,
        "annotators": ["test"],
        "guidelines_version": "1.0.0",
        "status": status,
        "sections": [],
        "entities": [],
        "claims": [],
    }
    for i, (label, quote, *occ) in enumerate(sections, 1):
        s, e = _span(text, quote, *occ)
        ann["sections"].append({"id": f"s{i}", "label": label, "start": s, "end": e, "text": quote})
    ann["sections"].sort(key=lambda x: x["start"])
    for i, (label, quote, *occ) in enumerate(entities, 1):
        s, e = _span(text, quote, *occ)
        ann["entities"].append({"id": f"e{i}", "label": label, "start": s, "end": e, "text": quote})
    for i, (quote, *occ) in enumerate(claims, 1):
        s, e = _span(text, quote, *occ)
        ann["claims"].append(
            {
                "id": f"c{i}",
                "start": s,
                "end": e,
                "text": quote,
                "attribution": {"type": "journalist"},
                "checkworthy": True,
            }
        )
    if annotated:
        write_annotation(root, ann)
    return ann


def write_annotation(root: Path, ann: dict) -> None:
    (root / "annotations").mkdir(parents=True, exist_ok=True)
    (root / "annotations" / f"{ann['document_id']}.json").write_text(
        json.dumps(ann, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


ZH_TEXT = "美国国务卿布林肯在华盛顿会见了刘建超。\n\n双方讨论了中美关系。\n"


def multi_root(dst: Path) -> Path:
    """The valid fixture root plus: a Chinese document, one pinned to the test split, a draft, and
    a text without annotations."""
    shutil.copytree(FIXTURES / "valid", dst, symlinks=True)
    add_document(
        dst,
        "zh-talks",
        ZH_TEXT,
        language="zh-Hans",
        status="complete",
        sections=[("paragraph", "美国国务卿布林肯在华盛顿会见了刘建超。"), ("paragraph", "双方讨论了中美关系。")],
        entities=[
            ("GPE", "美国"),
            ("PERSON", "布林肯"),
            ("GPE", "华盛顿"),
            ("PERSON", "刘建超"),
            ("GPE", "中"),
            ("GPE", "美", 1),
        ],
        claims=[("美国国务卿布林肯在华盛顿会见了刘建超",)],
    )
    text = "The U.S.-China talks resumed in Beijing on Monday, officials said.\n"
    add_document(
        dst,
        "pinned-test",
        text,
        status="complete",
        split="test",
        sections=[("paragraph", text.strip())],
        entities=[("GPE", "U.S."), ("GPE", "China"), ("GPE", "Beijing"), ("DATE", "Monday")],
        claims=[("The U.S.-China talks resumed in Beijing on Monday",)],
    )
    text = "A draft about Taiwan.\n"
    add_document(
        dst, "a-draft", text, status="draft", sections=[("paragraph", text.strip())], entities=[("GPE", "Taiwan")]
    )
    add_document(dst, "no-layer", "A text nobody has annotated yet.\n", annotated=False)
    return dst
