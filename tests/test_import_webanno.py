"""WebAnno TSV 3.x: the reader (the text rebuilt at UTF-16 offsets, stacked and multi-token annotations,
escapes, the entity layer and feature) and `newsspan import webanno` end to end (nesting, matching a corpus text)."""

import json

import pytest

from newsspan import Corpus
from newsspan.formats import FormatError, exporters, webanno
from newsspan.store import Root
from tool_cases import (
    CASES,
    FORMATS,
    TSV_HEAD,
    check,
    entities,
    files_of,
    help_of,
    ids,
    imports_a_corpus,
    mentions,
    new_root,
    newsspan,
    round_trip,
    shipped_root,
    valid,
    written,
)

from conftest import samples

MERKEL = FORMATS / "webanno/merkel.tsv"
POS = "de.tudarmstadt.ukp.dkpro.core.api.lexmorph.type.pos.POS"
TSV_MAP = "PER=PERSON,LOC=GPE,LASTNAME=PERSON,Acme|Tools[inc]=ORG"


@pytest.mark.parametrize("case", ids("webanno"))
def test_reader(case, tmp_path):
    check(CASES["webanno", case], tmp_path)


def test_stacked_multi_token_sub_token_escapes_and_utf16():
    parsed = webanno.load(MERKEL)
    [doc] = parsed.docs
    # the sentences at their UTF-16 offsets: a line break after each, a space where the second starts one further on
    assert doc.text == (
        '🎉 Angela Merkel met Emmanuel Macron in Berlin.\n She praised Merkel\'s "Wir schaffen das" speech.\n'
        "The file was named a\\b by Acme|Tools.\n"
    )
    # the emoji counts 2 in UTF-16: every offset after it is one less in code points
    assert [(s.label, s.start, s.end, doc.text[s.start : s.end], s.kb_id) for s in doc.spans] == [
        ("PER", 2, 15, "Angela Merkel", "Q567"),  # PER[1] over two tokens
        ("LASTNAME", 9, 15, "Merkel", None),  # LASTNAME[2], stacked on Merkel
        ("PER", 20, 35, "Emmanuel Macron", None),
        ("LOC", 39, 45, "Berlin", "Q64"),  # a single-token annotation without an index
        ("PER", 60, 66, "Merkel", None),  # on the sub-token 2-3.1 of Merkel's
        ("WORK_OF_ART", 70, 86, "Wir schaffen das", None),  # WORK\_OF\_ART[4] unescaped
        ("PRODUCT", 115, 118, "a\\b", None),  # #Text= a\\b unescaped
        ("Acme|Tools[inc]", 122, 132, "Acme|Tools", None),  # Acme\|Tools\[inc\] unescaped
    ]
    assert doc.spans[0].where == "merkel.tsv:10 (NamedEntity 'PER')" and parsed.errors == parsed.warnings == []
    assert parsed.ignored == {  # 27 POS tags on tokens, one coreference chain, one relation
        f"span layer {POS} (annotations)": 27,
        "chain layer de.tudarmstadt.ukp.dkpro.core.api.coref.type.CoreferenceLink (chains)": 1,
        "relation layer webanno.custom.Relation (relations)": 1,
    }


def test_the_entity_layer_and_feature_options():
    parsed = webanno.load(MERKEL, entity_feature="type")
    assert [e.headline() for e in parsed.errors] == [
        "merkel.tsv: the layer de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity has no feature 'type' (its features: 'identifier', 'value')"
    ]
    parsed = webanno.load(MERKEL, entity_layer="webanno.custom.Nope")
    assert parsed.docs[0].spans == [] and "merkel.tsv: declares no webanno.custom.Nope layer" in parsed.notes[0]
    parsed = webanno.load(MERKEL, entity_layer=POS, entity_feature="PosValue")
    assert sum(s.label == "VVFIN" for s in parsed.docs[0].spans) == 3 and len(parsed.docs[0].spans) == 27
    parsed = webanno.load(MERKEL, entity_layer="webanno.custom.Relation")
    assert [e.headline() for e in parsed.errors] == [
        "merkel.tsv: webanno.custom.Relation is a relation layer; entity mentions come from a span layer"
    ]


