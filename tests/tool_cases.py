"""The readers of newsspan.formats on exports of each tool: one table of cases, run by each test_import_<format>.py.

A case names an export (a file under tests/fixtures/, or one written by the case), what the reader is given
(the offset unit, the layer options) and what it must find: every span as (tool label, start, end, text),
the errors and warnings (a fragment each, found in one problem; no other problem allowed), or the
FormatError it raises. The expectations come from the exports themselves (offsets counted by hand in the
texts, which the readers then return), not from the readers' output.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from newsspan.cli import main
from newsspan.formats import FormatError, Parsed, importers

from conftest import FIXTURES, REPO

TOOLS, FORMATS = FIXTURES / "tools", FIXTURES / "formats"
EMOJI = "👨🏻\u200d🚒 firemen drive firetrucks in Springfield."  # firetrucks: code points 19-29, UTF-16 22-32
TSV_HEAD = "#FORMAT=WebAnno TSV 3.3\n#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|value\n\n\n"
ROME = "#Text=Rome wins again.\n1-1\t0-4\tRome\tGPE\n1-2\t5-9\twins\t_\n1-3\t10-15\tagain\t_\n1-4\t15-16\t.\t_\n"


def written(name: str, content: str | bytes, **more: str | bytes) -> Callable[[Path], Path]:
    """An export the case writes: one file, or (with more files) the folder holding them all."""

    def make(tmp: Path) -> Path:
        folder = tmp / "export"
        folder.mkdir(exist_ok=True)
        for n, c in {name: content, **more}.items():
            (folder / n).write_bytes(c if isinstance(c, bytes) else c.encode("utf-8"))
        return folder if more or name.endswith((".txt", ".ann")) else folder / name

    return make


def jsonl(*records) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def ls_task(text: str, *results, tid=1, aid=2, who=1) -> str:
    """A Label Studio export of one task with one annotation: results (id, start, end, text, label)."""
    result = [
        {"id": rid, "type": "labels", "value": {"start": s, "end": e, "text": q, "labels": [lab]}}
        for rid, s, e, q, lab in results
    ]
    return json.dumps(
        [{"id": tid, "data": {"text": text}, "annotations": [{"id": aid, "completed_by": who, "result": result}]}]
    )


@dataclass
class Case:
    fmt: str
    export: str | Callable[[Path], Path]  # a path under tests/fixtures/, or a function writing the export
    spans: list | None = None  # (label, start, end, text) of every span of every document, in reading order
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    raises: str | None = None  # a FormatError's message (a fragment)
    unit: str | None = None
    options: dict = field(default_factory=dict)


def read(case: Case, tmp: Path) -> Parsed:
    path = FIXTURES / case.export if isinstance(case.export, str) else case.export(tmp)
    return importers()[case.fmt](path, case.unit, **case.options)


def check(case: Case, tmp: Path) -> Parsed:
    """Read the case's export and assert what it must find."""
    if case.raises:
        with pytest.raises(FormatError, match=case.raises):
            read(case, tmp)
        return Parsed()
    parsed = read(case, tmp)
    for kind, want in (("errors", case.errors), ("warnings", case.warnings)):
        told = [str(p) for p in getattr(parsed, kind)]
        assert len(told) == len(want), (kind, told)
        for fragment in want:
            assert any(fragment in p for p in told), (fragment, told)
    if case.spans is not None:
        assert [(s.label, s.start, s.end, d.text[s.start : s.end]) for d in parsed.docs for s in d.spans] == case.spans
    return parsed


def ids(fmt: str) -> list[str]:
    return [name for f, name in CASES if f == fmt]


def newsspan(*args) -> tuple[int, str, str]:
    """`newsspan ARGS` in-process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as e:  # argparse: --help, a usage error
            code = e.code if isinstance(e.code, int) else 1
    assert "Traceback" not in out.getvalue() + err.getvalue()
    return code, out.getvalue(), err.getvalue()


def new_root(tmp: Path, name: str = "root") -> Path:
    for sub in ("corpus", "annotations"):
        (tmp / name / sub).mkdir(parents=True)
    return tmp / name


def entities(root: Path, doc_id: str) -> list[tuple]:
    data = json.loads((root / f"annotations/{doc_id}.json").read_text(encoding="utf-8"))
    return [(e["label"], e["start"], e["end"], e["text"]) for e in data["entities"]]


def valid(root: Path) -> bool:
    return newsspan("validate", "--root", root)[0] == 0


def files_of(root: Path) -> dict:
    """Every file under root with its bytes: what an import that fails must leave as it was."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".newsspan.lock"
    }


