"""A synthetic corpus root holding one valid document with a given number of spans.

    python bench/synth.py OUT_DIR --spans 100000

Used by the memory test (tests/test_validate.py) and bench/spans_linear.py. The text is lines
of 20 words; each line is a section and a claim, each word an entity mention, so the
number of spans grows with the text and every span is valid.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

WORDS_PER_LINE = 20


def make_root(out: Path, spans: int, doc_id: str = "synthetic") -> Path:
    """Write OUT/corpus and OUT/annotations for one document with about `spans` spans."""
    words = max(WORDS_PER_LINE, round(spans / (1 + 2 / WORDS_PER_LINE)))
    words -= words % WORDS_PER_LINE
    parts, sections, entities, claims = [], [], [], []
    pos = 0
    for i in range(words):
        if i % WORDS_PER_LINE == 0:
            line_start = pos
        w = f"Word{i}"
        entities.append({"id": f"e{i}", "label": "PERSON", "start": pos, "end": pos + len(w), "text": w})
        parts.append(w)
        pos += len(w)
        if i % WORDS_PER_LINE == WORDS_PER_LINE - 1:
            n = i // WORDS_PER_LINE
            line = "".join(parts[-WORDS_PER_LINE:])
            sections.append({"id": f"s{n}", "label": "paragraph", "start": line_start, "end": pos, "text": line})
            claims.append(
                {
                    "id": f"c{n}",
                    "start": line_start,
                    "end": pos,
                    "text": line,
                    "attribution": {"type": "journalist"},
                    "checkworthy": False,
                }
            )
            parts[-1] += "\n"
        else:
            parts[-1] += " "
        pos += 1
    text = "".join(parts)
    assert len(text) == pos
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    meta = {
        "schema_version": "1.0.0",
        "id": doc_id,
        "language": "en",
        "date": "2024-01-01",
        "title": "A synthetic document",
        "authors": ["bench"],
        "topic": "bench",
        "source": "unknown",
        "url": "unknown",
        "license": "CC0-1.0",
        "text_sha256": sha,
        "source_sha256": sha,
    }
    ann = {
        "schema_version": "1.0.0",
        "document_id": doc_id,
        "text_sha256": sha,
        "annotators": ["bench"],
        "guidelines_version": "1.0.0",
        "status": "complete",
        "sections": sections,
        "entities": entities,
        "claims": claims,
    }
    (out / "corpus").mkdir(parents=True, exist_ok=True)
    (out / "annotations").mkdir(parents=True, exist_ok=True)
    (out / "corpus" / f"{doc_id}.txt").write_text(text, encoding="utf-8", newline="\n")
    (out / "corpus" / f"{doc_id}.meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    (out / "annotations" / f"{doc_id}.json").write_text(json.dumps(ann, indent=1) + "\n", encoding="utf-8")
    return out / "annotations" / f"{doc_id}.json"


def span_count(path: Path) -> int:
    a = json.loads(Path(path).read_text(encoding="utf-8"))
    return sum(len(a[k]) for k in ("sections", "entities", "claims"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--spans", type=int, default=100_000)
    args = ap.parse_args()
    path = make_root(args.out, args.spans)
    print(f"{path}: {span_count(path)} spans, {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
