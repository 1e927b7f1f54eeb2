"""The one strict reader (newsspan.files): every way a file's bytes can be malformed is a Problem
with its check, line and column, never an exception; the schema gate (jsonschema-rs) passes
nothing that the explanation (jsonschema) rejects."""

import json

import pytest

from newsspan import files, schema
from newsspan.files import decode_file, explain, export_json, export_records, load_json, passes, read_json

from conftest import FIXTURES, REPO
from synthetic import make_root

VALID_ANN = (FIXTURES / "valid" / "annotations" / "tiny.json").read_text(encoding="utf-8")
VALID_META = (FIXTURES / "valid" / "corpus" / "tiny.meta.json").read_text(encoding="utf-8")


def entity_offset(text: str, value: str) -> str:
    """The valid annotation with its first `"start": 0,` (the first section's) set to a raw JSON value."""
    return text.replace('"start": 0,', f'"start": {value},', 1)


# name: (bytes of an annotation file made from the valid one, the check that reports it)
CASES = {
    "empty file": (lambda t: b"", "file-empty"),
    "whitespace only": (lambda t: b"  \n\t\n", "file-empty"),
    "not JSON": (lambda t: b"status: gold\nentities: []\n", "json-syntax"),
    "truncated JSON": (lambda t: t[: len(t) // 2].encode(), "json-syntax"),
    "binary": (lambda t: bytes(range(256)) * 4, "file-encoding"),
    "UTF-16 with BOM": (lambda t: t.encode("utf-16"), "file-encoding"),
    "UTF-16-LE without BOM": (lambda t: t.encode("utf-16-le"), "file-encoding"),
    "UTF-8 BOM": (lambda t: b"\xef\xbb\xbf" + t.encode(), "file-encoding"),
    "Latin-1": (lambda t: t.replace('"fixture"', '"Fran\u00e7oise"').encode("latin-1"), "file-encoding"),
    "CESU-8 surrogate": (
        lambda t: t.replace('"fixture"', '"fix\udc00ture"').encode("utf-8", "surrogatepass"),
        "file-encoding",
    ),
    "top-level array": (lambda t: ("[" + t + "]").encode(), "schema"),
    "top-level string": (lambda t: b'"just a string"', "schema"),
    "top-level null": (lambda t: b"null", "schema"),  # found by the property tests: once passed as valid
    "top-level number": (lambda t: b"0", "schema"),
    "duplicate keys": (
        lambda t: t.replace('"status": "gold",', '"status": "gold",\n  "status": "complete",').encode(),
        "json-duplicate-key",
    ),
    "NaN offset": (lambda t: entity_offset(t, "NaN").encode(), "json-nonfinite"),
    "Infinity offset": (lambda t: entity_offset(t, "-Infinity").encode(), "json-nonfinite"),
    "float offset 12.0": (lambda t: entity_offset(t, "0.0").encode(), "schema"),
    "boolean offset": (lambda t: entity_offset(t, "false").encode(), "schema"),
    "string offset": (lambda t: entity_offset(t, '"0"').encode(), "schema"),
    "huge integer": (lambda t: entity_offset(t, "1" + "0" * 30).encode(), "schema"),
    "integer beyond int parsing limit": (lambda t: entity_offset(t, "7" * 10000).encode(), "json-number-too-large"),
    "lone surrogate": (lambda t: t.replace('"fixture"', '"fix\\udc00ture"').encode(), "json-lone-surrogate"),
    "very deep nesting": (lambda t: ("[" * 100000 + "]" * 100000).encode(), "json-too-deep"),
    "deep nesting inside object": (
        lambda t: t.replace('"annotators": [', '"annotators": ' + "[" * 5000 + "]" * 4999 + ", [", 1).encode(),
        "json-too-deep",
    ),
    "path-like document id": (
        lambda t: t.replace('"document_id": "tiny"', '"document_id": "../../etc/passwd"').encode(),
        "schema",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_bytes_are_a_problem_of_their_check(name):
    make, check = CASES[name]
    value, problems, valid = read_json(make(VALID_ANN), "annotation")
    assert problems and not (check == "schema" and valid)  # valid: the value passed its schema
    # a file that cannot be parsed has no value; the others keep theirs, for the checks of the rest
    assert (value is None) == (check.startswith(("file-", "json-syntax", "json-too", "json-number")) or "top" in name)
    assert check in {p.check for p in problems}, [(p.check, p.message) for p in problems]
    for p in problems:
        assert p.message and (p.line is None) == (p.column is None)


def test_the_valid_files_pass_whole():
    assert read_json(VALID_ANN.encode(), "annotation") == (json.loads(VALID_ANN), [], True)
    assert read_json(VALID_META.encode(), "document").valid


def test_problems_are_located_by_line_and_column():
    data = VALID_ANN.replace('"status": "gold",', '"status": "gold", "status": "gold",').encode()
    (dup,) = read_json(data, "annotation").problems
    line = next(i for i, s in enumerate(VALID_ANN.splitlines(), 1) if '"status"' in s)
    assert (dup.check, dup.pointer, dup.line) == ("json-duplicate-key", "/status", line)
    assert (
        dup.column == VALID_ANN.splitlines()[line - 1].index('"status"') + 19
    )  # the second key, after `"status": "gold", `
    problems = read_json(entity_offset(VALID_ANN, "NaN").encode(), "annotation").problems
    (nan,) = [p for p in problems if p.check == "json-nonfinite"]  # (and the schema's: NaN is no integer)
    assert (nan.check, nan.pointer) == ("json-nonfinite", "/sections/0/start") and nan.line is not None
    syntax = read_json(b'{\n  "a": 1,\n}', "annotation").problems
    assert [(p.check, p.line) for p in syntax] == [("json-syntax", 3)]


def test_a_schema_problem_points_at_its_place_in_the_file():
    a = json.loads(VALID_ANN)
    a["entities"][2]["label"] = "Person"
    text = json.dumps(a, indent=2)
    (p,) = read_json(text.encode(), "annotation").problems
    assert (p.check, p.pointer) == ("schema", "/entities/2/label")
    assert text.splitlines()[p.line - 1][p.column - 1 :].startswith('"label": "Person"')


def test_positions_fall_back_to_the_nearest_ancestor_in_the_file():
    pos = files.Positions('{"a": [1, {"b": 2}], "c": "x"}')
    assert pos.locate("/a/1/b") == (1, 12)
    assert pos.locate("/a/1/missing") == pos.locate("/a/1") == (1, 11)
    assert pos.locate("/nowhere") == (1, 1)  # the whole document
    assert files.Positions("").locate("/a") == (None, None)


def test_nesting_and_long_numbers_are_bounded_outside_strings_only():
    deep = "[" * 65 + "]" * 65
    assert [p.check for p in files.bounds(deep)] == ["json-too-deep"]
    assert files.bounds("[" * 64 + "]" * 64) == []  # 64 levels: no bounds problem (the schema's finding)
    assert files.bounds(json.dumps({"notes": "[" * 100 + "9" * 5000})) == []  # in a string, neither counts
    (huge,) = files.bounds('{"a": [' + "9" * 5000 + "]}")
    assert (huge.check, huge.line, huge.column) == ("json-number-too-large", 1, 8)


def test_a_surrogate_pair_is_a_character_and_a_lone_half_is_not():
    ok = read_json(VALID_ANN.replace('"fixture"', '"\\ud83d\\ude00"').encode(), "annotation")
    assert ok.valid and ok.value["annotators"] == ["😀"]
    (p,) = read_json(VALID_ANN.replace('"fixture"', '"\\ude00"').encode(), "annotation").problems
    assert (p.check, p.pointer) == ("json-lone-surrogate", "/annotators/0")


def test_corpus_texts_are_decoded_with_their_bom_for_the_canonical_form_check():
    assert decode_file("\ufeffText.\n".encode(), is_json=False) == ("\ufeffText.\n", [])
    (p,) = decode_file("Fréday\n".encode("cp1252"), is_json=False)[1]
    assert (p.check, p.line, p.column) == ("text-encoding", 1, 3) and "newsspan canonicalize" in p.hint
    assert decode_file(b" \n", is_json=False)[1][0].check == "file-empty"


# the schema gate (jsonschema-rs) and the explanation (jsonschema) ------------------------------


def fixture_json_files():
    """(label, text, schema name) of every JSON file of the fixtures and every bad-input case."""
    out = []
    for p in sorted(FIXTURES.rglob("*.json")):
        if p.name == "fixture.json" or not p.is_file() or p.is_symlink():
            continue
        try:
            text = p.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue  # not text: the reader reports it before any schema
        out.append((str(p.relative_to(FIXTURES)), text, "document" if p.name.endswith(".meta.json") else "annotation"))
    for name, (make, _) in sorted(CASES.items()):
        try:
            out.append((f"bad input: {name}", make(VALID_ANN).decode("utf-8"), "annotation"))
        except UnicodeDecodeError:
            continue
    return out


def _ann(mutate):
    a = json.loads(VALID_ANN)
    mutate(a)
    return json.dumps(a, ensure_ascii=False)


def _meta(**fields):
    return json.dumps({**json.loads(VALID_META), **fields}, ensure_ascii=False)


# Values on which the two engines are known to judge differently, and neighbours of them.
DIVERGENT = {
    "float offset": (VALID_ANN.replace('"start": 0,', '"start": 0.0,', 1), "annotation"),
    "float 12.0 offset": (VALID_ANN.replace('"start": 0,', '"start": 12.0,', 1), "annotation"),
    "exponent offset": (VALID_ANN.replace('"start": 0,', '"start": 0e0,', 1), "annotation"),
    "U+001C in url (whitespace to Python's re only)": (
        VALID_META.replace('"url": "unknown"', '"url": "https://a\\u001cb"'),
        "document",
    ),
    "U+001F escaped in url": (VALID_META.replace('"url": "unknown"', '"url": "https://a\\u001Fb"'), "document"),
    "U+0085 as itself in url": (_meta(url="https://a\u0085b"), "document"),
    "U+0085 escaped in url": (VALID_META.replace('"url": "unknown"', '"url": "https://a\\u0085b"'), "document"),
    "U+00A0 in url (whitespace to both)": (_meta(url="https://a\u00a0b"), "document"),
    "trailing newline in id ($ matches before it in Python's re)": (
        VALID_META.replace('"id": "tiny"', '"id": "tiny\\n"'),
        "document",
    ),
    "emoji quote": (_ann(lambda a: a.update(notes="😀" * 3)), "annotation"),
    "if/then: source without source or source_span": (
        _ann(lambda a: a["claims"][1].update(attribution={"type": "source"})),
        "annotation",
    ),
    "else: journalist with a source": (_ann(lambda a: a["claims"][0]["attribution"].update(source="e1")), "annotation"),
}


@pytest.mark.parametrize(
    "label,text,name",
    [pytest.param(*c, id=c[0]) for c in fixture_json_files() + [(k, *v) for k, v in DIVERGENT.items()]],
)
def test_jsonschema_rs_passes_nothing_that_jsonschema_rejects(label, text, name):
    value, problems, floats = files.parse(text)
    if value is not None and not problems and passes(name, value, text, floats):
        assert explain(name, value) == [], label


def test_jsonschema_rs_passes_clean_files(tmp_path):
    """Not vacuous: the shipped corpus, the valid fixture and generated documents pass the gate."""
    texts = [(VALID_ANN, "annotation"), (VALID_META, "document")]
    texts += [(p.read_text(encoding="utf-8"), "annotation") for p in sorted((REPO / "annotations").glob("*.json"))]
    texts += [(p.read_text(encoding="utf-8"), "document") for p in sorted((REPO / "corpus").glob("*.meta.json"))]
    root = make_root(tmp_path / "gen", 3)
    texts += [(p.read_text(encoding="utf-8"), "annotation") for p in sorted((root / "annotations").glob("*.json"))]
    for text, name in texts:
        value, found, floats = files.parse(text)
        assert not found and passes(name, value, text, floats)


@pytest.mark.parametrize(
    "label", ["float 12.0 offset", "U+0085 as itself in url", "U+001C in url (whitespace to Python's re only)"]
)
def test_where_the_engines_differ_jsonschema_decides(label):
    text, name = DIVERGENT[label]
    value, _, floats = files.parse(text)
    assert not passes(name, value, text, floats)
    assert explain(name, value) and not read_json(text.encode(), name).valid


def test_the_schemas_bound_every_valid_file():
    """A file the gate passes is not scanned for nesting or long numbers: safe while the schemas
    close every object and bound every number, so that no valid file nests deep or holds a long number."""

    def walk(node, where):
        if isinstance(node, dict):
            if node.get("type") == "object":
                assert node.get("additionalProperties") is False and "patternProperties" not in node, where
            if node.get("type") in ("integer", "number"):
                assert isinstance(node.get("maximum"), int) and node["maximum"] < 10**15, where
                assert isinstance(node.get("minimum"), int) and node["minimum"] > -(10**15), where
            for k, v in node.items():
                if k not in ("enum", "const", "examples", "default"):
                    walk(v, f"{where}/{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{where}/{i}")

    for name in ("annotation", "document"):
        walk(schema.load(name), name)


# the explanations ------------------------------------------------------------------------------


def explained(mutate, name="annotation"):
    a = json.loads(VALID_ANN if name == "annotation" else VALID_META)
    mutate(a)
    return {p.pointer: p for p in explain(name, a)}


@pytest.mark.parametrize(
    "written,meant",
    [
        ("Person", "PERSON"),
        ("PER", "PERSON"),
        ("per", "PERSON"),
        ("ORGANIZATION", "ORG"),
        ("Organisation", "ORG"),
        ("LOCATION", "LOC"),
        ("PERSNO", "PERSON"),
    ],
)
def test_a_misspelt_entity_label_names_the_schema_label(written, meant):
    p = explained(lambda a: a["entities"][0].update(label=written))["/entities/0/label"]
    assert f'did you mean "{meant}"?' in p.hint


def test_every_alias_names_a_schema_label():
    assert set(schema.ALIASES.values()) <= set(schema.entity_labels())
    assert all(k == k.upper() and " " not in k for k in schema.ALIASES)


def test_a_section_label_in_another_case_names_the_schema_label():
    p = explained(lambda a: a["sections"][0].update(label="Paragraph"))["/sections/0/label"]
    assert 'did you mean "paragraph"?' in p.hint


def test_an_invalid_span_id_says_what_is_allowed_and_suggests_one():
    found = explained(lambda a: (a["entities"][0].update(id="e/1"), a["sections"][0].update(id="1")))
    ent, sec = found["/entities/0/id"], found["/sections/0/id"]
    assert '"e/1" is not a valid span id' in ent.message and "A-Z, a-z, 0-9, '_', '.' and '-'" in ent.message
    assert ent.hint == 'use e.g. "e-1"' and sec.hint == 'use e.g. "s1"'


def test_an_invalid_document_id_suggests_one():
    p = explained(lambda m: m.update(id="Tiny News"), "document")["/id"]
    assert "is not a valid document id" in p.message and p.hint.startswith('use e.g. "tiny-news"')


def test_a_float_offset_is_explained():
    p = explained(lambda a: a["sections"][0].update(start=12.0))["/sections/0/start"]
    assert "12.0" in p.message and "integer" in p.message and "whole numbers" in p.hint


def test_missing_properties_are_one_problem_naming_them_all():
    problems = read_json(b'{"a": 1}', "annotation").problems
    assert {p.check for p in problems} == {"schema"}
    (required,) = [p for p in problems if p.message.startswith("missing required")]
    assert '"sections"' in required.message and '"document_id"' in required.message


def test_a_misspelt_property_is_suggested():
    found = explain("annotation", {**json.loads(VALID_ANN), "stauts": "gold"})
    assert [(p.pointer, p.hint) for p in found] == [("", 'did you mean "status"?')]
    assert found[0].message.startswith('unexpected property "stauts"; allowed: schema_version, document_id')


def test_load_json_refuses_a_file_naming_its_first_problem():
    assert load_json(VALID_ANN.encode(), "annotation") == json.loads(VALID_ANN)
    with pytest.raises(ValueError, match=r"does not follow the annotation schema \(/status: .*newsspan validate"):
        load_json(VALID_ANN.replace('"gold"', '"golden"').encode(), "annotation")
    with pytest.raises(ValueError, match=r"cannot be read as JSON"):
        load_json(b"{", "annotation")


# tool exports ----------------------------------------------------------------------------------


def test_an_export_s_problems_name_the_file_line_column_and_item():
    problems = []

    def item(value, ptr):
        return f"task {int(ptr.split('/')[1]) + 1}"

    data = b'[\n {"a": 1},\n {"a": 2, "a": 3}\n]'
    assert export_json(data, "export.json", problems, what="a list of tasks", item=item) is None
    (p,) = problems
    assert p.where == "export.json:3:11 (task 2)" and p.check == "json-duplicate-key" and "export" in p.hint
    problems = []
    assert export_json(b'[{"a": 1},]', "export.json", problems, what="a list of tasks") is None
    assert problems[0].check == "json-syntax" and problems[0].message.endswith("; a list of tasks")


def test_export_records_read_json_lines_by_line_and_only_at_line_feeds():
    problems = []
    data = '{"text": "a\u2028b"}\n\n{"text": "c"}\r\n'.encode()
    assert export_records(data, "d.jsonl", problems, what="JSON Lines") == [
        (1, {"text": "a\u2028b"}),
        (3, {"text": "c"}),
    ]
    assert problems == []
    assert export_records(b'{"a": 1}\n{"a": NaN}\n', "d.jsonl", problems, what="JSON Lines") is None
    assert [p.where for p in problems] == ["d.jsonl:2:2 (/a)"]  # a member is located at its key
    problems = []
    assert export_records(b'[{"a": 1},\n {"a": 2}]', "d.json", problems, what="x", whole=True) == [
        (1, {"a": 1}),
        (2, {"a": 2}),
    ]


@pytest.mark.parametrize(
    "data,kind",
    [
        (b"%PDF-1.7\n%\xe2\xe3", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
        (b"PK\x03\x04\x14\x00\x06\x00", "a ZIP archive"),
        (b"\x00\x00\x01\x00\x02\x00\xff\xfe\xfd", "binary data"),
    ],
)
def test_a_binary_file_is_named_and_no_encoding_is_advised(data, kind):
    text, (p,) = decode_file(data, is_json=False)
    assert text is None and p.check == "text-encoding" and f"the file is {kind}" in p.message
    assert "iconv" not in p.hint and "text file" in p.hint


def test_a_truncated_file_says_where_its_unterminated_string_starts():
    value, (p,), _ = files.parse('{"a": [1, 2],\n  "b": "cut off here')
    assert value is None and p.check == "json-syntax" and (p.line, p.column) == (2, 8)
    assert p.message == "not valid JSON: Unterminated string starting at line 2 column 8"