# the cases --------------------------------------------------------------------------------------------------

# what the brat tutorial document (../shared/samples/brat) holds that newsspan does not import, a warning each
BRAT_SAMPLE_UNREAD = (
    "event E1",
    "relation R1 Family",
    "relation R2 Origin",
    "attribute A5 Confidence",
    "normalisation N1",
    "note #1",
)

BRAT_NEWS = [  # tests/fixtures/tools/brat/news.txt: "Acme Bank paid $2 million to Maria Lopez, a former Chilean minister, in Geneva."
    ("Organization", 0, 9, "Acme Bank"),
    ("Money", 15, 25, "$2 million"),
    ("Person", 29, 40, "Maria Lopez"),
    ("Person", 42, 67, "a former Chilean minister"),
    ("GPE", 72, 78, "Geneva"),
]
TOKENS = [
    {"text": "Rome", "start": 0, "end": 4, "id": 0},
    {"text": "wins", "start": 5, "end": 9, "id": 1},
    {"text": "again", "start": 10, "end": 15, "id": 2},
    {"text": ".", "start": 15, "end": 16, "id": 3},
]
ROME_TEXT = "Rome wins again."


def prodigy(span, tokens=None) -> Callable[[Path], Path]:
    return written("export.jsonl", jsonl({"text": ROME_TEXT, "spans": [span], "answer": "accept", "tokens": tokens}))


def doccano(*labels) -> Callable[[Path], Path]:
    return written("export.jsonl", jsonl({"text": ROME_TEXT, "label": list(labels)}))


