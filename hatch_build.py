"""Hatch build hook: the wheel carries the released corpus, so `pip install` alone gives
`newsspan.load_dataset(config)` and `newsspan.Corpus()` something to read from any directory.

Released documents are those whose layer in annotations/<id>.json has a status listed in the
schema's `$defs/releasedStatus` (complete, gold): their text, metadata and annotation file go
to `newsspan/_corpus/{corpus,annotations}/` in the wheel. Drafts, texts without a layer and the
per-annotator sets stay in the repository. An editable install reads the checkout instead.
"""

from __future__ import annotations

import json
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

TARGET = "newsspan/_corpus"


def released_files(root: Path) -> dict[str, str]:
    """{source path: path in the wheel} for every file of every released document of root."""
    schema = json.loads((root / "schema" / "annotation.schema.json").read_text(encoding="utf-8"))
    released = set(schema["$defs"]["releasedStatus"]["enum"])
    out = {}
    for ann in sorted((root / "annotations").glob("*.json")):
        try:
            status = json.loads(ann.read_text(encoding="utf-8")).get("status")
        except (OSError, ValueError, AttributeError) as e:
            raise RuntimeError(
                f"{ann}: cannot be read ({e}); run `newsspan validate` before building a wheel"
            ) from None
        if status not in released:
            continue
        doc = ann.name[: -len(".json")]
        for src, dest in (
            (root / "corpus" / f"{doc}.txt", f"corpus/{doc}.txt"),
            (root / "corpus" / f"{doc}.meta.json", f"corpus/{doc}.meta.json"),
            (ann, f"annotations/{doc}.json"),
        ):
            if not src.is_file():
                raise RuntimeError(f"{src} is missing for the released document {doc}; run `newsspan validate`")
            out[str(src)] = f"{TARGET}/{dest}"
    return out


class CorpusHook(BuildHookInterface):
    PLUGIN_NAME = "newsspan-corpus"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        build_data["force_include"].update(released_files(Path(self.root)))
