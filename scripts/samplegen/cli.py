"""Generate a small, deterministic set of synthetic scanned Vietnamese administrative documents.

The default set is the one the tests and the demo use; ``--split dev`` and ``--split heldout`` write the widened
sets of :mod:`samplegen.splits` (the held-out one is for measuring only, never for writing rules).

Writes ``OUT_DIR/files/doc_NNNN.{png,jpg,tif,pdf}``, ``OUT_DIR/gt/doc_NNNN.{json,txt}``,
``OUT_DIR/gt/coverage.json``, ``OUT_DIR/valid_results_register.csv``, the one-stop system's
``OUT_DIR/dossier_list.csv`` with its answer key ``OUT_DIR/gt/dossiers.json`` and, last of all,
``OUT_DIR/manifest.csv`` (its presence means "generation complete").
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from pathlib import Path
from typing import Any

from reportlab import rl_config

from .compose import compose
from .dossiers import LIST_FIELDS, answer_key, list_rows, sample_entries, split_entries
from .fonts import FAMILIES, check_coverage, check_fonts
from .plan import FilePlan, plan_files
from .splits import SPLIT_SEEDS, plan_split
from .truth import REGISTER_FIELDS, coverage, gt_record, register_rows
from .writer import FMT_EXT, write_file

DEFAULT_SEED = 20240924
SPLITS = ("samples", "dev", "heldout")


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def generate(
    out_dir: Path, seed: int, font: str = "auto", split: str = "samples", scale: int = 1, heavy: bool = False
) -> list[dict[str, Any]]:
    """Write the whole set ``split`` for ``seed`` into ``out_dir``; returns the ground-truth records in file order.

    ``scale`` and ``heavy`` widen a dev or held-out split (see :func:`samplegen.splits.plan_split`); the default
    set ignores them. Earlier ``doc_*`` files and the manifest are removed first; the manifest is written last,
    atomically, so a reader that sees it sees a complete set.
    """
    check_fonts(font)
    rl_config.useA85 = 0  # binary image streams: smaller and faster
    files_dir, gt_dir = out_dir / "files", out_dir / "gt"
    files_dir.mkdir(parents=True, exist_ok=True)
    gt_dir.mkdir(parents=True, exist_ok=True)
    manifest = out_dir / "manifest.csv"
    manifest.unlink(missing_ok=True)  # absent until the set is complete
    for stale in [*files_dir.glob("doc_*"), *gt_dir.glob("doc_*")]:
        stale.unlink()
    plans: list[FilePlan] = plan_files(seed) if split == "samples" else plan_split(split, seed, scale, heavy)
    check_coverage([ln.text for plan in plans for pg in compose(plan.spec) for ln in pg.lines])
    gts: list[dict[str, Any]] = []
    man_rows: list[list[Any]] = []
    for idx, plan in enumerate(plans, start=1):
        layouts = compose(plan.spec)
        if len(layouts) != plan.filing.pages:
            raise RuntimeError(f"doc {idx}: layout gave {len(layouts)} pages, planned {plan.filing.pages}")
        stem = f"doc_{idx:04d}"
        fname = f"{stem}.{FMT_EXT[plan.filing.fmt]}"
        path = files_dir / fname
        page_data = write_file(plan, layouts, path, seed, idx)
        gt = gt_record(plan, stem, fname, page_data)
        gts.append(gt)
        _write_json(gt_dir / f"{stem}.json", gt)
        (gt_dir / f"{stem}.txt").write_text(gt["text"], encoding="utf-8")
        man_rows.append([fname, plan.filing.fmt, gt["pages"], plan.filing.level, path.stat().st_size])
    register = register_rows(plans) if split == "samples" else register_rows(plans, [])
    with (out_dir / "valid_results_register.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=REGISTER_FIELDS, lineterminator="\n")
        w.writeheader()
        w.writerows(register)
    _write_json(gt_dir / "coverage.json", coverage(register, gts))
    fnames = [g["file"] for g in gts]
    entries = sample_entries(plans, fnames) if split == "samples" else split_entries(plans, fnames, seed)
    with (out_dir / "dossier_list.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=LIST_FIELDS, lineterminator="\n")
        w.writeheader()
        w.writerows(list_rows(entries))
    _write_json(gt_dir / "dossiers.json", answer_key(entries))
    tmp = out_dir / "manifest.csv.tmp"
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        mw = csv.writer(fh, lineterminator="\n")
        mw.writerow(["file", "format", "pages", "level", "bytes"])
        mw.writerows(man_rows)
    tmp.replace(manifest)
    return gts


def main(argv: list[str] | None = None) -> int:
    """Command line: ``OUT_DIR [--seed N] [--split SPLIT] [--font FAMILY]``; returns the exit status."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--seed", type=int, help=f"default {DEFAULT_SEED}, or the split's own seed")
    ap.add_argument(
        "--split",
        choices=SPLITS,
        default="samples",
        help="samples: the default set; dev / heldout: the widened sets (layouts, issuers, types, scans)",
    )
    ap.add_argument("--scale", type=int, default=1, help="dev/heldout: documents per recipe times N (default 1)")
    ap.add_argument("--heavy", action="store_true", help="dev/heldout: draw most scans from L2 to L3_severe")
    ap.add_argument(
        "--font",
        choices=["auto", *FAMILIES],
        default="auto",
        help="serif family (auto: Liberation Serif 2.x if installed, else Noto Serif)",
    )
    args = ap.parse_args(argv)
    t0 = time.monotonic()
    seed = args.seed if args.seed is not None else SPLIT_SEEDS.get(args.split, DEFAULT_SEED)
    if args.split == "samples" and (args.scale != 1 or args.heavy):
        ap.error("--scale and --heavy widen the dev and heldout splits only")
    if args.scale < 1:
        ap.error("--scale must be 1 or more")
    gts = generate(args.out_dir, seed, args.font, args.split, args.scale, args.heavy)
    pages = sum(g["pages"] for g in gts)
    print(f"make_samples: {len(gts)} files, {pages} pages -> {args.out_dir} ({time.monotonic() - t0:.1f} s)")
    return 0
