"""Annotation-tool formats, one module each: ``importers()[fmt](path, unit, **options) -> Parsed`` and
``exporters()[fmt](docs) -> {name: bytes}`` ("" names a one-file format's file); a reader's docstring is its --help."""

from __future__ import annotations

from types import ModuleType

from . import brat, conll, conllu, doccano, labelmap, labelstudio, offsets, prodigy, uima, webanno  # noqa: F401 - labelmap and offsets: API
from .tool import DEFAULT_ENTITY_FEATURE as DEFAULT_ENTITY_FEATURE
from .tool import DEFAULT_ENTITY_LAYER as DEFAULT_ENTITY_LAYER
from .tool import FormatError as FormatError
from .tool import Parsed as Parsed
from .tool import ToolDoc as ToolDoc
from .tool import ToolSpan as ToolSpan

_READERS = {m.__name__.rsplit(".")[-1]: m for m in (brat, labelstudio, doccano, prodigy, webanno, conllu, uima)}
_WRITERS = {m.__name__.rsplit(".")[-1]: m.export for m in (brat, conll, labelstudio, prodigy, doccano, webanno, conllu)}
_WRITERS["spacy"] = prodigy.docbin  # a spaCy DocBin, with spaCy an optional extra
IMPORT_FORMATS = tuple(_READERS)
EXPORT_FORMATS = tuple(_WRITERS)
FOLDER_FORMATS = ("brat", "webanno")  # their export is a folder of files (one file for the others)
OFFSET_FORMATS = ("brat", "labelstudio", "doccano", "prodigy")  # take --offsets (the others fix their unit)
LAYER_FORMATS = ("webanno", "uima")  # take --entity-layer / --entity-feature


def importers() -> dict:
    return {fmt: module.load for fmt, module in _READERS.items()}


def exporters() -> dict:
    return dict(_WRITERS)


def import_module(fmt: str) -> ModuleType:
    """The reader module of an import format."""
    return _READERS[fmt]


def wanted(fmt: str, options: dict) -> str:
    """What a reader looked for, in the words of its options (for the error when it found nothing)."""
    if fmt == "conllu" and options.get("ner_key"):
        return f"BIO tags in the MISC key {options['ner_key']!r}"
    if fmt == "conllu":
        return "CorefUD Entity= brackets in MISC (pass --ner-key KEY for BIO tags)"
    layer = options.get("entity_layer") or DEFAULT_ENTITY_LAYER
    return f"annotations of the layer {layer} (pass --entity-layer and --entity-feature)"
