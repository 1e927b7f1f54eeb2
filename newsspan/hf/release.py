"""Writes the Hugging Face folder of a corpus: Parquet per config and split, and the dataset card.

    <out>/README.md                                   card: YAML (configs, dataset_info) + statistics
    <out>/<config>/<split>-00000-of-00001.parquet     one or more shards per config and split

The builder runs programmatically (``datasets>=4`` refuses loading scripts) into a scratch
cache beside the output; only the Parquet files and the card are moved into a staging folder,
which then replaces the previous build whole (``store.replace_folder``). A failed build leaves
the previous one as it was; a build killed midway is undone at the next start
(``store.recover_folder``); no lock file, ``dataset_info.json`` or script ends up in the folder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import datasets

from .. import store
from ..files import Positions
from ..model import Annotation
from ..report import ERROR, Problem, Report
from ..stats import Stats
from ..text import decode
from .builder import Newsspan, checked_selection
from .card import MARKER, render, statistics
from .features import CONFIGS, DEFAULT_CONFIG
from .fingerprint import content_hash
from .rows import TOKEN_CONFIGS, BuildError, BuildProblem
from .selection import Selection
from .splits import SPLITS

CARD = "README.md"
AUTO_NUM_PROC_DOCS = 2000  # from this many documents on, a build uses all cores unless told otherwise
MAX_SHARD_SIZE = 128 * 2**20  # Arrow bytes per Parquet shard: about 30-60 MB of Parquet, several per split at scale


@dataclass
class BuildSummary:
    out: Path
    selection: Selection
    stats: Stats
    splits: dict[str, dict[str, dict]]  # config -> split -> {num_examples, num_bytes, path, ...}
    default: str
    content_key: str
    report: Report  # the validation report (warnings only)
    empty_configs: list[str] = field(default_factory=list)

    def rows(self, config: str, split: str) -> int:
        return self.splits.get(config, {}).get(split, {}).get("num_examples", 0)


def default_out(root: store.Root) -> Path:
    return root.path / "build" / "hf"


def _check_out(root: store.Root, out: Path) -> None:
    """Refuse an output folder whose replacement would destroy something that is no build."""
    r, o = root.path.resolve(), out.resolve()
    if o == r or r.is_relative_to(o):
        raise BuildError(f"refusing to write the build to {out}: it holds the corpus root")
    for protected in (root.corpus, root.annotations, root.path / "schema"):
        if o.is_relative_to(protected.resolve()):
            raise BuildError(f"refusing to write the build into {root.rel(protected)}/")
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise BuildError(f"refusing to replace {out}: it is not a folder")
    if out.is_dir() and any(out.iterdir()):
        card = out / CARD
        try:
            ours = MARKER in decode(card.read_bytes())
        except (OSError, ValueError):  # unreadable, not UTF-8 (DecodeError)
            ours = False
        if not ours:
            raise BuildError(
                f"refusing to replace {out}: it is not empty and holds no newsspan build "
                f"(no {CARD} written by `newsspan build`); choose another --out"
            )


def _move_parquet(builder: Newsspan, dest: Path, config: str) -> dict[str, dict]:
    """Move the builder's Parquet shards into dest/<split>-NNNNN-of-NNNNN.parquet; splits with rows only."""
    src = Path(builder.cache_dir)
    out = {}
    for split, info in (builder.info.splits or {}).items():
        files = sorted(src.glob(f"{builder.dataset_name}-{split}.parquet")) + sorted(
            src.glob(f"{builder.dataset_name}-{split}-*.parquet")
        )
        if not info.num_examples:
            continue  # datasets 5.2 refuses a declared split whose files hold no data
        dest.mkdir(parents=True, exist_ok=True)
        size = 0
        for i, f in enumerate(files):
            target = dest / f"{split}-{i:05d}-of-{len(files):05d}.parquet"
            shutil.move(str(f), target)
            size += target.stat().st_size
        out[split] = {
            "num_examples": info.num_examples,
            "num_bytes": info.num_bytes,
            "download_size": size,
            "path": f"{config}/{split}-*.parquet",
        }
    return {s: out[s] for s in SPLITS if s in out}


