from __future__ import annotations

import unicodedata

from workers.textnorm import fold, has_diacritics, normalize


def test_fold_removes_all_diacritics_including_d_bar() -> None:
    assert fold("Giấy phép bán lẻ rượu") == "giay phep ban le ruou"
    assert fold("ĐIỆN LỰC Đồng Đăng") == "dien luc dong dang"


def test_fold_is_stable_for_decomposed_input() -> None:
    decomposed = unicodedata.normalize("NFD", "Quyết định số 1429/QĐ-UBND")
    assert fold(decomposed) == "quyet dinh so 1429/qd-ubnd"
    assert normalize(decomposed) == normalize("Quyết định số 1429/QĐ-UBND")


def test_old_and_new_tone_placement_meet() -> None:
    assert normalize("Hòa Bình") == normalize("Hoà Bình")
    assert normalize("thủy sản") == normalize("thuỷ sản")
    assert normalize("khỏe") == normalize("khoẻ")


def test_has_diacritics() -> None:
    assert has_diacritics("giấy")
    assert has_diacritics("đi")
    assert not has_diacritics("giay phep 16/GP-SCT")