CASES: dict[tuple[str, str], Case] = {
    # the hand-written export of each tool, as it is
    ("brat", "fixture"): Case(
        "brat",
        "tools/brat",
        BRAT_NEWS,
        warnings=(
            "event E1 Transfer-money:T6 is not imported (its trigger T6 neither)",
            "relation R1 Alias (T3 -> T4)",
            "attribute A1 Confidence of E1",
            "normalisation N1 Wikipedia:Geneva of T5",
            "note #1 on T1",
        ),
    ),
    ("labelstudio", "fixture"): Case(
        "labelstudio", "tools/labelstudio/tasks.json", [("Location", 17, 23, "Lisbon"), ("Date", 27, 34, "March 3")]
    ),
    ("doccano", "fixture"): Case(
        "doccano",
        "tools/doccano/sequence_labeling.jsonl",
        [("ORG", 0, 2, "EU"), ("MISC", 11, 17, "Danish"), ("MISC", 30, 35, "Irish"), ("PERSON", 8, 14, "Okafor")],
    ),
    ("doccano", "relations"): Case(
        "doccano",
        "tools/doccano/relation_extraction.jsonl",
        [
            ("ORG", 0, 8, "Nordwind"),
            ("GPE", 24, 30, "Bergen"),
            ("DATE", 34, 45, "May 2, 2001"),
            ("PERSON", 49, 57, "Ola Berg"),
        ],
        warnings=("relations[0]: relation 'based_in' (1 -> 2) is not imported", "relations[1]: relation 'founded'"),
    ),
    # every shape of export a tool wrote and is still in use
    ("doccano", "1.x: the text under data"): Case(
        "doccano",
        "tools/doccano/v1_data.jsonl",  # UTF-16 offsets: the emoji before "Monday" counts two
        [
            ("ORG", 0, 8, "Nordwind"),
            ("GPE", 29, 35, "Tromsø"),
            ("DATE", 41, 47, "Monday"),
            ("PERSON", 0, 8, "Ola Berg"),
            ("ORG", 14, 22, "Nordwind"),
        ],
    ),
    ("doccano", "1.0: labels"): Case(
        "doccano", written("e.jsonl", jsonl({"text": ROME_TEXT, "labels": [[0, 4, "GPE"]]})), [("GPE", 0, 4, "Rome")]
    ),
    ("doccano", "label ids"): Case(
        "doccano",
        written(
            "e.json",
            jsonl({"id": 1, "text": ROME_TEXT, "annotations": [{"label": 3, "start_offset": 0, "end_offset": 4}]}),
        ),
        raises="e.json:1: `annotations` names each label by its numeric id, not its name .* export the project again as JSONL",
    ),
    ("doccano", "annotations with label names"): Case(
        "doccano",
        written(
            "e.jsonl", jsonl({"text": ROME_TEXT, "annotations": [{"label": "GPE", "start_offset": 0, "end_offset": 4}]})
        ),
        [("GPE", 0, 4, "Rome")],
    ),
    ("labelstudio", "0.x completions"): Case(
        "labelstudio",
        "tools/labelstudio/completions_0x.json",
        [("Location", 13, 18, "Porto"), ("Person", 20, 31, "Rui Moreira"), ("Date", 42, 48, "Friday")],
    ),
    ("labelstudio", "JSON-MIN"): Case(
        "labelstudio",
        "tools/labelstudio/json_min.json",
        raises="each with a `data` object \\(this is a JSON-MIN export, flattened without `data` and `annotations`: "
        "export the project as JSON\\)",
    ),
    ("prodigy", "without tokens"): Case(
        "prodigy", "tools/prodigy/no_tokens.jsonl", [("ORG", 0, 6, "Velora"), ("GPE", 25, 30, "Milan")]
    ),
    ("prodigy", "text that disagrees with the offsets"): Case(
        "prodigy",
        prodigy({"start": 5, "end": 9, "text": "Rome", "label": "GPE"}),
        [("GPE", 0, 4, "Rome")],  # an error, kept at its one nearby quote for --fix-shifts
        errors=(
            "export.jsonl:1 spans[0]: GPE [5, 9): the tool's text 'Rome' differs from the text there, 'wins'; "
            "the quote occurs at [0, 4)",
        ),
    ),
    ("prodigy", "text that disagrees with the tokens"): Case(
        "prodigy",
        prodigy({"token_start": 1, "token_end": 1, "text": "Rome", "label": "GPE"}, TOKENS),
        [("GPE", 0, 4, "Rome")],  # an error, kept at its one nearby quote for --fix-shifts
        errors=("export.jsonl:1 spans[0]: GPE [5, 9): the tool's text 'Rome' differs from the text there, 'wins'",),
    ),
    ("conllu", "BIO tags under another MISC key"): Case(
        "conllu",
        written("name.conllu", (FORMATS / "conllu/bio.conllu").read_text(encoding="utf-8").replace("NER=", "name=")),
        [],
        errors=(
            "name.conllu: no entity mention found (CorefUD Entity= brackets); found BIO tags under the MISC key 'name'"
            "\n    fix: pass --ner-key name",
        ),
    ),
    ("conllu", "BIO tags under another MISC key than --ner-key"): Case(
        "conllu",
        written("ne.conllu", (FORMATS / "conllu/bio.conllu").read_text(encoding="utf-8").replace("NER=", "NE=")),
        [],
        errors=("no entity mention found (BIO tags under the MISC key 'NER'); found BIO tags under the MISC key 'NE'",),
        options={"ner_key": "NER"},
    ),
    ("prodigy", "fixture"): Case(
        "prodigy", "tools/prodigy/ner_manual.jsonl", [("FASHION_BRAND", 10, 16, "Velora"), ("GPE", 32, 37, "Milan")]
    ),
    ("conllu", "bio"): Case(
        "conllu",
        "formats/conllu/bio.conllu",
        [
            ("PER", 0, 13, "Angela Merkel"),
            ("LOC", 22, 27, "Paris"),
            ("ORG", 33, 42, "Bundestag"),
            ("LOC", 50, 56, "Berlin"),
        ],
        options={"ner_key": "NER"},
    ),
    # the export in the tool's other offset unit
    ("doccano", "utf16 by default"): Case(
        "doccano", written("e.jsonl", jsonl({"text": EMOJI, "label": [[22, 32, "P"]]})), [("P", 19, 29, "firetrucks")]
    ),
    ("doccano", "graphemes on request"): Case(
        "doccano",
        written("e.jsonl", jsonl({"text": EMOJI, "label": [[16, 26, "P"]]})),
        [("P", 19, 29, "firetrucks")],
        unit="grapheme",
    ),
    ("brat", "utf16 on request"): Case(
        "brat",
        written("e.txt", EMOJI, **{"e.ann": "T1\tP 22 32\tfiretrucks\n"}),
        [("P", 19, 29, "firetrucks")],
        unit="utf16",
    ),
    ("labelstudio", "utf16 found by the quotes"): Case(
        "labelstudio",
        written("ls.json", ls_task(EMOJI, ("r1", 22, 32, "firetrucks", "P"), ("r2", 36, 47, "Springfield", "G"))),
        [("P", 19, 29, "firetrucks"), ("G", 33, 44, "Springfield")],
    ),
    ("webanno", "utf16 always"): Case(
        "webanno",
        written("e.tsv", TSV_HEAD + "#Text=🎉 Rome\n1-1\t0-2\t🎉\t_\n1-2\t3-7\tRome\tGPE\n"),
        [("GPE", 2, 6, "Rome")],
    ),
    # an offset inside a character of the unit, or past the text
    ("doccano", "inside a surrogate pair"): Case(
        "doccano",
        written("e.jsonl", jsonl({"text": EMOJI, "label": [[1, 5, "P"]]})),
        [],
        errors=("e.jsonl:1 label[0]: P [1, 5): UTF-16 offset 1 falls inside a surrogate pair",),
    ),
    ("brat", "past the text"): Case(
        "brat",
        written("d.txt", "Rome.", **{"d.ann": "T1\tGPE 0 9\tRome.\n"}),
        [],
        errors=("d.ann:1 (T1 GPE): T1 [0, 9): offset 9 is outside the text",),
    ),
    ("webanno", "inside a surrogate pair"): Case(
        "webanno",
        written("e.tsv", TSV_HEAD + "#Text=🎉 Rome\n1-1\t0-2\t🎉\t_\n1-2\t1-7\tRome\tGPE\n"),
        None,
        errors=("e.tsv:7: token 1-2 [1, 7): UTF-16 offset 1 falls inside a surrogate pair",),
    ),
    # every offset is a whole number >= 0 (JSON true is a Python int; it once became offset 1)
    ("doccano", "end true"): Case("doccano", doccano([0, True, "GPE"]), [], errors=("label[0]: GPE: end is true",)),
    ("doccano", "start false"): Case(
        "doccano", doccano([False, 4, "GPE"]), [], errors=("label[0]: GPE: start is false",)
    ),
    ("doccano", "float"): Case("doccano", doccano([0, 4.0, "GPE"]), [], errors=("label[0]: GPE: end is 4.0",)),
    ("doccano", "string"): Case("doccano", doccano(["0", 4, "GPE"]), [], errors=('label[0]: GPE: start is "0"',)),
    ("doccano", "negative"): Case("doccano", doccano([-1, 4, "GPE"]), [], errors=("label[0]: GPE: start is -1",)),
    ("doccano", "entities end true"): Case(
        "doccano",
        written(
            "e.jsonl", jsonl({"text": ROME_TEXT, "entities": [{"start_offset": 0, "end_offset": True, "label": "GPE"}]})
        ),
        [],
        errors=("entities[0]: GPE: end_offset is true",),
    ),
    ("prodigy", "end true"): Case(
        "prodigy", prodigy({"start": 0, "end": True, "label": "GPE"}), [], errors=("spans[0]: GPE: end is true",)
    ),
    ("prodigy", "negative token index"): Case(
        "prodigy",
        prodigy({"token_start": 0, "token_end": -4, "label": "GPE"}, TOKENS),
        [],
        errors=("spans[0]: GPE: token_end is -4",),
    ),
    ("prodigy", "token index true"): Case(
        "prodigy",
        prodigy({"token_start": True, "token_end": 0, "label": "GPE"}, TOKENS),
        [],
        errors=("spans[0]: GPE: token_start is true",),
    ),
    ("prodigy", "token offset float"): Case(
        "prodigy",
        prodigy({"token_start": 0, "token_end": 0, "label": "GPE"}, [{**TOKENS[0], "end": 4.0}, *TOKENS[1:]]),
        [],
        errors=("spans[0]: GPE: tokens[0].end is 4.0",),
    ),
    ("prodigy", "token indices"): Case(
        "prodigy", prodigy({"token_start": 0, "token_end": 2, "label": "X"}, TOKENS), [("X", 0, 15, "Rome wins again")]
    ),
    ("labelstudio", "end true"): Case(
        "labelstudio",
        written("ls.json", ls_task(ROME_TEXT, ("r1", 0, True, "R", "GPE"))),
        [],
        errors=("result r1: value.end is true",),
    ),
    ("labelstudio", "start float"): Case(
        "labelstudio",
        written("ls.json", ls_task(ROME_TEXT, ("r1", 0.0, 4, "Rome", "GPE"))),
        [],
        errors=("result r1: value.start is 0.0",),
    ),
    # digits are ASCII digits (Python's \d and int() take any script's: '٤' would be 4)
    ("brat", "arabic-indic digit"): Case(
        "brat",
        written("d.txt", ROME_TEXT, **{"d.ann": "T1\tGPE 0 \u0664\tRome\n"}),
        [],
        errors=("d.ann:1: malformed text-bound line",),
    ),
    ("webanno", "arabic-indic digit"): Case(
        "webanno",
        written("d.tsv", TSV_HEAD + ROME.replace("5-9", "5-\u0669")),
        None,
        errors=("d.tsv:7: expected a token row",),
    ),
    ("webanno", "ascii digits"): Case("webanno", written("d.tsv", TSV_HEAD + ROME), [("GPE", 0, 4, "Rome")]),
    # what the tool's copy of a span's text says
    ("brat", "quote elsewhere"): Case(
        "brat",
        written("d.txt", "Paris is in France.\n", **{"d.ann": "T1\tGPE 1 6\tParis\n"}),
        [("GPE", 0, 5, "Paris")],  # placed on its one nearby quote, and an error unless `import --fix-shifts`
        errors=(
            "d.ann:1 (T1 GPE): T1 [1, 6): the tool's text 'Paris' differs from the text there, 'aris '; the quote occurs at [0, 5)",
        ),
    ),
    ("brat", "a line break quoted as a space"): Case(
        "brat", written("d.txt", "New\nYork", **{"d.ann": "T1\tGPE 0 8\tNew York\n"}), [("GPE", 0, 8, "New\nYork")]
    ),
    ("webanno", "token not at its offsets"): Case(
        "webanno",
        written("d.tsv", TSV_HEAD + ROME.replace("5-9\twins", "6-10\twins")),
        None,
        errors=("d.tsv:7: token 1-2 'wins' at UTF-16 [6, 10) differs from the text there, 'ins '",),
    ),
    ("conllu", "token not in its text"): Case(
        "conllu",
        written(
            "bad.conllu",
            (FORMATS / "conllu/bio.conllu")
            .read_text(encoding="utf-8")
            .replace("# text = Angela Merkel", "# text = Angela Merkl"),
        ),
        [],  # nothing of a document with an error
        errors=(
            "bad.conllu:4: the token 'Merkel' is not where the sentence's `# text` continues (at 7: 'Merkl visited Pa')",
        ),
        options={"ner_key": "NER"},
    ),
    # bytes that are not UTF-8: told at the export file, line and column
    ("brat", "not utf-8"): Case(
        "brat", written("d.txt", "Chil\xe9an".encode("latin-1"), **{"d.ann": ""}), [], errors=("d.txt:1:5: ",)
    ),
    ("webanno", "not utf-8"): Case(
        "webanno",
        written("d.tsv", (TSV_HEAD + ROME).encode().replace(b"wins", b"w\xefns")),
        [],
        errors=("d.tsv:5:13: ",),
    ),
    ("conllu", "not utf-8"): Case(
        "conllu", written("d.conllu", b"# text = \xff\n1\tx\t_\t_\t_\t_\t_\t_\t_\t_\n"), [], errors=("d.conllu:1:10: ",)
    ),
    ("prodigy", "not utf-8"): Case(
        "prodigy", written("d.jsonl", b'{"text": "a\xff"}\n'), [], errors=("d.jsonl:1:12: ",)
    ),
    # what is not an export of the format at all
    ("brat", "a file"): Case(
        "brat", written("x.json", "[]"), raises="brat import reads a folder of .txt/.ann pairs; this is not a folder"
    ),
    ("brat", "no .ann"): Case("brat", written("a.txt", "x", **{"b.txt": "y"}), raises="the folder holds no .ann files"),
    ("labelstudio", "result items alone"): Case(
        "labelstudio", "tools/labelstudio/html_result.json", raises="not a Label Studio export"
    ),
    ("labelstudio", "a folder"): Case(
        "labelstudio", "tools/labelstudio", raises="is a folder; a Label Studio export is one JSON file"
    ),
    ("doccano", "a Label Studio task"): Case(
        "doccano",
        written("x.json", '{"data": {"text": "a"}, "annotations": []}'),
        raises="x.json:1: not a doccano record: .* \\(a Label Studio task\\? `newsspan import labelstudio` reads those\\)",
    ),
    ("doccano", "text classification"): Case(
        "doccano",
        written("x.jsonl", jsonl({"text": "a b", "label": ["positive"]})),
        raises="is this a text-classification export",
    ),
    ("doccano", "entities a string"): Case(
        "doccano", written("x.jsonl", '{"text": "abc", "entities": "nope"}'), raises="`entities` is not a list"
    ),
    ("prodigy", "a folder"): Case("prodigy", "tools/prodigy", raises="is a folder; a Prodigy export is one JSONL file"),
    ("prodigy", "no text"): Case(
        "prodigy", written("x.jsonl", '{"spans": []}\n'), raises="x.jsonl:1: not a Prodigy task"
    ),
    ("webanno", "no .tsv"): Case(
        "webanno", "tools/brat", raises="the folder holds no .tsv files; expected WebAnno TSV 3.x files"
    ),
    ("uima", "no .json"): Case(
        "uima", "tools/brat", raises="the folder holds no .json files; expected UIMA CAS JSON files"
    ),
    ("conllu", "no .conllu"): Case("conllu", "tools/brat", raises="the folder holds no .conllu or .conll files"),
    ("webanno", "no format line"): Case(
        "webanno", written("d.tsv", ROME), [], errors=("d.tsv:1: not a WebAnno TSV file",)
    ),
    ("webanno", "version 2"): Case(
        "webanno", written("d.tsv", "#FORMAT=WebAnno TSV 2.0\n"), [], errors=("d.tsv:1: WebAnno TSV 2.0 is not read",)
    ),
    ("webanno", "malformed layer"): Case(
        "webanno",
        written("d.tsv", "#FORMAT=WebAnno TSV 3.3\n#T_XX=a|b\n"),
        [],
        errors=("d.tsv:2: malformed layer declaration",),
    ),
    ("uima", "json but no CAS"): Case(
        "uima", written("d.json", '{"a": 1}'), [], errors=("d.json: not a UIMA CAS JSON file",)
    ),
    ("uima", "broken json"): Case(
        "uima",
        written("bad.json", '{"%TYPES": {}, "%FEATURE_STRUCTURES": [{"%ID": 1}'),
        [],
        errors=("bad.json:1:50: not valid JSON: Expecting ',' delimiter; a UIMA CAS JSON file is one JSON object",),
    ),
    ("conllu", "no sentence"): Case(
        "conllu", written("d.conllu", "\n\n"), [], errors=("d.conllu: holds no CoNLL-U sentence",)
    ),
    # items of an export that are not what the reader expects
    ("labelstudio", "annotations not a list"): Case(
        "labelstudio",
        written("x.json", '[{"data": {"text": "abc"}, "annotations": {"x": 1}}]'),
        [],
        errors=("`annotations` is not a list",),
    ),
    ("labelstudio", "value not an object"): Case(
        "labelstudio",
        written(
            "x.json", '[{"data": {"text": "abc"}, "annotations": [{"result": [{"type": "labels", "value": "x"}]}]}]'
        ),
        [],
        errors=("without a value object",),
    ),
    ("labelstudio", "result not a list"): Case(
        "labelstudio",
        written("x.json", '[{"data": {"text": "abc"}, "annotations": [{"result": "x"}]}]'),
        [],
        errors=("`result` is not a list",),
    ),
    ("labelstudio", "labels a string"): Case(
        "labelstudio",
        written(
            "x.json",
            '[{"data": {"text": "abc d"}, "annotations": [{"result": [{"type": "labels", "value": {"start": 0, "end": 3, "labels": "ORG"}}]}]}]',
        ),
        [],
        errors=("expected a list of label names",),
    ),
    ("labelstudio", "no text"): Case(
        "labelstudio",
        written("x.json", '[{"id": 3, "data": {"html": "<p>"}}]'),
        [],
        errors=("x.json: task 3: data.text is missing or not a text",),
    ),
    ("prodigy", "span not an object"): Case(
        "prodigy",
        written("x.jsonl", '{"text": "abc", "spans": ["x"]}\n'),
        [],
        errors=("x.jsonl:1 spans[0]: expected a span object",),
    ),
    ("doccano", "a triple of two"): Case(
        "doccano", doccano([0, 4]), [], errors=("label[0]: expected [start, end, label], found [0, 4]",)
    ),
    ("doccano", "label not a string"): Case(
        "doccano", doccano([0, 4, 7]), [], errors=("label[0]: expected a string label, found 7",)
    ),
    ("doccano", "empty span"): Case(
        "doccano", doccano([4, 4, "X"]), [], errors=("label[0]: X [4, 4) is empty or reversed",)
    ),
    ("prodigy", "no offsets"): Case(
        "prodigy", prodigy({"label": "X"}), [], errors=("spans[0]: X: the span has no start/end",)
    ),
    ("prodigy", "token index past the tokens"): Case(
        "prodigy",
        prodigy({"token_start": 0, "token_end": 9, "label": "X"}, TOKENS),
        [],
        errors=("token_start/token_end 0..9 name no token objects",),
    ),
}


