"""Coverage-guided fuzzing of the annotation reader and checks, with atheris (libFuzzer).

    pip install atheris                                      # a wheel for CPython 3.8-3.11 on Linux x86-64
    python fuzz/fuzz_annotation.py fuzz/corpus -max_total_time=300   # fuzz; new inputs are added to fuzz/corpus
    python fuzz/fuzz_annotation.py --replay fuzz/corpus      # plain Python, no atheris: replay every input

Each input is the bytes of annotations/tiny.json in a small valid root (the test fixture's
text). The target fails on: any exception escaping the validator, an `internal-error`
problem (a check crashed), and a file that validates although an independent reading
(strict json + jsonschema on the raw schema) rejects it. `tests/test_properties.py` replays
the committed corpus in CI; docs/reliability.md records the last fuzzing run.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
VALID = REPO / "tests" / "fixtures" / "valid"


def _load_validator():
    global validate_root, jsonschema
    import jsonschema

    from newsspan.validator import validate_root


class Target:
    def __init__(self):
        base = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
        self.tmp = Path(tempfile.mkdtemp(prefix="newsspan-fuzz-", dir=base))
        self.root = self.tmp / "root"
        shutil.copytree(VALID, self.root)
        self.path = self.root / "annotations" / "tiny.json"
        self.schema = jsonschema.Draft202012Validator(
            json.loads((REPO / "schema" / "annotation.schema.json").read_text(encoding="utf-8"))
        )

    def close(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def oracle_accepts(self, data: bytes) -> bool:
        def no_dupes(pairs):
            if len({k for k, _ in pairs}) != len(pairs):
                raise ValueError("duplicate key")
            return dict(pairs)

        def no_constants(name):
            raise ValueError(name)

        try:
            if data.startswith(b"\xef\xbb\xbf"):
                return False
            value = json.loads(data.decode("utf-8"), object_pairs_hook=no_dupes, parse_constant=no_constants)
        except (ValueError, RecursionError):
            return False
        return isinstance(value, dict) and self.schema.is_valid(value) and value.get("document_id") == "tiny"

    def __call__(self, data: bytes) -> None:
        self.path.write_bytes(data)
        report = validate_root(self.root)
        crashed = [p for p in report.problems if p.check == "internal-error"]
        if crashed:
            raise AssertionError(f"a check crashed: {crashed[0].message}")
        if report.ok and not self.oracle_accepts(data):
            raise AssertionError("the validator passed a file that strict JSON + the schema reject")


def replay(folder: Path) -> int:
    _load_validator()
    target = Target()
    try:
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        for p in files:
            try:
                target(p.read_bytes())
            except Exception as e:  # any exception the target lets out is a finding, named with its input
                raise SystemExit(f"{p}: {type(e).__name__}: {e}") from e
    finally:
        target.close()
    print(f"replayed {len(files)} inputs from {folder}: no crash, no internal-error, nothing invalid passed")
    return 0


def fuzz(argv: list[str]) -> None:
    import atheris

    with atheris.instrument_imports(include=["newsspan"]):
        _load_validator()
    target = Target()
    atheris.Setup(argv, target)
    atheris.Fuzz()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--replay":
        sys.exit(replay(Path(sys.argv[2])))
    fuzz(sys.argv)
