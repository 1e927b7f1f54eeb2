"""newsspan as a ``datasets`` builder: the loading script of ``datasets<4`` (``loaders/newsspan.py``).

Reads a corpus root (``data_dir``; by default the corpus shipped with the installed ``newsspan``
package, never the working directory or the script's folder), refuses it with the validator's
report if it has errors, and yields Arrow tables of the rows of one config (:func:`.rows.rows`),
in the splits that hold documents. ``newsspan build`` writes the same rows without a builder;
on ``datasets>=4``, which runs no loading scripts, load the folder it writes. Runs on 3.6 and 5.x.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import datasets

from .. import __version__, store
from ..corpus import Corpus
from . import CONFIGS, DEFAULT_CONFIG
from .features import DESCRIPTIONS, features, tables
from .fingerprint import content_hash
from .release import BATCH_SIZE, checked_selection
from .rows import rows
from .splits import SPLITS

_VERSION = datasets.Version(__version__)


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
    batch_size: int = BATCH_SIZE


def _root(data_dir) -> store.Root:
    return store.Root(data_dir) if data_dir else store.Root.shipped()


class Newsspan(datasets.ArrowBasedBuilder):
    BUILDER_CONFIG_CLASS = NewsspanConfig
    VERSION = _VERSION
    BUILDER_CONFIGS: ClassVar[list[NewsspanConfig]] = [
        NewsspanConfig(name=name, version=_VERSION, description=DESCRIPTIONS[name]) for name in CONFIGS
    ]
    DEFAULT_CONFIG_NAME = DEFAULT_CONFIG

    def __init__(self, *args, hash: str | None = None, **kwargs):
        # datasets keys its cache on `hash`, by default the script's: the content hash makes a
        # changed corpus or code a new build instead of a stale one
        key = content_hash(_root(kwargs.get("data_dir")), kwargs.get("include_drafts", False), hash)
        kwargs.setdefault("dataset_name", "newsspan")
        super().__init__(*args, hash=key, **kwargs)

    def _info(self):
        return datasets.DatasetInfo(
            description=self.config.description,
            features=features(self.config.name),
            license="Code: Apache-2.0. Texts: the license of each article is in its metadata; unknown where not known.",
        )

    def _split_generators(self, dl_manager):
        release, _ = checked_selection(_root(self.config.data_dir), self.config.include_drafts)
        return [
            datasets.SplitGenerator(name=split, gen_kwargs={"ids": release.ids_in_split(split)})
            for split in SPLITS
            if release.ids_in_split(split)
        ]

    def _generate_tables(self, ids):
        corpus, config = Corpus(_root(self.config.data_dir)), self.config.name
        table, size = tables(config), max(1, self.config.batch_size)
        for first in range(0, len(ids), size):
            batch = [row for doc_id in ids[first : first + size] for row in rows(corpus[doc_id], config)]
            if batch:
                yield first, table(batch)
