"""UIMA CAS JSON, as INCEpTION exports it (`UIMA CAS JSON`): a `.json` file per document, or a folder of them.

Read with dkpro-cassis, INCEpTION's own library: the type system (`%TYPES`), the feature structures
(`%featureSTRUCTURES`), the views (`%VIEWS`); the text is the initial view's `sofaString`. Offsets in
the file count UTF-16 code units; cassis converts them to code points on reading.

Kept: the annotations of the type `--entity-layer` (default NamedEntity, subtypes included), labelled by
their feature `--entity-feature` (default `value`; `''` for a type without features); an annotation
without a value has the label `*` (map it with --label-map). A Wikidata IRI in the `identifier` feature
(entity linking) becomes the mention's kb_id; with `--kb-feature TYPE:FEATURE`, the IRI of an annotation of
another type (a linking layer) on the mention's very offsets does (a feature of another type that holds
Wikidata IRIs is named in a note when the option is not given). Document metadata (DKPro's
DocumentMetaData): `documentTitle` as the title unless it is only the file's name (INCEpTION's default),
`documentUri` as the url when it is a web address, and the document's language unless `x-unspecified`.
Reported: annotations of every other type, counted per type in the summary; other views, as a note; a
file that is not a CAS, a type without the feature, an empty annotation, as errors or warnings naming
file and annotation (`%ID`). The export names no annotator (pass --annotator).
"""

from __future__ import annotations

import io
import re
import warnings
from collections import Counter

from .. import files
from .offsets import OffsetError, read_offset
from .tool import (
    KB_FEATURE,
    NULL_LABEL,
    Parsed,
    ToolDoc,
    ToolSpan,
    entity_layer_ok,
    iri_note,
    is_layer,
    layer_reader,
    link,
    wikidata_id,
)

METADATA_TYPE = "de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData"
DOCUMENT_TYPE = "uima.tcas.DocumentAnnotation"
_FILE_NAME = re.compile(r"\S+\.[A-Za-z0-9]{1,5}")
_WEB = re.compile(r"https?://\S+")


def parse(source: str, file: str, name: str, out: Parsed, layer: str, feature: str, kb) -> None:
    """One CAS JSON file into a ToolDoc (appended to out), with per-annotation issues."""
    # imported here: cassis takes 0.1 s to import, and every CLI start imports this module (for --help)
    from cassis import load_cas_from_json

    # read strictly first: cassis reads with Python's json, which keeps the last of duplicate keys,
    # takes NaN and hands back lone surrogates
    if files.export_parse(source, file, out.errors, what="a UIMA CAS JSON file is one JSON object") is None:
        return
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cas = load_cas_from_json(io.StringIO(source))
    except Exception as e:  # noqa: BLE001 - cassis raises many kinds for a broken file; each is this file's error
        hint = "export the documents from INCEpTION as `UIMA CAS JSON`"
        return out.error(file, f"not a UIMA CAS JSON file ({type(e).__name__}: {str(e)[:200]})", hint)
    text, ts = cas.sofa_string, cas.typesystem
    if not isinstance(text, str) or not text.strip():
        return out.error(file, "the CAS holds no text (no sofaString in its initial view)")
    if others := [v.sofa.sofaID for v in cas.views if v.sofa.sofaID != "_InitialView"]:
        out.notes.append(f"{file}: only the initial view is read; not the views {', '.join(others)}")
    read = ts.contains_type(layer)
    features = _features(ts.get_type(layer)) if read else []
    kb_type = next((t.name for t in ts.get_types() if is_layer(t.name, kb[0] or layer)), None)
    linked = kb_type not in (None, layer)  # the links in a type of their own
    if kb[0] is not None and (kb_type is None or kb[1] not in _features(ts.get_type(kb_type))):
        listed = ", ".join(f"{t.name}:{f}" for t in ts.get_types() for f in _features(t) if "uima." not in t.name)
        return out.error(file, f"--kb-feature {kb[0]}:{kb[1]} names no feature of a type of the CAS ({listed})")
    if not entity_layer_ok(
        out, file, "type", layer, feature, ["", *features] if read else None, f"holds no type {layer}"
    ):
        return
    spans: list[ToolSpan] = []
    links: list = []  # (begin, end, IRI, where) of the annotations of the linking type
    iris: Counter = Counter()  # Wikidata IRIs in features not read, per (type, feature)
    for a in cas.select_all_annotations():
        if ts.is_instance_of(a.type, DOCUMENT_TYPE):  # the document itself, whatever the layer
            continue
        if kb[0] is None:
            unread = [f for f in _features(a.type) if f != feature and (f != KB_FEATURE or a.type.name != layer)]
            iris.update((a.type.name, f) for f in unread if isinstance(a.get(f), str) and wikidata_id(a.get(f)))
        mention = read and ts.is_instance_of(a.type, layer)
        if linked and a.type.name == kb_type:
            links.append((a.begin, a.end, a.get(kb[1]), f"{file}: annotation {a.xmiID}"))
        elif not mention:
            out.ignored[f"type {a.type.name}"] += 1
        if not mention:
            continue
        value = a.get(feature) if feature else None
        label = NULL_LABEL if value in (None, "") else str(value)
        where = f"{file}: annotation {a.xmiID} ({layer.rsplit('.', 1)[-1]} {label!r})"
        try:
            begin, end = read_offset(a.begin, "begin"), read_offset(a.end, "end")
        except OffsetError as err:
            out.error(where, str(err))
            continue
        if not begin < end <= len(text):
            out.warn(where, f"an empty or reversed annotation [{begin}, {end}) is not imported")
            continue
        kb_id = wikidata_id(a.get(kb[1])) if kb[1] in features and feature != kb[1] and not linked else None
        spans.append(ToolSpan(label, begin, end, where, key=str(a.xmiID), kb_id=kb_id))
    link(spans, links, out)
    iri_note(file, iris if spans else Counter(), out)
    out.docs.append(ToolDoc(text=text, name=name, where=file, spans=spans, meta=_metadata(cas, ts)))


load = layer_reader((".json",), "UIMA CAS JSON files (.json)", parse)


def _features(t) -> list[str]:
    return [f.name for f in t.all_features if f.name not in ("sofa", "begin", "end")]


def _metadata(cas, ts) -> dict:
    meta = {}
    for m in cas.select(METADATA_TYPE)[:1] if ts.contains_type(METADATA_TYPE) else ():
        title = (m.get("documentTitle") or "").strip()
        if title and title != m.get("documentId") and not _FILE_NAME.fullmatch(title):
            meta["title"] = title
        if _WEB.fullmatch(m.get("documentUri") or ""):
            meta["url"] = m.get("documentUri")
    language = cas.document_language if ts.contains_type(DOCUMENT_TYPE) else None
    if language and language != "x-unspecified":
        meta["language"] = language
    return meta
