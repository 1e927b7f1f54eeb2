"""Lines of JSONL and brat .ann files end at "\\n" (or "\\r\\n") only.

str.splitlines() also ends lines at U+2028, U+2029, U+0085, U+000B, U+000C and U+001C..U+001E.
An article may hold any of them, and JSON (ensure_ascii=False) and .ann quotes carry them raw,
so a reader that split on them misparsed its own exports. Each format exports a document whose
text holds every one of them, and importing the export back reproduces every span.
"""

import json
import shutil

import pytest

from contrib_helpers import cli_ok, load, new_root, validate_ok

SEPARATORS = ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e"]
TEXT = (
    "Storm\u2028Warning\n\n"
    "Angela Merkel met Emmanuel Macron in Berlin\u2029on Monday.\x0bParis\x0cand Rome\x1cagreed\x1dwith Madrid"
    "\x1eyesterday.\x85Officials said\u2028the talks went well.\n"
)
DOC = "separators"


def span(quote, after=0, **fields):
    start = TEXT.index(quote, after)
    return {**fields, "start": start, "end": start + len(quote), "text": quote}


def annotation(meta):
    body_start = TEXT.index("Angela")
    entities = [
        span(q, label=lab)
        for q, lab in [
            ("Angela Merkel", "PERSON"),
            ("Emmanuel Macron", "PERSON"),
            ("Berlin", "GPE"),
            ("Monday", "DATE"),
            ("Paris", "GPE"),
            ("Rome", "GPE"),
            ("Madrid", "GPE"),
            ("yesterday", "DATE"),
        ]
    ]
    claims = [
        span(
            "Angela Merkel met Emmanuel Macron in Berlin\u2029on Monday.",
            attribution={"type": "journalist"},
            checkworthy=True,
        ),
        span(
            "the talks went well",
            attribution={"type": "source", "source_span": span("Officials"), "cue": span("said")},
            checkworthy=False,
        ),
    ]
    return {
        "schema_version": "1.0.0",
        "document_id": DOC,
        "text_sha256": meta["text_sha256"],
        "annotators": ["tester"],
        "guidelines_version": "1.0.0",
        "status": "complete",
        "sections": [
            {"id": "s1", **span("Storm\u2028Warning", label="headline")},
            {"id": "s2", **span(TEXT[body_start:].rstrip("\n"), label="paragraph")},
        ],
        "entities": [{"id": f"e{i}", **e} for i, e in enumerate(entities, 1)],
        "claims": [{"id": f"c{i}", **c} for i, c in enumerate(claims, 1)],
    }


@pytest.fixture
def separator_root(tmp_path):
    """A root whose one document holds every separator, added and annotated as a contributor would."""
    assert all(ch in TEXT for ch in SEPARATORS)
    root = new_root(tmp_path, "source")
    src = tmp_path / f"{DOC}.txt"
    src.write_bytes(TEXT.encode("utf-8"))
    cli_ok("add", "--root", root, src, "--language", "en")
    assert (root / f"corpus/{DOC}.txt").read_text(encoding="utf-8") == TEXT
    meta = load(root / f"corpus/{DOC}.meta.json")
    (root / f"annotations/{DOC}.json").write_text(
        json.dumps(annotation(meta), ensure_ascii=False, indent=2), encoding="utf-8"
    )
    validate_ok(root)
    return root


def corpus_only(tmp_path, source):
    """A root holding the document's text and metadata, no annotation: where an import lands."""
    root = new_root(tmp_path, "back")
    for name in (f"{DOC}.txt", f"{DOC}.meta.json"):
        shutil.copy(source / "corpus" / name, root / "corpus")
    return root


def spans_of(ann, layer):
    return sorted((x.get("label"), x["start"], x["end"], x["text"]) for x in ann[layer])


def test_lines_end_at_line_feeds_only():
    from newsspan.formats import lines

    assert lines("a\u2028b\x85c\r\nd\x0be\n\nf") == ["a\u2028b\x85c", "d\x0be", "", "f"]
    assert lines("one\n") == ["one"] and lines("") == [] and lines("\n") == [""]


def test_brat_export_then_import_reproduces_every_span(separator_root, tmp_path):
    out = tmp_path / "brat"
    cli_ok("export", "brat", "--root", separator_root, "--out", out)
    back = corpus_only(tmp_path, separator_root)
    res = cli_ok("import", "brat", out, "--root", back)
    assert "warning" not in res.stderr
    gold, got = load(separator_root / f"annotations/{DOC}.json"), load(back / f"annotations/{DOC}.json")
    for layer in ("sections", "entities"):
        assert spans_of(got, layer) == spans_of(gold, layer)
    assert [(c["text"], c["attribution"]) for c in got["claims"]] == [
        (c["text"], c["attribution"]) for c in gold["claims"]
    ]
    validate_ok(back)


def test_prodigy_export_then_import_reproduces_every_span(separator_root, tmp_path):
    out = tmp_path / "p.jsonl"
    cli_ok("export", "prodigy", "--root", separator_root, "--out", out)
    assert "\u2028" in out.read_text(encoding="utf-8")  # written raw, as Prodigy writes it
    back = corpus_only(tmp_path, separator_root)
    cli_ok("import", "prodigy", out, "--root", back)
    gold = load(separator_root / f"annotations/{DOC}.json")
    assert spans_of(load(back / f"annotations/{DOC}.json"), "entities") == spans_of(gold, "entities")


def test_labelstudio_export_then_import_reproduces_every_span(separator_root, tmp_path):
    out = tmp_path / "ls.json"
    cli_ok("export", "labelstudio", "--root", separator_root, "--out", out)
    tasks = json.loads(out.read_text(encoding="utf-8"))
    for (
        task
    ) in tasks:  # an annotator accepts the pre-annotations in Label Studio, which then exports them as annotations
        task["annotations"] = [{"id": 1, "completed_by": 1, "result": task.pop("predictions")[0]["result"]}]
    out.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    back = corpus_only(tmp_path, separator_root)
    cli_ok("import", "labelstudio", out, "--root", back)
    gold = load(separator_root / f"annotations/{DOC}.json")
    assert spans_of(load(back / f"annotations/{DOC}.json"), "entities") == spans_of(gold, "entities")


def test_doccano_import_of_a_jsonl_export_holding_every_separator(separator_root, tmp_path):
    gold = load(separator_root / f"annotations/{DOC}.json")
    records = [
        {"id": 1, "text": TEXT, "label": [[e["start"], e["end"], e["label"]] for e in gold["entities"]]},
        {"id": 2, "text": "Lagos is in Nigeria.", "label": [[0, 5, "GPE"], [12, 19, "GPE"]]},
    ]
    path = tmp_path / "doccano.jsonl"  # as doccano writes it: one record per line, non-ASCII raw
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    back = corpus_only(tmp_path, separator_root)
    cli_ok("import", "doccano", path, "--root", back, "--language", "en")
    assert spans_of(load(back / f"annotations/{DOC}.json"), "entities") == spans_of(gold, "entities")
    validate_ok(back)
