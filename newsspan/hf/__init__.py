"""The Hugging Face views of the corpus: features, tokens and tags, the builder, the release folder.

``builder.Newsspan`` is the ``datasets`` builder; ``release.build`` writes the folder that plain
``datasets.load_dataset`` reads; ``load.load_dataset`` is ``newsspan.load_dataset``.
"""

CONFIGS = ("documents", "entities", "claims", "sections")
DEFAULT_CONFIG = "documents"
