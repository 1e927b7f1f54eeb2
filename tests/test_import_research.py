"""`newsspan import webanno|conllu|uima`: research corpora (INCEpTION/WebAnno TSV, CoNLL-U with CorefUD entities or
BIO tags, UIMA CAS JSON) into a corpus root, on the real samples in ../shared/samples/webanno and on files
written for this project (tests/fixtures/formats/), through the CLI."""

import pytest

import research_corpus
from conftest import FIXTURES, SAMPLES, run_cli
from contrib_helpers import cli_fails, cli_ok, load, new_root, snapshot, validate_ok

FORMATS = FIXTURES / "formats"
WEBANNO = SAMPLES / "webanno"
needs_samples = pytest.mark.skipif(not WEBANNO.is_dir(), reason="../shared/samples/webanno is absent (a plain clone)")
TSV_MAP = "PER=PERSON,LOC=GPE,LASTNAME=PERSON,Acme|Tools[inc]=ORG"
COREF_MAP = "person=PERSON,place=GPE,organization=ORG,abstract=ignore"


def ents(root, doc_id):
    return [
        (e["label"], e["start"], e["end"], e["text"]) for e in load(root / f"annotations/{doc_id}.json")["entities"]
    ]


def text_of(root, doc_id):
    return (root / f"corpus/{doc_id}.txt").read_text(encoding="utf-8")


# WebAnno TSV, written for this project --------------------------------------------------------------


def test_webanno_tsv_stacked_multi_token_sub_token_escapes_and_utf16(tmp_path):
    root = new_root(tmp_path)
    res = cli_ok(
        "import",
        "webanno",
        FORMATS / "webanno/merkel.tsv",
        "--root",
        root,
        "--label-map",
        TSV_MAP,
        "--nested",
        "outer",
        "--language",
        "de",
    )
    text = text_of(root, "merkel")
    # the sentences at their UTF-16 offsets: a line break after each, a space where the second starts one further on
    assert text == (
        '🎉 Angela Merkel met Emmanuel Macron in Berlin.\n She praised Merkel\'s "Wir schaffen das" speech.\n'
        "The file was named a\\b by Acme|Tools.\n"
    )
    # the emoji counts 2 in UTF-16: every offset after it is one less in code points
    assert ents(root, "merkel") == [
        ("PERSON", 2, 15, "Angela Merkel"),  # PER[1] over two tokens; LASTNAME[2] stacked on Merkel is inside it
        ("PERSON", 20, 35, "Emmanuel Macron"),
        ("GPE", 39, 45, "Berlin"),  # a single-token annotation without an index
        ("PERSON", 60, 66, "Merkel"),  # on the sub-token 2-3.1 of Merkel's
        ("WORK_OF_ART", 70, 86, "Wir schaffen das"),  # WORK\_OF\_ART[4] unescaped
        ("PRODUCT", 115, 118, "a\\b"),  # #Text= a\\b unescaped
        ("ORG", 122, 132, "Acme|Tools"),  # the label Acme\|Tools\[inc\] unescaped
    ]
    kb = {e["text"]: e.get("kb_id") for e in load(root / "annotations/merkel.json")["entities"]}
    assert kb["Angela Merkel"] == "Q567" and kb["Berlin"] == "Q64" and kb["Emmanuel Macron"] is None
    assert "--nested outer: 1 mention(s) inside others" in res.stdout
    assert "chain layer de.tudarmstadt.ukp.dkpro.core.api.coref.type.CoreferenceLink (chains) 1" in res.stdout
    assert "relation layer webanno.custom.Relation (relations) 1" in res.stdout
    assert "span layer de.tudarmstadt.ukp.dkpro.core.api.lexmorph.type.pos.POS (annotations) 27" in res.stdout
    validate_ok(root)


@pytest.mark.parametrize(
    "nested,expect",
    [
        ("outer", [("PERSON", 2, 15, "Angela Merkel")]),
        ("inner", [("PERSON", 9, 15, "Merkel")]),
    ],
)
def test_webanno_nested_policy(nested, expect, tmp_path):
    root = new_root(tmp_path)
    cli_ok(
        "import", "webanno", FORMATS / "webanno/merkel.tsv", "--root", root, "--label-map", TSV_MAP, "--nested", nested
    )
    assert [e for e in ents(root, "merkel") if e[1] < 16] == expect
    validate_ok(root)


