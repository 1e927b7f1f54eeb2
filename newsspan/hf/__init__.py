"""The Hugging Face views of the corpus: the rows (``rows``) and features of four configs, the folder
plain ``datasets.load_dataset`` reads (``release.build``), and ``newsspan.load_dataset`` (``load``)."""

CONFIGS = ("documents", "entities", "claims", "sections")
DEFAULT_CONFIG = "documents"


class BuildError(Exception):
    """The corpus cannot be built; ``report`` holds the validation report if it has errors."""

    def __init__(self, message: str, report=None):
        super().__init__(message)
        self.report = report
