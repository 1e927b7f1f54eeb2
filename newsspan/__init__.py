"""newsspan: an annotated news corpus with standoff span layers (sections, entities, claims).

The public API:

- :func:`newsspan.load_dataset` returns the corpus as a ``datasets.DatasetDict`` (config
  ``documents``, ``entities``, ``claims`` or ``sections``), building it when the corpus changed.
- :func:`newsspan.align_labels` turns rows of the ``entities`` / ``claims`` configs into subword
  inputs and labels for any fast ``transformers`` tokenizer (:mod:`newsspan.training`).
- :func:`newsspan.validate.validate_root` checks a corpus root and returns a :class:`newsspan.report.Report`.
- :mod:`newsspan.schema` holds the label sets read from ``schema/*.json`` (the single source of truth).
- :mod:`newsspan.store` is the only module that knows the on-disk layout.
"""

__version__ = "0.1.0"

from . import schema as _schema
from .training import align_labels

__all__ = ["BODY_SECTIONS", "BuildError", "align_labels", "load_dataset"]

#: The section labels that hold the article's own prose (headline, headings, paragraphs, block
#: quotes), from the schema's ``bodySectionLabel``. Keep only these rows of the ``entities`` and
#: ``claims`` configs to train on article text without scrape headers, bylines and site chrome.
BODY_SECTIONS: tuple[str, ...] = _schema.body_section_labels()


def __getattr__(name: str):
    # newsspan.BuildError on first use: importing it here cost every command (validate included)
    # the import of the row builders
    if name == "BuildError":
        from .hf.rows import BuildError

        return BuildError
    raise AttributeError(f"module 'newsspan' has no attribute {name!r}")


def load_dataset(config: str = "documents", *, root=None, include_drafts: bool = False, **kwargs):
    """The corpus as a ``DatasetDict`` of one config, from any working directory.

    ``root=None`` means the corpus of the checkout this package is installed from (or
    ``NEWSSPAN_ROOT``). The corpus is validated and built on first use, and rebuilt only when
    the code or the data changed (the build is cached under ``<root>/.newsspan-cache/``).
    Other keyword arguments go to ``datasets.load_dataset`` (``split=``, ``streaming=``, ...).
    Raises :class:`newsspan.BuildError` when the corpus has errors or a span cannot be tagged.
    """
    from .hf.load import load_dataset as _load  # datasets is imported only here: `import newsspan` stays cheap

    return _load(config, root=root, include_drafts=include_drafts, **kwargs)