def test_webanno_nested_error_is_one_message_and_ignored_labels_do_not_count(tmp_path):
    root = new_root(tmp_path)
    res = cli_fails("import", "webanno", FORMATS / "webanno/merkel.tsv", "--root", root, "--label-map", TSV_MAP)
    errors = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    assert errors == ["error: 1 nested mention pair(s) (newsspan's entity layer is flat):"]
    assert (
        "merkel.tsv:10 (NamedEntity 'PER'): PERSON 'Angela Merkel' [2, 15) contains "
        "merkel.tsv:11 (NamedEntity 'LASTNAME'): PERSON 'Merkel' [9, 15)"
    ) in res.stderr
    assert "entity-overlap" not in res.stderr  # reported once, by the policy, not again by the validator
    assert snapshot(root) == {}
    # the label map applies first: LASTNAME ignored, nothing is nested
    res = cli_ok(
        "import",
        "webanno",
        FORMATS / "webanno/merkel.tsv",
        "--root",
        root,
        "--label-map",
        TSV_MAP.replace("LASTNAME=PERSON", "LASTNAME=ignore"),
    )
    assert "label map: 'LASTNAME' 1" in res.stdout
    validate_ok(root)


def test_webanno_token_that_does_not_fit_its_offsets_is_an_error_naming_the_line(tmp_path):
    tsv = (FORMATS / "webanno/merkel.tsv").read_text(encoding="utf-8").replace("3-7\t123-133\t", "3-7\t124-134\t")
    path = tmp_path / "shifted.tsv"
    path.write_text(tsv, encoding="utf-8")
    root = new_root(tmp_path)
    res = cli_fails("import", "webanno", path, "--root", root, "--label-map", TSV_MAP, "--nested", "outer")
    assert "shifted.tsv:40: token 3-7 'Acme|Tools' at UTF-16 [124, 134) differs from the text there" in res.stderr
    assert snapshot(root) == {}


def test_webanno_entity_layer_and_feature_options(tmp_path):
    root = new_root(tmp_path)
    res = cli_fails("import", "webanno", FORMATS / "webanno/merkel.tsv", "--root", root, "--entity-feature", "type")
    assert "has no feature 'type' (its features: 'identifier', 'value')" in res.stderr
    res = cli_fails(
        "import", "webanno", FORMATS / "webanno/merkel.tsv", "--root", root, "--entity-layer", "webanno.custom.Nope"
    )
    assert "no entity mention found (annotations of the layer webanno.custom.Nope" in res.stderr
    # the POS layer read as the entity layer: its values are the labels
    res = cli_fails(
        "import",
        "webanno",
        FORMATS / "webanno/merkel.tsv",
        "--root",
        root,
        "--entity-layer",
        "de.tudarmstadt.ukp.dkpro.core.api.lexmorph.type.pos.POS",
        "--entity-feature",
        "PosValue",
    )
    assert "'VVFIN' (3 spans)" in res.stderr
    assert snapshot(root) == {}


# WebAnno TSV and UIMA CAS JSON: the real samples --------------------------------------------------------


@needs_samples
def test_webanno_sample_stacked_multi_token_span(tmp_path):
    path = WEBANNO / "tsv3_testMultiTokenStackedSpanWithFeatureValue.tsv"
    root = new_root(tmp_path)
    # two annotations (PERSON[1], LOCATION[2]) over the same five tokens: no policy can pick one
    res = cli_fails(
        "import",
        "webanno",
        path,
        "--root",
        root,
        "--entity-layer",
        "webanno.custom.Span",
        "--label-map",
        "LOCATION=LOC",
    )
    assert "the same text is also PERSON" in res.stderr and "'This is a test .'" in res.stderr
    cli_ok(
        "import",
        "webanno",
        path,
        "--root",
        root,
        "--entity-layer",
        "webanno.custom.Span",
        "--label-map",
        "LOCATION=ignore",
        "--id",
        "stacked",
        "--language",
        "en",
    )
    assert text_of(root, "stacked") == "This is a test .\n"
    assert ents(root, "stacked") == [("PERSON", 0, 16, "This is a test .")]
    validate_ok(root)