def test_sentences_that_overlap_or_a_token_row_without_a_sentence(tmp_path):
    overlap = TSV_HEAD + "#Text=Rome\n1-1\t0-4\tRome\t_\n\n#Text=wins\n2-1\t2-6\twins\t_\n"
    parsed = webanno.load(written("a.tsv", overlap)(tmp_path))
    assert [e.headline() for e in parsed.errors] == [
        "a.tsv:9: the sentence starts at UTF-16 offset 2, inside the previous one (which ends at 4)"
    ]
    parsed = webanno.load(written("b.tsv", TSV_HEAD + "1-1\t0-4\tRome\t_\n")(tmp_path))
    assert [e.headline() for e in parsed.errors] == ["b.tsv:5: a token row without a `#Text=` sentence line before it"]
    parsed = webanno.load(written("c.tsv", TSV_HEAD)(tmp_path))
    assert [e.headline() for e in parsed.errors] == ["c.tsv: holds no sentence (no token rows)"]


@pytest.mark.parametrize(
    "nested,expect,told",
    [
        ("outer", ("PERSON", 2, 15, "Angela Merkel"), "inside others"),
        ("inner", ("PERSON", 9, 15, "Merkel"), "around others"),
    ],
)
def test_import_keeps_the_outer_or_inner_of_nested_mentions(nested, expect, told, tmp_path):
    root = new_root(tmp_path)
    code, out, err = newsspan("import", "webanno", MERKEL, "--root", root, "--label-map", TSV_MAP, "--nested", nested)
    assert code == 0, err
    assert [e for e in entities(root, "merkel") if e[1] < 16] == [
        expect
    ] and f"--nested {nested}: 1 mention(s) {told}" in out
    assert valid(root)


def test_import_tells_nested_mentions_once_at_their_lines_after_the_label_map(tmp_path):
    root = new_root(tmp_path)
    code, _, err = newsspan("import", "webanno", MERKEL, "--root", root, "--label-map", TSV_MAP)
    assert code == 1 and [line for line in err.splitlines() if line.startswith("error:")] == [
        "error: 1 nested mention pair(s) (newsspan's entity layer is flat):"
    ]
    assert (
        "merkel.tsv:10 (NamedEntity 'PER'): PERSON 'Angela Merkel' [2, 15) contains merkel.tsv:11 (NamedEntity 'LASTNAME')"
        in err
    )
    assert files_of(root) == {}
    code, out, err = newsspan(
        "import",
        "webanno",
        MERKEL,
        "--root",
        root,
        "--label-map",
        TSV_MAP.replace("LASTNAME=PERSON", "LASTNAME=ignore"),
    )
    assert code == 0 and "label map: 'LASTNAME' 1" in out and valid(root)


def test_a_tsv_of_a_corpus_text_lands_on_it_though_tsv_drops_its_whitespace(tmp_path):
    article = tmp_path / "merz.txt"
    article.write_text("Merz speaks in Berlin\n\nFriedrich Merz spoke to the Bundestag.\n", encoding="utf-8")
    root = new_root(tmp_path)
    assert newsspan("add", article, "--root", root, "--language", "en")[0] == 0
    # INCEpTION's TSV of that text: two sentences; the blank line between them comes back as a line break and a space
    tsv = TSV_HEAD + (
        "#Text=Merz speaks in Berlin\n1-1\t0-4\tMerz\tPER\n1-2\t5-11\tspeaks\t_\n1-3\t12-14\tin\t_\n1-4\t15-21\tBerlin\tLOC\n\n"
        "#Text=Friedrich Merz spoke to the Bundestag.\n2-1\t23-32\tFriedrich\tPER[1]\n2-2\t33-37\tMerz\tPER[1]\n"
        "2-3\t38-43\tspoke\t_\n2-4\t44-46\tto\t_\n2-5\t47-50\tthe\t_\n2-6\t51-60\tBundestag\tORG\n2-7\t60-61\t.\t_\n"
    )
    assert (
        webanno.load(written("merz.tsv", tsv)(tmp_path)).docs[0].text
        == "Merz speaks in Berlin\n Friedrich Merz spoke to the Bundestag.\n"
    )
    code, out, err = newsspan(
        "import", "webanno", tmp_path / "export/merz.tsv", "--root", root, "--label-map", "PER=PERSON,LOC=GPE"
    )
    assert code == 0 and "matched corpus document 'merz'" in err and "(0 new, 1 already in the corpus)" in out
    assert entities(root, "merz") == [
        ("PERSON", 0, 4, "Merz"),
        ("GPE", 15, 21, "Berlin"),
        ("PERSON", 23, 37, "Friedrich Merz"),
        ("ORG", 51, 60, "Bundestag"),
    ]
    assert valid(root)


