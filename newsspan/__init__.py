"""newsspan: an annotated news corpus with standoff span layers (sections, entities, claims).

    import newsspan

    corpus = newsspan.Corpus()                       # the corpus shipped with the package
    doc = corpus["000_1afbb3b63b1bfa60"]             # a Document: text, meta, sections, entities, claims
    tokens, tags = doc.iob("entities", doc.sections[6])   # the tokens and IOB2 tags of a section
    report = newsspan.validate("path/to/root")       # problems, errors, warnings, ok
    ds = newsspan.load_dataset("entities")           # a datasets.DatasetDict
    aligned = ds.map(newsspan.align_labels, batched=True, remove_columns=ds["train"].column_names,
                     fn_kwargs={"tokenizer": tokenizer})  # subword labels for a fast transformers tokenizer

``root=None`` always means the corpus that comes with the installed package (the released
documents a wheel carries, or the checkout of an editable install).
"""

from __future__ import annotations

import os

from . import schema as _schema
from .corpus import Corpus
from .model import Annotation, Attribution, Claim, Document, Entity, Section, Span, Token
from .training import align_labels

__version__ = "0.1.0"

#: The section labels that hold the article's own prose (headline, headings, paragraphs, block
#: quotes), from the schema's ``bodySectionLabel``. Keep only these rows of the ``entities`` and
#: ``claims`` configs to train on article text without scrape headers, bylines and site chrome.
BODY_SECTIONS: tuple[str, ...] = _schema.body_section_labels()

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


def __getattr__(name: str):
    # imported on first use: `import newsspan` stays cheap (no datasets, no jsonschema)
    if name == "BuildError":
        from .hf import BuildError

        return BuildError
    if name in ("Report", "Problem"):
        from . import report

        return getattr(report, name)
    raise AttributeError(f"module 'newsspan' has no attribute {name!r}")


def validate(root: str | os.PathLike | None = None, paths=()):
    """Check a corpus root against the schemas and every check; returns a :class:`Report`.

    ``report.problems`` lists every problem (``path``, ``line``, ``column``, ``pointer``, ``check``,
    ``severity``, ``document_id``, ``message``, ``hint``), ``report.errors`` and
    ``report.warnings`` those of each severity, and ``report.ok`` is True when there is no error.
    ``root=None`` checks the corpus shipped with the package; ``paths`` (files of the root or
    document ids) checks only those documents, as ``newsspan validate PATH...`` does.
    """
    from . import store
    from .validator import default_jobs, validate_root

    r = store.Root.of(root)
    return validate_root(r, list(paths) or None, jobs=default_jobs(), cache=not r.is_shipped)


def load_dataset(config: str = "documents", *, root=None, include_drafts: bool = False, **kwargs):
    """The corpus as a ``DatasetDict`` of one config, from any working directory.

    ``root=None`` means the corpus shipped with the installed package: the released documents
    a wheel carries, or the checkout of an editable install; a path means the corpus root there
    (a folder holding ``corpus/`` and ``annotations/``). The corpus is validated and built on
    first use, and rebuilt only when the code or the data changed (the build is cached under
    ``<root>/.newsspan-cache/``, or under ``~/.cache/newsspan`` for an installed package).
    Other keyword arguments go to ``datasets.load_dataset`` (``split=``, ``streaming=``, ...).
    Raises :class:`newsspan.BuildError` when the corpus has errors or a span cannot be tagged.
    """
    from .hf.load import load_dataset as _load  # datasets is imported only here: `import newsspan` stays cheap

    return _load(config, root=root, include_drafts=include_drafts, **kwargs)
