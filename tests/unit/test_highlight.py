"""Snippets mark what was typed: spellings as typed when the query has diacritics, any spelling without."""

from __future__ import annotations

from workers.searchtext import highlight


def test_a_query_with_diacritics_marks_the_spelling_as_typed() -> None:
    snippet = highlight("ỦY BAN NHÂN DÂN cho phép bán lẻ rượu", "bán")[0]
    assert "<mark>bán</mark>" in snippet
    assert "<mark>BAN</mark>" not in snippet


def test_without_an_exact_spelling_the_folded_match_is_marked() -> None:
    assert highlight("ỦY BAN NHÂN DÂN", "bán") == ["ỦY <mark>BAN</mark> NHÂN DÂN"]


def test_a_query_without_diacritics_marks_every_spelling() -> None:
    snippet = highlight("giấy phép bán lẻ, ban hành", "ban")[0]
    assert "<mark>bán</mark>" in snippet and "<mark>ban</mark>" in snippet