def test_the_webanno_samples(tmp_path):
    parsed = webanno.load(
        samples("webanno/tsv3_testMultiTokenStackedSpanWithFeatureValue.tsv"), entity_layer="webanno.custom.Span"
    )
    [doc] = parsed.docs
    assert doc.text == "This is a test .\n"
    assert [(s.label, s.start, s.end) for s in doc.spans] == [
        ("PERSON", 0, 16),
        ("LOCATION", 0, 16),
    ]  # PERSON[1], LOCATION[2]
    parsed = webanno.load(samples("webanno/tsv3_testSingleTokenRelationWithoutFeatureValue.tsv"))
    assert parsed.docs[0].spans == [] and parsed.ignored == {"relation layer webanno.custom.Relation (relations)": 1}
    # the format specification's example body (no header in the sample), under a NamedEntity header
    body = samples("webanno/tsv3_doc_emoji_example_fragment.tsv").read_text(encoding="utf-8")
    [doc] = webanno.load(written("emoji.tsv", TSV_HEAD + body)(tmp_path)).docs
    assert [(s.label, s.start, s.end, doc.text[s.start : s.end]) for s in doc.spans] == [
        ("*", 10, 11, "😊")
    ]  # UTF-16 [10, 12)


# INCEpTION with entity linking in a layer of its own: Amiens and Macron linked on their very tokens, a link
# on "Emmanuel" alone (no mention there) and one to another knowledge base (no Wikidata id)
WD = "http://www.wikidata.org/entity/"
LINKED = (
    "#FORMAT=WebAnno TSV 3.3\n#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|value\n"
    "#T_SP=webanno.custom.EntityLink|identifier\n\n\n"
    "#Text=La gare d'Amiens accueille Emmanuel Macron.\n"
    "1-1\t0-2\tLa\t_\t_\t\n1-2\t3-7\tgare\t_\t_\t\n1-3\t8-10\td'\t_\t_\t\n"
    f"1-4\t10-16\tAmiens\tLOC\t{WD}Q47045\t\n1-5\t17-26\taccueille\t_\t_\t\n"
    f"1-6\t27-35\tEmmanuel\tPER[1]\t{WD}Q3052772[2]|{WD}Q1[3]\t\n1-7\t36-42\tMacron\tPER[1]\t{WD}Q3052772[2]\t\n"
    "1-8\t42-43\t.\t_\thttp://dbpedia.org/resource/Full_stop\t\n"
)