@needs_samples
def test_webanno_sample_relation_layer_without_entities(tmp_path):
    root = new_root(tmp_path)
    res = cli_fails(
        "import", "webanno", WEBANNO / "tsv3_testSingleTokenRelationWithoutFeatureValue.tsv", "--root", root
    )
    assert (
        "no entity mention found" in res.stderr
        and "relation layer webanno.custom.Relation (relations) (1)" in res.stderr
    )
    assert snapshot(root) == {}


@needs_samples
def test_webanno_spec_emoji_fragment_utf16(tmp_path):
    # the format specification's example body (no header in the sample), under a NamedEntity header
    path = tmp_path / "emoji.tsv"
    path.write_text(
        "#FORMAT=WebAnno TSV 3.3\n#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|value\n\n\n"
        + (WEBANNO / "tsv3_doc_emoji_example_fragment.tsv").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    root = new_root(tmp_path)
    res = cli_fails("import", "webanno", path, "--root", root)
    assert "'*' (1 span)" in res.stderr  # an annotation without a value is labelled *
    cli_ok("import", "webanno", path, "--root", root, "--label-map", "*=PRODUCT", "--language", "en")
    # UTF-16 [10, 12) (the XMI's NamedEntity) is code points [10, 11)
    assert ents(root, "emoji") == [("PRODUCT", 10, 11, "😊")]
    validate_ok(root)


@needs_samples
def test_uima_sample_emoji_offsets(tmp_path):
    root = new_root(tmp_path)
    res = cli_fails("import", "uima", WEBANNO / "uima_cas_json_emoji.json", "--root", root)
    assert "no entity mention found" in res.stderr and "type uima.tcas.Annotation (9)" in res.stderr
    cli_ok(
        "import",
        "uima",
        WEBANNO / "uima_cas_json_emoji.json",
        "--root",
        root,
        "--entity-layer",
        "uima.tcas.Annotation",
        "--entity-feature",
        "",
        "--label-map",
        "*=PRODUCT",
        "--id",
        "emoji",
        "--language",
        "en",
    )
    text = text_of(root, "emoji")
    words = text.split()
    got = ents(root, "emoji")
    # the nine annotations are the nine words of the text; the last, 👻, is UTF-16 36-38 = code points 31-32
    assert [e[3] for e in got] == words and len(words) == 9
    assert got[-1] == ("PRODUCT", 31, 32, "👻")
    assert load(root / "corpus/emoji.meta.json")["language"] == "en"  # x-unspecified in the CAS is not kept
    validate_ok(root)


# UIMA CAS JSON, written for this project -------------------------------------------------------------


def test_uima_folder_metadata_nesting_and_null_values(tmp_path):
    root = new_root(tmp_path)
    args = ["import", "uima", FORMATS / "uima", "--root", root, "--label-map", "PER=PERSON,LOC=GPE,ORG=ORG,*=FAC"]
    res = cli_fails(*args)
    assert (
        "'the mayor of Paris' [32, 50) contains scholz-paris.json: annotation 9 (NamedEntity 'LOC'): GPE 'Paris'"
        in res.stderr
    )
    res = cli_ok(*args, "--nested", "outer")
    assert (
        "imported 2 document(s) (2 new, 0 already in the corpus); 9 entity mention(s): DATE 1, FAC 1, GPE 1, ORG 1, PERSON 5"
        in res.stdout
    )
    assert "type de.tudarmstadt.ukp.dkpro.core.api.lexmorph.type.pos.POS 3" in res.stdout
    assert ents(root, "scholz-paris") == [
        ("PERSON", 2, 13, "Olaf Scholz"),
        ("PERSON", 18, 30, "Anne Hidalgo"),
        ("PERSON", 32, 50, "the mayor of Paris"),
        ("FAC", 59, 72, "Élysée Palace"),
    ]
    meta = load(root / "corpus/scholz-paris.meta.json")
    # documentTitle is only the file name (INCEpTION's default): the title comes from the text
    assert meta["url"] == "https://example.org/2024/scholz-paris" and meta["language"] == "en"
    assert meta["title"] == "👍 Olaf Scholz met Anne Hidalgo, the mayor of Paris, at the Élysée Palace."
    merz = load(root / "corpus/merz-berlin.meta.json")
    assert merz["title"] == "Merz speaks in Berlin" and merz["url"] == "unknown"  # a file: URI is no web address
    assert [e.get("kb_id") for e in load(root / "annotations/merz-berlin.json")["entities"]] == [
        None,
        "Q64",
        None,
        None,
        None,
    ]
    validate_ok(root)


def test_uima_broken_file_is_an_error_naming_it(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.json").write_bytes((FORMATS / "uima/merz-berlin.json").read_bytes())
    (src / "bad.json").write_text('{"%TYPES": {}, "%FEATURE_STRUCTURES": [{"%ID": 1}', encoding="utf-8")
    root = new_root(tmp_path)
    res = cli_fails("import", "uima", src, "--root", root, "--label-map", "PER=PERSON,LOC=GPE,ORG=ORG")
    assert (
        "bad.json:1:50: not valid JSON: Expecting ',' delimiter; a UIMA CAS JSON file is one JSON object" in res.stderr
    )
    assert snapshot(root) == {}


# CoNLL-U, written for this project -------------------------------------------------------------------


def test_conllu_corefud_text_metadata_and_nesting_error(tmp_path):
    root = new_root(tmp_path)
    res = cli_fails("import", "conllu", FORMATS / "conllu/corefud.conllu", "--root", root, "--label-map", COREF_MAP)
    assert "3 nested mention pair(s)" in res.stderr
    assert (
        "corefud.conllu:19 (e1 person): PERSON 'The chancellor of Germany, Angela Merkel' [31, 71) contains "
        "corefud.conllu:22 (e4 place): GPE 'Germany' [49, 56)" in res.stderr
    )
    assert snapshot(root) == {}
    res = cli_ok(
        "import",
        "conllu",
        FORMATS / "conllu/corefud.conllu",
        "--root",
        root,
        "--label-map",
        COREF_MAP,
        "--nested",
        "outer",
        "--language",
        "en",
        "--status",
        "complete",
    )
    # `# text` lines joined by a line break, a blank line before `# newpar`; `it's` (it + 's) and "fine" (SpaceAfter=No)
    assert text_of(root, "news_berlin") == (
        'Merkel meets Macron in Berlin\n\nThe chancellor of Germany, Angela Merkel, said it\'s "fine".\n'
    )
    assert ents(root, "news_berlin") == [
        ("PERSON", 0, 6, "Merkel"),
        ("PERSON", 13, 19, "Macron"),
        ("GPE", 23, 29, "Berlin"),
        ("PERSON", 31, 71, "The chancellor of Germany, Angela Merkel"),
    ]
    clusters = [e.get("cluster") for e in load(root / "annotations/news_berlin.json")["entities"]]
    assert clusters == ["e1", "e2", "e3", "e1"]
    meta = load(root / "corpus/news_berlin.meta.json")
    assert (meta["title"], meta["url"], meta["date"]) == (
        "Merkel meets Macron in Berlin",
        "https://example.org/news/berlin",
        "2019-05-21",
    )
    # a sentence without `# text` is built from its forms and SpaceAfter=No
    assert text_of(root, "noticia-madrid") == "El presidente del Gobierno habló en Madrid.\n\nHubo protestas.\n"
    assert ents(root, "noticia-madrid") == [("PERSON", 0, 26, "El presidente del Gobierno"), ("GPE", 36, 42, "Madrid")]
    warnings = [line for line in res.stderr.splitlines() if line.startswith("warning:")]
    assert any("corefud.conllu:28 (e6 person): a mention of empty nodes only" in w for w in warnings)
    assert any("corefud.conllu:54: discontinuous mention of e4" in w for w in warnings)
    assert "label map: 'abstract' 1" in res.stdout and "document metadata meta::author 1" in res.stdout
    validate_ok(root)


@pytest.mark.parametrize(
    "align,expect",
    [
        ("expand", ("ORG", 14, 26, "del Gobierno")),
        ("contract", ("ORG", 18, 26, "Gobierno")),
    ],
)
def test_conllu_multi_word_token_boundary_follows_align(align, expect, tmp_path):
    root = new_root(tmp_path)
    args = [
        "import",
        "conllu",
        FORMATS / "conllu/corefud.conllu",
        "--root",
        root,
        "--label-map",
        COREF_MAP,
        "--nested",
        "inner",
    ]
    res = cli_fails(*args)
    # "el Gobierno" begins at the second word of the multi-word token "del" (de + el)
    assert (
        "corefud.conllu:45 (e2 organization): ORG 'el Gobierno' [15, 26): it starts inside the token 'del' [14, 17)"
        in res.stderr
    )
    res = cli_ok(*args, "--align", align)
    assert expect in ents(root, "noticia-madrid")
    assert f"moved onto token boundaries (--align {align})" in res.stderr
    validate_ok(root)


def test_conllu_bio_tags_from_a_misc_key(tmp_path):
    root = new_root(tmp_path)
    res = cli_fails("import", "conllu", FORMATS / "conllu/bio.conllu", "--root", root)
    assert "no entity mention found (CorefUD Entity= brackets in MISC (pass --ner-key KEY for BIO tags))" in res.stderr
    cli_ok(
        "import",
        "conllu",
        FORMATS / "conllu/bio.conllu",
        "--root",
        root,
        "--ner-key",
        "NER",
        "--label-map",
        "PER=PERSON,LOC=GPE,ORG=ORG",
        "--language",
        "en",
    )
    assert text_of(root, "bio") == "Angela Merkel visited Paris.\nThe Bundestag met in Berlin.\n"
    assert ents(root, "bio") == [
        ("PERSON", 0, 13, "Angela Merkel"),
        ("GPE", 22, 27, "Paris"),
        ("ORG", 33, 42, "Bundestag"),
        ("GPE", 50, 56, "Berlin"),
    ]
    validate_ok(root)


def test_conllu_token_missing_from_its_text_is_an_error(tmp_path):
    data = (
        (FORMATS / "conllu/bio.conllu")
        .read_text(encoding="utf-8")
        .replace("# text = Angela Merkel", "# text = Angela Merkl")
    )
    path = tmp_path / "bad.conllu"
    path.write_text(data, encoding="utf-8")
    root = new_root(tmp_path)
    res = cli_fails(
        "import", "conllu", path, "--root", root, "--ner-key", "NER", "--label-map", "PER=PERSON,LOC=GPE,ORG=ORG"
    )
    assert "bad.conllu:4: the token 'Merkel' is not where the sentence's `# text` continues" in res.stderr
    assert snapshot(root) == {}


# a whole corpus in one command -----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["webanno", "conllu", "uima"])
def test_a_corpus_of_22_documents_imports_validates_and_builds(fmt, tmp_path):
    docs = research_corpus.documents(22)
    src = tmp_path / "export"
    research_corpus.WRITERS[fmt](docs, src)
    root = new_root(tmp_path)
    res = cli_ok(
        "import",
        fmt,
        src,
        "--root",
        root,
        "--label-map",
        research_corpus.LABEL_MAPS[fmt],
        "--language",
        "en",
        "--status",
        "complete",
    )
    assert (
        "imported 22 document(s) (22 new, 0 already in the corpus); 132 entity mention(s): GPE 44, ORG 22, PERSON 66"
        in res.stdout
    )
    expected = research_corpus.expected(docs)
    for name, mentions in expected.items():
        doc_id = name.lower().replace(" ", "-")
        # each mention's text is exactly the source tokens it covers
        assert sorted((label, t) for label, _, _, t in ents(root, doc_id)) == mentions, name
    validate_ok(root)
    out = tmp_path / "hf"
    res = run_cli("build", "--root", root, "--out", out)
    assert res.returncode == 0, res.stdout + res.stderr
    from datasets import load_dataset

    rows = load_dataset(str(out), "entities")
    tags = [tag for split in rows.values() for r in split for tag in r["ner_tags"]]
    names = next(iter(rows.values())).features["ner_tags"].feature.names
    assert sum(1 for t in tags if names[t].startswith("B-")) == 132  # every mention is tagged, from its first token


def test_a_corpus_given_as_several_paths_in_one_command(tmp_path):
    docs = research_corpus.documents(3)
    research_corpus.write_conllu(docs, tmp_path / "a")
    files = sorted((tmp_path / "a").iterdir())
    root = new_root(tmp_path)
    res = cli_ok("import", "conllu", *files, "--root", root, "--label-map", research_corpus.LABEL_MAPS["conllu"])
    assert "imported 3 document(s) (3 new" in res.stdout
    validate_ok(root)


def test_id_names_one_new_document(tmp_path):
    root = new_root(tmp_path)
    res = cli_fails(
        "import",
        "uima",
        FORMATS / "uima",
        "--root",
        root,
        "--id",
        "one",
        "--nested",
        "outer",
        "--label-map",
        "PER=PERSON,LOC=GPE,ORG=ORG,*=FAC",
    )
    assert "--id names one new document" in res.stderr
    cli_ok(
        "import",
        "uima",
        FORMATS / "uima/merz-berlin.json",
        "--root",
        root,
        "--id",
        "merz",
        "--label-map",
        "PER=PERSON,LOC=GPE,ORG=ORG",
    )
    assert sorted(p.name for p in (root / "corpus").iterdir()) == ["merz.meta.json", "merz.txt"]


def test_a_tsv_export_of_a_corpus_text_is_matched_though_tsv_drops_its_whitespace(tmp_path):
    article = tmp_path / "merz.txt"
    article.write_text("Merz speaks in Berlin\n\nFriedrich Merz spoke to the Bundestag.\n", encoding="utf-8")
    root = new_root(tmp_path)
    cli_ok("add", article, "--root", root, "--language", "en")
    # INCEpTION's TSV of that text: two sentences; the blank line between them comes back as a line break and a space
    tsv = (
        "#FORMAT=WebAnno TSV 3.3\n#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|value\n\n\n"
        "#Text=Merz speaks in Berlin\n1-1\t0-4\tMerz\tPER\t\n1-2\t5-11\tspeaks\t_\t\n1-3\t12-14\tin\t_\t\n1-4\t15-21\tBerlin\tLOC\t\n\n"
        "#Text=Friedrich Merz spoke to the Bundestag.\n2-1\t23-32\tFriedrich\tPER[1]\t\n2-2\t33-37\tMerz\tPER[1]\t\n"
        "2-3\t38-43\tspoke\t_\t\n2-4\t44-46\tto\t_\t\n2-5\t47-50\tthe\t_\t\n2-6\t51-60\tBundestag\tORG\t\n2-7\t60-61\t.\t_\t\n"
    )
    path = tmp_path / "merz.tsv"
    path.write_text(tsv, encoding="utf-8")
    res = cli_ok("import", "webanno", path, "--root", root, "--label-map", "PER=PERSON,LOC=GPE")
    assert "matched corpus document 'merz'" in res.stderr and "(0 new, 1 already in the corpus)" in res.stdout
    assert ents(root, "merz") == [
        ("PERSON", 0, 4, "Merz"),
        ("GPE", 15, 21, "Berlin"),
        ("PERSON", 23, 37, "Friedrich Merz"),
        ("ORG", 51, 60, "Bundestag"),
    ]
    assert sorted(p.name for p in (root / "corpus").iterdir()) == ["merz.meta.json", "merz.txt"]
    validate_ok(root)


# the command line --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fmt,has,lacks",
    [
        ("webanno", ["--entity-layer", "--entity-feature", "--nested", "--align", "--id"], ["--offsets", "--ner-key"]),
        ("uima", ["--entity-layer", "--entity-feature"], ["--offsets", "--ner-key"]),
        ("conllu", ["--ner-key", "--nested", "--align"], ["--offsets", "--entity-layer"]),
        ("doccano", ["--offsets", "--nested"], ["--entity-layer", "--ner-key"]),
    ],
)
def test_each_format_has_its_own_help_with_examples_and_only_its_options(fmt, has, lacks):
    res = run_cli("import", fmt, "--help")
    assert res.returncode == 0
    for opt in has:
        assert opt in res.stdout, opt
    for opt in lacks:
        assert opt not in res.stdout, opt
    tail = res.stdout.rstrip().splitlines()
    examples = tail[tail.index("examples:") + 1 :]
    assert examples and all(line.startswith(f"newsspan import {fmt} ") for line in examples)
    assert "offset" in res.stdout.lower()  # the description says the offset unit
