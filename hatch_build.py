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
import json
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


def _json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise RuntimeError(f"{path}: cannot be read ({e}); run `newsspan validate` before building a wheel") from None


def shipped_files(root: Path, version: str, out: Path) -> dict[str, str]:
    """{source path: path in the wheel} of the published corpus of root; the standoff files and
    release.json are written into out, a folder of the build's own."""
    publish = publish_module(root)
    released = set(_json(root / "schema" / "annotation.schema.json")["$defs"]["releasedStatus"]["enum"])
    files, published, withheld = {}, [], []
    for ann_path in sorted((root / "annotations").glob("*.json")):
        ann = _json(ann_path)
        if not isinstance(ann, dict) or ann.get("status") not in released:
            continue
        doc = ann_path.name[: -len(".json")]
        text, meta_path = root / "corpus" / f"{doc}.txt", root / "corpus" / f"{doc}.meta.json"
        for src in (text, meta_path):
            if not src.is_file():
                raise RuntimeError(f"{src} is missing for the released document {doc}; run `newsspan validate`")
        meta = _json(meta_path)
        if publish.travels(meta):
            published.append(doc)
            for src, dest in (
                (text, f"corpus/{doc}.txt"),
                (meta_path, f"corpus/{doc}.meta.json"),
                (ann_path, f"annotations/{doc}.json"),
            ):
                files[str(src)] = f"{TARGET}/{dest}"
        else:
            withheld.append(doc)
            form = publish.standoff(meta, ann, text.read_bytes().decode("utf-8"))
            dest = out / publish.STANDOFF / f"{doc}.json"
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(json.dumps(form, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            files[str(dest)] = f"{TARGET}/{publish.STANDOFF}/{doc}.json"
    record = out / publish.RELEASE
    record.write_text(json.dumps(publish.record(version, root, published, withheld), indent=2) + "\n", encoding="utf-8")
    files[str(record)] = f"{TARGET}/{publish.RELEASE}"
    return files


class CorpusHook(BuildHookInterface):
    PLUGIN_NAME = "newsspan-corpus"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        self.generated = Path(tempfile.mkdtemp(prefix="newsspan-wheel-"))
        build_data["force_include"].update(shipped_files(Path(self.root), self.metadata.version, self.generated))

    def finalize(self, version: str, build_data: dict, artifact_path: str) -> None:
        if getattr(self, "generated", None) is not None:
            shutil.rmtree(self.generated, ignore_errors=True)