@contextlib.contextmanager
def _quiet(progress: bool = False):
    """No info logging from datasets while building (the CLI prints a summary), and no progress
    bars unless progress is asked for (then datasets' own bars show each config being written)."""
    bars = datasets.utils.is_progress_bar_enabled()
    level = datasets.logging.get_verbosity()
    if progress:
        datasets.enable_progress_bars()
    else:
        datasets.disable_progress_bars()
    datasets.logging.set_verbosity_error()
    try:
        yield
    finally:
        datasets.logging.set_verbosity(level)
        if bars:
            datasets.enable_progress_bars()


def build(
    root: store.Root | str | os.PathLike | None = None,
    out: str | os.PathLike | None = None,
    configs: list[str] | None = None,
    include_drafts: bool = False,
    num_proc: int | None = None,
    lock: bool = True,
    max_shard_size: int | str | None = None,
    cache: bool = True,
    batch_size: int | None = None,
    progress: bool = False,
    on_wait=None,
) -> BuildSummary:
    """Validate the corpus and write its Hugging Face folder; BuildError if it cannot be built.

    max_shard_size: the most Arrow data per Parquet file (bytes, or "128MB"; default
    MAX_SHARD_SIZE); a larger split is written as several shards, so that --num-proc workers and
    distributed readers have files to share out. cache=False validates every file afresh instead
    of reusing the root's validation cache (see newsspan.cache). batch_size: documents per Arrow
    batch (a shard ends only between batches). progress=True shows progress bars on stderr
    (validation, then each config as datasets writes it). on_wait(message): called once if
    another command holds the root's lock (the build then waits for it).
    """
    root = store.Root.of(root)
    root.check()
    out = Path(out).absolute() if out is not None else default_out(root).absolute()
    unknown = set(configs or ()) - set(CONFIGS)
    if unknown:
        raise BuildError(f"unknown config {sorted(unknown)[0]!r}: expected one of {', '.join(CONFIGS)}")
    configs = [c for c in CONFIGS if c in set(configs)] if configs else list(CONFIGS)
    # writing() = the lock, then recovery of whatever a killed command left (a build swap included)
    with root.lock(on_wait=on_wait) if lock else contextlib.nullcontext():
        store.recover_folder(out)
        return _build(
            root, out, configs, include_drafts, num_proc, max_shard_size or MAX_SHARD_SIZE, cache, batch_size, progress
        )


