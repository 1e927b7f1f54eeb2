"""The Hugging Face views of the corpus: the rows and features of four configs, the release folder.

``rows.rows`` turns a document into the rows of a config; ``release.build`` writes the folder
that plain ``datasets.load_dataset`` reads; ``load.load_dataset`` is ``newsspan.load_dataset``.
(``loaders/newsspan.py`` serves the same rows as a loading script to ``datasets<4``.)
"""

CONFIGS = ("documents", "entities", "claims", "sections")
DEFAULT_CONFIG = "documents"


class BuildError(Exception):
    """The corpus cannot be built; ``report`` holds the validation report when it has errors."""

    def __init__(self, message: str, report=None):
        super().__init__(message)
        self.report = report
