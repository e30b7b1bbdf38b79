"""``sohoa backup DIR`` and ``sohoa restore DIR`` (embedded profile)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..backup import backup, restore
from . import emit


def _cmd_backup(args: argparse.Namespace) -> int:
    manifest = backup(args.settings, Path(args.dir))
    lines = [
        f"sao lưu / backed up: {len(manifest['databases'])} databases, {manifest['objects']} objects -> {args.dir}"
    ]
    return emit(args, manifest, lines)


def _cmd_restore(args: argparse.Namespace) -> int:
    manifest = restore(args.settings, Path(args.dir))
    lines = [f"khôi phục / restored the backup of {manifest['made_at']} into {args.settings.home}"]
    return emit(args, manifest, lines)


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("backup", help="consistent copy of the embedded home (safe while workers run)")
    p.add_argument("dir", help="new or empty folder")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_backup)

    p = sub.add_parser("restore", help="fill a new SOHOA_HOME from a backup")
    p.add_argument("dir")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_restore)