def _tokens(staged: Path, splits: dict) -> int | None:
    """Tokens of the corpus, counted from a built token config (no config, no count)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    for config in TOKEN_CONFIGS:
        if config in splits:
            return sum(
                pc.sum(pc.list_value_length(pq.read_table(f, columns=["token_starts"]).column(0))).as_py() or 0
                for f in sorted((staged / config).glob("*.parquet"))
            )
    return None


def _build(root, out, configs, include_drafts, num_proc, max_shard_size, cache, batch_size, progress) -> BuildSummary:
    _check_out(root, out)
    key = content_hash(root, include_drafts)
    selection, report = checked_selection(root, include_drafts, key, cache, progress=progress)
    if not selection.ids:
        raise BuildError(
            f"nothing to release: no document has a layer with status complete or gold "
            f"({len(selection.drafts_left_out)} drafts and {len(selection.unannotated_left_out)} unannotated texts left out)"
            + (f"; {selection.left_out_note()}" if selection.left_out_note() else "")
        )
    if num_proc is None and len(selection.ids) >= AUTO_NUM_PROC_DOCS:
        from ..validator import default_jobs

        num_proc = default_jobs() if default_jobs() > 1 else None
    out.parent.mkdir(parents=True, exist_ok=True)
    work = store.staging_folder(out)  # beside out, so that the final rename stays on one file system
    try:
        staged = work / "hf"
        staged.mkdir()
        splits: dict[str, dict[str, dict]] = {}
        empty = []
        with _quiet(progress):
            for config in configs:
                builder = Newsspan(
                    config_name=config,
                    data_dir=str(root.path),
                    include_drafts=include_drafts,
                    cache_dir=str(work / "cache"),
                    content_key=key,
                    **({"batch_size": batch_size} if batch_size else {}),
                )
                builder.download_and_prepare(file_format="parquet", num_proc=num_proc, max_shard_size=max_shard_size)
                moved = _move_parquet(builder, staged / config, config)
                if moved:
                    splits[config] = moved
                else:
                    empty.append(config)
        if not splits:
            raise BuildError("nothing to release: every config came out empty")
        default = DEFAULT_CONFIG if DEFAULT_CONFIG in splits else next(iter(splits))
        stats = statistics(selection)
        stats.tokens = _tokens(staged, splits)
        # a plain write: the staging folder as a whole is what gets renamed into place
        (staged / CARD).write_text(render(splits, selection, stats, default, key), encoding="utf-8")
        store.replace_folder(staged, out)  # the old build aside, the new one in, the old one removed
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return BuildSummary(out, selection, stats, splits, default, key, report, empty)


def located(root: store.Root, problems: list[BuildProblem]) -> list[Problem]:
    """Build problems as report problems, with the pointer, line and column of the span in its file."""
    out = []
    files: dict[Path, tuple[Annotation | None, Positions | None]] = {}
    for p in problems:
        path = root.annotation_path(p.document_id)
        if path not in files:
            try:
                text = decode(root.read_bytes(path))
                files[path] = (Annotation.loads(text), Positions(text))
            except (OSError, ValueError):
                files[path] = (None, None)
        ann, positions = files[path]
        index = next((i for i, x in enumerate(ann.layer(p.layer)) if x.id == p.span_id), None) if ann else None
        pointer = f"/{p.layer}/{index}" if index is not None else ""
        line, col = positions.locate(pointer) if positions and pointer else (None, None)
        out.append(
            Problem(
                path=root.rel(path),
                check=p.check,
                severity=ERROR,
                message=p.message,
                line=line,
                column=col,
                pointer=pointer,
                document_id=p.document_id,
                hint=p.hint,
            )
        )
    return sorted(out, key=Problem.sort_key)


def render_problems(root: store.Root, problems: list[BuildProblem]) -> str:
    """The build problems as the validator prints its report, then a summary line."""
    from ..report import Report, render_text

    text = render_text(Report(problems=located(root, problems)))
    lines = text.splitlines()[:-1]  # the validator's summary line does not apply
    n = len(problems)
    lines.append(f"newsspan build FAILED: {n} span{'s' * (n != 1)} cannot be tagged; nothing was built")
    return "\n".join(lines) + "\n"


def _where(path: Path) -> str:
    """path as the user can type it: relative to the working directory when inside it."""
    try:
        return path.relative_to(Path.cwd()).as_posix() or "."
    except ValueError:
        return str(path)


def _count(items, noun: str) -> str:
    return f"{len(items)} {noun}{'s' * (len(items) != 1)}"


def render_summary(s: BuildSummary) -> str:
    sel = s.selection
    statuses = ", ".join(f"{k} {v}" for k, v in sorted(s.stats.statuses.items()))
    n = len(sel.ids)
    out = [
        s.report.summary_line(),
        f"released {n} document{'s' * (n != 1)} ({statuses}); left out: {_count(sel.drafts_left_out, 'draft')}, "
        f"{_count(sel.unannotated_left_out, 'text')} without a released layer"
        + (" (--include-drafts)" if sel.include_drafts else ""),
    ]
    note = sel.left_out_note()
    if note:
        out.append(note)
    width = max(len(c) for c in s.splits) if s.splits else 9
    out.append(f"{'config':{width}}  " + "  ".join(f"{x:>10}" for x in SPLITS))
    out += [
        f"{config:{width}}  "
        + "  ".join(f"{per_split[x]['num_examples'] if x in per_split else '-':>10}" for x in SPLITS)
        for config, per_split in s.splits.items()
    ]
    for config in s.empty_configs:
        out.append(f"{config:{width}}  (no rows; left out of the folder)")
    out.append(
        f"wrote {_where(s.out)}/ ({CARD} and {len(s.splits)} config{'s' * (len(s.splits) != 1)}; "
        + (f"{s.stats.tokens} tokens, " if s.stats.tokens is not None else "")
        + f"{sum(s.stats.mentions.values())} entity mentions, {s.stats.claims} claims)"
    )
    config = "entities" if "entities" in s.splits else s.default
    out.append("load it with:")
    out.append(f'  from datasets import load_dataset; ds = load_dataset("{_where(s.out)}", "{config}")')
    return "\n".join(out) + "\n"