def test_wikidata_links_in_a_layer_of_their_own_give_kb_id_when_asked(tmp_path):
    path = written("amiens.tsv", LINKED)(tmp_path)
    parsed = webanno.load(path)  # not asked: no id, and a note naming the option
    assert [s.kb_id for s in parsed.docs[0].spans] == [None, None]
    assert parsed.notes == [
        "amiens.tsv: Wikidata IRIs in webanno.custom.EntityLink:identifier (3); pass --kb-feature LAYER:FEATURE "
        "to take their Wikidata ids as the mentions' kb_id"
    ]
    for option in ("webanno.custom.EntityLink:identifier", "EntityLink:identifier"):
        parsed = webanno.load(path, kb_feature=option)
        assert [(s.label, parsed.docs[0].text[s.start : s.end], s.kb_id) for s in parsed.docs[0].spans] == [
            ("LOC", "Amiens", "Q47045"),
            ("PER", "Emmanuel Macron", "Q3052772"),
        ]
        assert [w.headline() for w in parsed.warnings] == [
            "amiens.tsv:12: the link 'http://www.wikidata.org/entity/Q1' [27, 35) has no entity mention on its "
            "offsets; no kb_id taken from it",
            "amiens.tsv:14: the link 'http://dbpedia.org/resource/Full_stop' is no Wikidata item IRI; no kb_id "
            "taken from it",
        ]
        assert parsed.notes == [] and parsed.ignored == {}
    parsed = webanno.load(path, kb_feature="EntityLink:kbid")
    assert [e.headline() for e in parsed.errors] == [
        "amiens.tsv: --kb-feature EntityLink:kbid names no feature of a span layer "
        "(de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity:value, webanno.custom.EntityLink:identifier)"
    ]
    with pytest.raises(FormatError, match="--kb-feature 'identifier': expected LAYER:FEATURE"):
        webanno.load(path, kb_feature="identifier")


def test_import_with_kb_feature_writes_the_ids_and_the_name_after_the_elided_article_aligns(tmp_path):
    root = new_root(tmp_path)
    path = written("amiens.tsv", LINKED)(tmp_path)
    args = ("--root", root, "--label-map", "PER=PERSON,LOC=GPE", "--language", "fr")
    code, _, err = newsspan("import", "webanno", path, "--kb-feature", "EntityLink:identifier", *args)
    assert code == 0, err
    data = json.loads((root / "annotations/amiens.json").read_text(encoding="utf-8"))
    assert [(e["text"], e["label"], e.get("kb_id")) for e in data["entities"]] == [
        ("Amiens", "GPE", "Q47045"),
        ("Emmanuel Macron", "PERSON", "Q3052772"),
    ]
    assert valid(root)


def test_a_webanno_export_is_read_back_to_the_same_mentions_with_their_wikidata_ids(tmp_path):
    shipped, out = shipped_root(tmp_path), tmp_path / "tsv"
    out.mkdir()
    docs = list(Corpus(Root(shipped)))
    for name, data in exporters()["webanno"](docs).items():  # as `newsspan export webanno` will (see below)
        (out / name).write_bytes(data)
    head = (out / f"{docs[0].id}.tsv").read_text(encoding="utf-8").splitlines()[:9]
    assert head[:3] == ["#FORMAT=WebAnno TSV 3.3", f"#T_SP={webanno.DEFAULT_ENTITY_LAYER}|identifier|value", ""]
    assert head[4:9] == [
        "#Text=date 2024-01-12 en English",  # the text's first line; its leading space lies between sentences
        "1-1\t1-5\tdate\t_\t_\t",
        "1-2\t6-16\t2024-01-12\t*\tDATE\t",  # a mention without a Wikidata id: identifier *
        "1-3\t17-19\ten\thttp://www.wikidata.org/entity/Q1860\tLANGUAGE\t",
        "1-4\t20-27\tEnglish\thttp://www.wikidata.org/entity/Q1860\tLANGUAGE\t",
    ]
    back = round_trip("webanno", tmp_path, out)
    assert mentions(back) == mentions(shipped) and valid(back)


def test_export_webanno_writes_a_folder_of_tsv_files(tmp_path):
    shipped, out = shipped_root(tmp_path), tmp_path / "tsv"
    code, _, err = newsspan("export", "webanno", "--root", shipped, "--out", out)
    assert code == 0, err
    assert mentions(round_trip("webanno", tmp_path, out)) == mentions(shipped)


def test_help_describes_the_format_and_offers_only_its_options():
    out = help_of("webanno")
    assert all(
        option in out
        for option in ["--entity-layer", "--entity-feature", "--kb-feature", "--nested", "--align", "--id"]
    ) and not any(option in out for option in ["--offsets", "--ner-key"])
    assert "offset" in out.lower()  # the description says what the offsets count


def test_a_corpus_of_22_documents_imports_validates_and_builds(tmp_path):
    imports_a_corpus("webanno", tmp_path)
