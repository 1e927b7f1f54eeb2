"""newsspan: an annotated news corpus with standoff span layers (sections, entities, claims).

    import newsspan

    corpus = newsspan.Corpus()                       # the corpus shipped with the installed package
    doc = corpus["000_1afbb3b63b1bfa60"]             # a Document: text, meta, sections, entities, claims
    tokens, tags = doc.iob("entities", doc.sections[6])   # the tokens and IOB2 tags of a section
    report = newsspan.validate("path/to/root")       # problems, errors, warnings, ok
    ds = newsspan.load_dataset("entities")           # a datasets.DatasetDict
    aligned = ds.map(newsspan.align_labels, batched=True, remove_columns=ds["train"].column_names,
                     fn_kwargs={"tokenizer": tokenizer})  # subword labels for a fast transformers tokenizer

``root=None`` always means the corpus that comes with the installed package (the released
documents a wheel carries, or the checkout of an editable install).
"""

from .corpus import Corpus
from .hf import BuildError
from .hf.load import load_dataset
from .model import BODY_SECTIONS, Annotation, Attribution, Claim, Document, Entity, Section, Span, Token
from .report import Problem, Report
from .training import align_labels
from .validator import validate

__version__ = "0.1.0"

__all__ = [
    "Annotation",
    "Attribution",
    "BODY_SECTIONS",
    "BuildError",
    "Claim",
    "Corpus",
    "Document",
    "Entity",
    "Problem",
    "Report",
    "Section",
    "Span",
    "Token",
    "align_labels",
    "load_dataset",
    "validate",
]
