"""``sohoa train``: train the classifier of type and lĩnh vực on staff corrections and confirmations, and store it.

Workers pick the new model up within a minute; it decides only where the rules are unsure.
"""

from __future__ import annotations

import argparse
from typing import Any

from ..context import Context
from ..learn.model import MIN_EXAMPLES
from ..learn.service import MODEL_KEY, train_and_save
from . import emit

_TARGET_NAMES = {"doc_type": "loại văn bản / type", "field": "lĩnh vực / field"}


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _lines(meta: dict[str, Any], saved: bool) -> list[str]:
    lines = [f"{meta['examples']} tài liệu có nhãn / labelled documents, {meta['staff_examples']} by staff"]
    for target, report in meta["targets"].items():
        lines.append(f"\n{_TARGET_NAMES.get(target, target)}:")
        lines.append(f"  {'class':<28} {'staff':>6} {'rules':>6}  model may decide")
        for code in sorted({*report["staff"], *report["rules"]}):
            decides = "yes" if code in report["decidable"] else ""
            lines.append(f"  {code:<28} {report['staff'].get(code, 0):>6} {report['rules'].get(code, 0):>6}  {decides}")
        if report["trained"]:
            lines.append(
                f"  cross-validated accuracy ({report['cv_folds']}-fold): {_percent(report['cv_accuracy'])}"
                f", on staff labels: {_percent(report['cv_accuracy_staff'])}"
            )
        else:
            lines.append("  không đủ dữ liệu / not enough labels (needs two classes)")
    if saved:
        lines.append(f"\nđã lưu / saved {MODEL_KEY} ({meta['seconds']} s)")
    else:
        lines.append("\nchưa lưu / nothing saved: correct or confirm more documents first")
    return lines


def _cmd_train(args: argparse.Namespace) -> int:
    with Context.open(args.settings) as ctx:
        model = train_and_save(ctx, min_examples=args.min_examples, cross_validate=not args.no_cv)
    saved = bool(model.models)
    emit(args, model.meta | {"saved": saved, "key": MODEL_KEY if saved else None}, _lines(model.meta, saved))
    return 0 if saved else 1


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("train", help="learn type and field from staff corrections; used where the rules are unsure")
    p.add_argument(
        "--min-examples",
        type=int,
        default=MIN_EXAMPLES,
        metavar="N",
        help=f"staff labels a class needs before the model may name it (default {MIN_EXAMPLES})",
    )
    p.add_argument("--no-cv", action="store_true", help="skip the cross-validated accuracy (faster)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_train)
