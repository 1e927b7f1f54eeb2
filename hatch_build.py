"""Hatch build hook: the wheel carries the published corpus, so `pip install` alone gives
`newsspan.load_dataset(config)` and `newsspan.Corpus()` something to read from any directory.

Released documents are those whose layer in annotations/<id>.json has a status listed in the
schema's `$defs/releasedStatus` (complete, gold). Of those, a text whose license may travel
(`newsspan.publish.travels`) goes to `newsspan/_corpus/{corpus,annotations}/` with its metadata
and layer; any other goes as standoff only, `newsspan/_corpus/standoff/<id>.json` (no text, no
quote: `newsspan rehydrate` restores it from the user's own copy). `newsspan/_corpus/release.json`
records the version and the corpus revision. Drafts, texts without a layer and the per-annotator
sets stay in the repository. An editable install reads the checkout instead.
"""

from __future__ import annotations

import importlib
import shutil
import sys
import tempfile
import types
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

TARGET = "newsspan/_corpus"


def publish_module(root: Path):
    """newsspan.publish, imported without running the package's __init__, which imports datasets and
    the other dependencies that hatchling's isolated build environment lacks (publish and schema
    need only the standard library). The interpreter's modules are left as they were."""
    names = ("newsspan", "newsspan.schema", "newsspan.publish")
    saved = {name: sys.modules.pop(name) for name in names if name in sys.modules}
    package = types.ModuleType("newsspan")
    package.__path__ = [str(root / "newsspan")]
    sys.modules["newsspan"] = package
    try:
        return importlib.import_module("newsspan.publish")
    finally:
        for name in names:
            sys.modules.pop(name, None)
        sys.modules.update(saved)


class CorpusHook(BuildHookInterface):
    PLUGIN_NAME = "newsspan-corpus"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        self.generated = Path(tempfile.mkdtemp(prefix="newsspan-wheel-"))
        files = publish_module(Path(self.root)).shipped(Path(self.root), self.metadata.version, self.generated)
        build_data["force_include"].update({src: f"{TARGET}/{dest}" for src, dest in files.items()})

    def finalize(self, version: str, build_data: dict, artifact_path: str) -> None:
        if getattr(self, "generated", None) is not None:
            shutil.rmtree(self.generated, ignore_errors=True)
