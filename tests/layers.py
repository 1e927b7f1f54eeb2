"""Small annotation layers written by hand for the agreement, adjudication and statistics tests,
and ``newsspan(*args)``, the command line run in-process.

Spans are given by their quote (and which occurrence of it), so the offsets in a test are the
text's own; every layer is checked to be valid by the tests that use it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
from pathlib import Path

from newsspan.cli import main

from conftest import FIXTURES, NOWHERE


def newsspan(*args, cwd=None) -> tuple[int, str, str]:
    """`newsspan ARGS` run in-process from cwd (default: a folder outside any corpus, so that a
    command that forgot its --root fails): (exit code, stdout, stderr)."""
    out, err, here = io.StringIO(), io.StringIO(), os.getcwd()
    os.chdir(cwd or NOWHERE)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main([str(a) for a in args])
            except SystemExit as e:  # argparse: --help and usage errors
                code = e.code if isinstance(e.code, int) else 2
    finally:
        os.chdir(here)
    return code, out.getvalue(), err.getvalue()


TINY = (FIXTURES / "valid" / "corpus" / "tiny.txt").read_text(encoding="utf-8")
# "Antony Blinken met Liu Jianchao in Washington, DC on Friday.\n\nOfficials said the talks were useful.\n"
TAIWAN = "Taiwan votes on Saturday.\n\nChina warned Taiwan.\n"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def at(text: str, quote: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    return start, start + len(quote)


def bare(text: str, quote: str, occurrence: int = 0) -> dict:
    s, e = at(text, quote, occurrence)
    return {"start": s, "end": e, "text": quote}


def layer(doc_id: str, text: str, sections=(), entities=(), claims=(), status="complete", annotator="someone") -> dict:
    """An annotation layer: sections and entities as (label, quote[, occurrence]), claims as
    (quote, attribution type, checkworthy[, attribution extras]); ids s1.., e1.., c1.. in the order given."""

    def spans(prefix, items):
        out = []
        for k, item in enumerate(items, 1):
            label, quote, *occ = item
            s, e = at(text, quote, *occ)
            out.append({"id": f"{prefix}{k}", "label": label, "start": s, "end": e, "text": quote})
        return out

    cl = []
    for k, (quote, kind, checkworthy, *extra) in enumerate(claims, 1):
        s, e = at(text, quote)
        attribution = {"type": kind, **(extra[0] if extra else {})}
        cl.append(
            {"id": f"c{k}", "start": s, "end": e, "text": quote, "checkworthy": checkworthy, "attribution": attribution}
        )
    return {
        "schema_version": "1.0.0",
        "document_id": doc_id,
        "text_sha256": sha(text),
        "annotators": [annotator],
        "guidelines_version": "1.0.0",
        "status": status,
        "sections": spans("s", sections),
        "entities": spans("e", entities),
        "claims": cl,
    }


# Two annotators of TINY and TAIWAN (the agreement tests work out their figures by hand).
ALICE = {
    "tiny": layer(
        "tiny",
        TINY,
        annotator="alice",
        sections=[
            ("headline", "Antony Blinken met Liu Jianchao in Washington, DC on Friday."),
            ("paragraph", "Officials said the talks were useful."),
        ],
        entities=[
            ("PERSON", "Antony Blinken"),
            ("PERSON", "Liu Jianchao"),
            ("GPE", "Washington, DC"),
            ("DATE", "Friday"),
        ],
        claims=[
            ("Antony Blinken met Liu Jianchao in Washington, DC on Friday", "journalist", True),
            (
                "the talks were useful",
                "source",
                False,
                {"source_span": bare(TINY, "Officials"), "cue": bare(TINY, "said")},
            ),
        ],
    ),
    "taiwan": layer(
        "taiwan",
        TAIWAN,
        annotator="alice",
        sections=[("headline", "Taiwan votes on Saturday."), ("paragraph", "China warned Taiwan.")],
        entities=[("GPE", "Taiwan"), ("DATE", "Saturday"), ("GPE", "China"), ("GPE", "Taiwan", 1)],
        claims=[("China warned Taiwan", "journalist", True)],
    ),
}
BOB = {
    "tiny": layer(
        "tiny",
        TINY,
        annotator="bob",
        sections=[
            ("headline", "Antony Blinken met Liu Jianchao in Washington, DC on Friday."),
            ("quote", "Officials said the talks were useful."),
        ],
        entities=[
            ("PERSON", "Antony Blinken"),  # exact
            ("PERSON", "Jianchao"),  # overlaps "Liu Jianchao": a boundary disagreement
            ("ORG", "Washington"),  # overlaps GPE "Washington, DC": a label disagreement
            ("DATE", "on Friday"),  # overlaps "Friday": a boundary disagreement
            ("NORP", "Officials"),
        ],  # extra
        claims=[
            ("Antony Blinken met Liu Jianchao in Washington, DC on Friday", "journalist", False),
            ("Officials said the talks were useful", "journalist", False),
        ],
    ),
    "taiwan": layer(
        "taiwan",
        TAIWAN,
        annotator="bob",
        sections=[
            ("headline", "Taiwan votes on Saturday."),
            ("paragraph", "China warned Taiwan"),
        ],  # the full stop left in no section
        entities=[("GPE", "Taiwan"), ("DATE", "Saturday"), ("GPE", "China")],  # the second Taiwan missed
        claims=[],
    ),
}


def meta(doc_id: str, text: str, **extra) -> dict:
    m = {
        "schema_version": "1.0.0",
        "id": doc_id,
        "language": "en",
        "date": "2024-01-12",
        "title": text.split("\n")[0],
        "authors": ["A. Writer"],
        "topic": "China",
        "source": "unknown",
        "url": "unknown",
        "license": "CC0-1.0",
        "text_sha256": sha(text),
        "source_sha256": sha(text),
    }
    m.update(extra)
    return m


def dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def make_root(base: Path, texts: dict[str, str], layers: dict[tuple[str | None, str], dict], metas=None) -> Path:
    """A corpus root with texts {id: text} and layers {(annotator or None, id): layer}."""
    root = base / "root"
    (root / "corpus").mkdir(parents=True)
    (root / "annotations").mkdir()
    for doc_id, text in texts.items():
        (root / "corpus" / f"{doc_id}.txt").write_text(text, encoding="utf-8", newline="\n")
        (root / "corpus" / f"{doc_id}.meta.json").write_text(
            dump((metas or {}).get(doc_id) or meta(doc_id, text)), encoding="utf-8"
        )
    for (annotator, doc_id), value in layers.items():
        folder = root / "annotations" if annotator is None else root / "annotations" / "annotators" / annotator
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{doc_id}.json").write_text(dump(value), encoding="utf-8")
    return root


def copy_root(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst
