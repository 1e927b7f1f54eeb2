"""newsspan: an annotated news corpus (sections, entities, claims) as a ``datasets`` builder.

Reads a corpus root (``data_dir``; by default the corpus shipped with the installed ``newsspan``
package, never the working directory or this file's folder), validates it
(a corpus with errors is refused with the validator's report), and yields Arrow batches for
one of four configs:

- ``documents`` (default): one row per article: id, text, metadata, and the sections, entities
  and claims as lists of spans;
- ``entities``: one row per section: tokens, code-point offsets, IOB2 ``ner_tags``;
- ``claims``: one row per section: tokens, offsets, IOB2 ``claim_tags`` and the claims in it;
- ``sections``: one row per article: its layout blocks in order.

Splits ``train``/``validation``/``test`` come from a hash of the document id (80/10/10)
unless the meta file pins one; a split without documents is not generated.

On ``datasets>=4`` this runs programmatically (``newsspan build`` writes a folder that plain
``load_dataset`` reads); ``loaders/newsspan.py`` exposes it as a loading script for 3.x.
Everything here runs on ``datasets`` 3.6 and 5.x.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import ClassVar

import datasets
import pyarrow as pa

from .. import __version__, store
from ..corpus import Corpus
from ..report import Report
from .features import CONFIGS, DEFAULT_CONFIG, DESCRIPTIONS, features, meta_fields
from .fingerprint import content_hash
from .rows import BuildError, rows
from .selection import Selection, select
from .splits import SPLITS

logger = datasets.utils.logging.get_logger(__name__)

_CITATION = ""
_HOMEPAGE = ""
_LICENSE = "Code: Apache-2.0. Texts: the license of each article is in its metadata; unknown where not known."

_VERSION = datasets.Version(__version__)
_validated: dict[tuple, tuple] = {}  # (content hash, drafts) -> (selection, report): validate and select once


@dataclass
class NewsspanConfig(datasets.BuilderConfig):
    """BuilderConfig for newsspan.

    Args:
        data_dir: (`str`, *optional*): the corpus root (holding corpus/ and annotations/);
            default: the corpus shipped with the installed ``newsspan`` package.
        include_drafts: (`bool`, defaults to False): also release draft layers and texts
            without a released layer.
        batch_size: (`int`, defaults to 64): documents per Arrow batch.
    """

    include_drafts: bool = False
    batch_size: int = 64


def corpus_root(data_dir) -> store.Root:
    """data_dir, else the corpus shipped with the installed package (never the working directory)."""
    return store.Root.of(data_dir or None)


def checked_selection(
    root: store.Root, include_drafts: bool, key: str | None = None, cache: bool = True, progress: bool = False
) -> tuple[Selection, Report]:
    """The released documents of a root and its validation report; BuildError if it does not validate.

    progress=True shows the validation's progress on stderr (newsspan.progress)."""
    from ..validator import default_jobs, validate_root

    root.check()
    done = _validated.get((key, include_drafts)) if key else None
    if done is not None:
        return done
    # all cores, and the root's validation cache: an unchanged corpus is not checked again
    report = validate_root(root, jobs=default_jobs(), progress=progress)
    if not report.ok:
        raise BuildError(
            f"the corpus at {root.path} has errors; nothing was built:\n"
            + "\n".join(f"  {p.path}: {p.check}: {p.message}" for p in report.sorted() if p.severity == "error"),
            report=report,
        )
    done = select(root, include_drafts), report
    if key:
        _validated[(key, include_drafts)] = done
    return done


class Newsspan(datasets.ArrowBasedBuilder):
    BUILDER_CONFIG_CLASS = NewsspanConfig
    VERSION = _VERSION
    BUILDER_CONFIGS: ClassVar[list[NewsspanConfig]] = [
        NewsspanConfig(name=name, version=_VERSION, description=DESCRIPTIONS[name]) for name in CONFIGS
    ]
    DEFAULT_CONFIG_NAME = DEFAULT_CONFIG

    def __init__(self, *args, hash: str | None = None, content_key: str | None = None, **kwargs):
        # datasets keys its cache on `hash`, by default the loading script's hash: a changed corpus
        # would silently reuse the stale build, so the hash also covers the code and the data.
        # content_key: content_hash() of the root, when the caller has just computed it.
        root = corpus_root(kwargs.get("data_dir"))
        self._content_key = content_key or content_hash(root, kwargs.get("include_drafts", False))
        if hash is not None:
            self._content_key = hashlib.sha256(f"{hash}:{self._content_key}".encode()).hexdigest()
        kwargs.setdefault("dataset_name", "newsspan")
        super().__init__(*args, hash=self._content_key, **kwargs)

    def _info(self):
        return datasets.DatasetInfo(
            description=self.config.description,
            features=features(self.config.name),
            homepage=_HOMEPAGE,
            citation=_CITATION,
            license=_LICENSE,
        )

    def _split_generators(self, dl_manager):
        root = corpus_root(self.config.data_dir)
        selection, _ = checked_selection(root, self.config.include_drafts, self._content_key)
        # ids, not documents: a plain list that datasets shares out among --num-proc workers,
        # each of which reads its documents batch by batch
        return [
            datasets.SplitGenerator(name=split, gen_kwargs={"ids": selection.ids_in_split(split)})
            for split in SPLITS
            if selection.ids_in_split(split)
        ]

    def _generate_tables(self, ids):
        corpus = Corpus(corpus_root(self.config.data_dir))
        meta_columns = list(meta_fields()) if self.config.name == "documents" else ()
        size = max(1, self.config.batch_size)
        for batch_idx, first in enumerate(range(0, len(ids), size)):
            batch = [
                row
                for doc_id in ids[first : first + size]
                for row in rows(corpus[doc_id], self.config.name, meta_columns)
            ]
            if not batch:
                continue
            # label names as they are: datasets casts the table to the features (ClassLabel ids included)
            yield (0, batch_idx), pa.Table.from_pylist(batch)