def help_of(fmt: str) -> str:
    """`newsspan import FORMAT --help`, asserting that it ends with examples of that format."""
    code, out, _ = newsspan("import", fmt, "--help")
    tail = out.rstrip().splitlines()
    examples = tail[tail.index("examples:") + 1 :]
    assert code == 0 and examples and all(line.strip().startswith(f"newsspan import {fmt} ") for line in examples)
    return out


def shipped_root(tmp: Path, texts_only: bool = False) -> Path:
    """A copy of the shipped seed article (with texts_only, its text and metadata alone: a root to import an
    export of it into)."""
    root = new_root(tmp, "back" if texts_only else "shipped")
    for path in (REPO / "corpus").glob("000_*"):
        shutil.copy(path, root / "corpus")
    for path in [] if texts_only else (REPO / "annotations").glob("000_*.json"):
        shutil.copy(path, root / "annotations")
    return root


def mentions(root: Path, kb: bool = True) -> dict[str, list]:
    """Every entity mention of a root's released layers: (label, start, end, text, kb_id), per document."""
    out = {}
    for path in sorted((root / "annotations").glob("*.json")):
        found = json.loads(path.read_text(encoding="utf-8"))["entities"]
        out[path.stem] = [(e["label"], e["start"], e["end"], e["text"], e.get("kb_id") if kb else None) for e in found]
    return out


