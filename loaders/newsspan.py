"""newsspan as a classic loading script, for ``datasets`` 3.x (``datasets>=4`` refuses scripts).

    from datasets import load_dataset
    ds = load_dataset("loaders/newsspan.py", "entities", trust_remote_code=True)
    ds = load_dataset("loaders/newsspan.py", "entities", data_dir="/path/to/corpus/root", trust_remote_code=True)

Configs: ``documents`` (default; one row per article), ``entities`` and ``claims`` (one row per
section: tokens, offsets, IOB2 tags), ``sections`` (one row per article: its layout blocks). The
corpus root is ``data_dir``, by default the corpus of the installed ``newsspan`` package:
``datasets`` copies this file into its module cache before running it, so never this file's
location or the working directory. A root with errors is refused with the validator's report.
The rows, features and splits are those of ``newsspan build`` (``newsspan.hf``), which writes a
folder that plain ``load_dataset`` reads on any ``datasets``: on ``datasets>=4``, load that.
"""

from dataclasses import dataclass
from typing import ClassVar

import datasets

from newsspan import Corpus, __version__, store
from newsspan.hf import CONFIGS, DEFAULT_CONFIG
from newsspan.hf.features import DESCRIPTIONS, features, tables
from newsspan.hf.fingerprint import content_hash
from newsspan.hf.release import BATCH_SIZE, checked_selection
from newsspan.hf.rows import rows
from newsspan.model import SPLITS

VERSION = datasets.Version(__version__)


@dataclass
class NewsspanConfig(datasets.BuilderConfig):
    """``data_dir``: the corpus root (default: the installed package's); ``include_drafts``: also
    release draft layers and texts without one; ``batch_size``: documents per Arrow batch."""

    include_drafts: bool = False
    batch_size: int = BATCH_SIZE


def _root(data_dir) -> store.Root:
    return store.Root.of(data_dir or None)


class Newsspan(datasets.ArrowBasedBuilder):
    """The newsspan builder (configs: documents, entities, claims, sections)."""

    BUILDER_CONFIG_CLASS = NewsspanConfig
    BUILDER_CONFIGS: ClassVar[list] = [
        NewsspanConfig(name=c, version=VERSION, description=DESCRIPTIONS[c]) for c in CONFIGS
    ]
    DEFAULT_CONFIG_NAME = DEFAULT_CONFIG

    def __init__(self, *args, hash=None, **kwargs):
        # datasets keys its cache on `hash` (by default this script's): the content hash of the
        # code and corpus makes a changed corpus a new build instead of a stale one
        key = content_hash(_root(kwargs.get("data_dir")), kwargs.get("include_drafts", False), hash)
        super().__init__(*args, hash=key, **{"dataset_name": "newsspan", **kwargs})

    def _info(self):
        return datasets.DatasetInfo(
            description=self.config.description,
            features=features(self.config.name),
            license="Code: Apache-2.0. Texts: the license of each article is in its metadata; unknown where not known.",
        )

    def _split_generators(self, dl_manager):
        release, _ = checked_selection(_root(self.config.data_dir), self.config.include_drafts)
        ids = {split: release.ids_in_split(split) for split in SPLITS}
        return [datasets.SplitGenerator(name=s, gen_kwargs={"ids": ids[s]}) for s in SPLITS if ids[s]]

    def _generate_tables(self, ids):
        corpus, config = Corpus(_root(self.config.data_dir)), self.config.name
        table, size = tables(config), max(1, self.config.batch_size)
        for first in range(0, len(ids), size):
            batch = [row for doc_id in ids[first : first + size] for row in rows(corpus[doc_id], [config])[config]]
            if batch:
                yield first, table(batch)
