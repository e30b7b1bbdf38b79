"""The generator's options for a larger or heavier dev set (``--scale``, ``--heavy``): plans only, nothing rendered."""

from __future__ import annotations

import importlib
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def samplegen(module: str) -> ModuleType:
    scripts = str(ROOT / "scripts")
    if scripts not in sys.path:
        sys.path.insert(0, scripts)
    return importlib.import_module(f"samplegen.{module}")


@pytest.fixture(scope="module")
def splits() -> ModuleType:
    samplegen("fonts").check_fonts("auto")
    return samplegen("splits")


def _key(plans: list) -> list[tuple[str, str, str | None]]:
    return [(p.filing.level, p.spec.doc_subtype, p.spec.so_ky_hieu) for p in plans]


def test_defaults_give_the_standard_split(splits: ModuleType) -> None:
    assert _key(splits.plan_split("dev", 7)) == _key(splits.plan_split("dev", 7, scale=1, heavy=False))


def test_scale_multiplies_the_documents_of_every_recipe(splits: ModuleType) -> None:
    one, two = splits.plan_split("dev", 7), splits.plan_split("dev", 7, scale=2)

    def originals(plans: list) -> Counter[str]:
        return Counter(p.spec.doc_subtype for p in plans if not p.filing.duplicate)

    assert {k: 2 * v for k, v in originals(one).items()} == originals(two)
    # the larger set still names only the dev split's places
    heldout = splits.PLACES["heldout"].provinces
    assert not [p for p in two if any(prov in str(p.spec.co_quan) for prov in heldout)]


def test_heavy_draws_most_scans_from_the_hard_levels(splits: ModuleType) -> None:
    hard = {"L2_medium", "L3_heavy", "L3_severe"}

    def share(plans: list) -> float:
        return sum(p.filing.level in hard for p in plans) / len(plans)

    assert share(splits.plan_split("dev", 7, scale=2, heavy=True)) >= 0.75
    assert share(splits.plan_split("dev", 7, scale=2)) < 0.75
    assert sum(splits.HEAVY_SHARES.values()) == pytest.approx(1.0)


def test_scale_below_one_is_refused(splits: ModuleType) -> None:
    with pytest.raises(ValueError, match="scale"):
        splits.plan_split("dev", 7, scale=0)


def test_the_default_set_refuses_the_widening_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        samplegen("cli").main(["unused-out-dir", "--scale", "2"])
    assert "dev and heldout" in capsys.readouterr().err
