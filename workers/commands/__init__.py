"""Subcommand groups of ``sohoa`` that live in their own modules. Each module exposes
``add_commands(subparsers)``; ``workers.cli`` calls them in this order."""

from __future__ import annotations

import argparse
import importlib
import json
from typing import Any

COMMAND_MODULES = (
    "workers.commands.maintenance",
    "workers.commands.register",
    "workers.commands.users",
    "workers.commands.backup",
    "workers.commands.dossiers",
    "workers.commands.train",
)


def add_all(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_commands(sub)


def print_json(data: Any) -> None:
    """One JSON document on one line, non-ASCII kept readable (Vietnamese), dates as text."""
    print(json.dumps(data, ensure_ascii=False, default=str))


def emit(args: argparse.Namespace, data: Any, lines: list[str]) -> int:
    """Print ``data`` as JSON with ``--json``, else ``lines`` for a person; returns exit code 0."""
    if args.json:
        print_json(data)
    else:
        print("\n".join(lines))
    return 0