def round_trip(fmt: str, tmp: Path, export: Path, *args) -> Path:
    """`newsspan import FMT EXPORT ARGS` (an export of the shipped corpus) into a root holding its texts only."""
    back = shipped_root(tmp, texts_only=True)
    code, _, err = newsspan("import", fmt, export, "--root", back, *args)
    assert code == 0, err
    return back


def imports_a_corpus(fmt: str, tmp: Path) -> None:
    """22 documents written as a research project hands them over import in one command, validate and build:
    every mention's text is the tokens it covers, and every mention is tagged from its first token."""
    from datasets import load_dataset

    import research_corpus

    docs = research_corpus.documents(22)
    research_corpus.WRITERS[fmt](docs, tmp / "export")
    root = new_root(tmp)
    args = ("--label-map", research_corpus.LABEL_MAPS[fmt], "--language", "en", "--status", "complete")
    code, out, err = newsspan("import", fmt, tmp / "export", "--root", root, *args)
    assert code == 0, err
    assert (
        "imported 22 document(s) (22 new, 0 already in the corpus); 132 entity mention(s): GPE 44, ORG 22, PERSON 66"
        in out
    )
    for name, mentions in research_corpus.expected(docs).items():
        assert sorted((label, text) for label, _, _, text in entities(root, name.lower().replace(" ", "-"))) == mentions
    assert valid(root)
    assert newsspan("build", "--root", root, "--out", tmp / "hf")[0] == 0
    rows = load_dataset(str(tmp / "hf"), "entities")
    names = next(iter(rows.values())).features["ner_tags"].feature.names
    assert sum(names[t].startswith("B-") for split in rows.values() for r in split for t in r["ner_tags"]) == 132
