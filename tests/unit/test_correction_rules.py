"""What a correction may not say: a số ký hiệu that is no số ký hiệu, a validity that ends before issue."""

from __future__ import annotations

import pytest

from workers.corrections import _clean, check_validity_dates, looks_like_so_ky_hieu
from workers.errors import PermanentError


@pytest.mark.parametrize("value", ["12/GP-SCT", "45/QĐ-SCT", "05/2024/QĐ-UBND", "Số: 123/2023/NĐ-CP", "15 / gp-sct"])
def test_real_numbers_pass(value: str) -> None:
    assert looks_like_so_ky_hieu(value)
    assert _clean("so_ky_hieu", value) == value.strip()


@pytest.mark.parametrize("value", ["!!! ???", "12/!!!", "GP-SCT", "12", "không rõ"])
def test_what_is_no_number_is_refused(value: str) -> None:
    with pytest.raises(PermanentError) as refused:
        _clean("so_ky_hieu", value)
    assert refused.value.code == "bad_value" and "12/GP-SCT" in refused.value.message  # says what one looks like


def test_validity_may_not_end_before_issue() -> None:
    record = {"ngay_ban_hanh": "2023-03-15", "hieu_luc_den": "2028-03-15"}
    check_validity_dates(record, {"hieu_luc_den": "2023-03-15"})  # the same day is fine
    check_validity_dates(record, {"hieu_luc_den": None})  # no end
    with pytest.raises(PermanentError) as refused:
        check_validity_dates(record, {"hieu_luc_den": "2020-01-01"})
    assert "01/01/2020" in refused.value.message and "15/03/2023" in refused.value.message
    with pytest.raises(PermanentError):
        check_validity_dates(record, {"ngay_ban_hanh": "2029-01-01"})  # moving the issue date past the end
