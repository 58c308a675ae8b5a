"""core.text: what a phone, a form or a spreadsheet sends, made comparable. Plain strings."""

import pytest

from core.text import (
    clean_param,
    fold_code,
    fold_for_matching,
    fold_identifier,
    fold_width,
    has_line_controls,
    is_invisible,
    without_invisible,
)

ZERO_WIDTH_SPACE = "\u200b"  # a format character (Cf): invisible, but not a line control


def test_full_width_typing_folds_to_ordinary_letters_and_digits():
    assert fold_width("Ｐｙ３") == "Py3"
    assert fold_width("井冈山　精神") == "井冈山 精神"  # the ideographic space too
    assert fold_width(None) == ""


@pytest.mark.parametrize(
    ("char", "invisible"),
    [("\x00", True), ("\n", True), (ZERO_WIDTH_SPACE, True), ("\ufeff", True)]
    + [("a", False), ("井", False), (" ", False), ("🚩", False)],
)
def test_invisible_characters_are_every_category_c(char, invisible):
    assert is_invisible(char) is invisible


def test_line_controls_are_only_the_control_characters():
    assert has_line_controls("第一行\n第二行")
    assert has_line_controls("tab\there") and has_line_controls("nul\x00")
    assert not has_line_controls(f"零宽{ZERO_WIDTH_SPACE}空格")
    assert not has_line_controls("长征精神 1935")


def test_invisible_characters_are_dropped_or_replaced():
    assert without_invisible(f"井冈\x00山{ZERO_WIDTH_SPACE}") == "井冈山"
    assert without_invisible("红\t船", replacement=" ") == "红 船"
    assert without_invisible(None) == ""


def test_query_parameters_are_cleaned_trimmed_and_cut():
    assert clean_param("  长征\x00精神\n ") == "长征精神"
    assert clean_param("x" * 500) == "x" * 100
    assert clean_param("井冈山精神", limit=3) == "井冈山"
    assert clean_param(None) == ""


def test_matching_folds_width_case_and_invisible_characters():
    assert fold_for_matching(f"Ｐｙｔｈｏｎ{ZERO_WIDTH_SPACE}课程") == "python 课程"
    assert fold_for_matching("AND\x00OR") == "and or"
    assert fold_for_matching(None) == ""


def test_identifiers_typed_differently_are_one_key():
    assert fold_identifier("  Zhang ") == fold_identifier("ｚｈａｎｇ") == "zhang"
    assert fold_identifier("Straße") == "strasse"  # case folding, not just lower()
    assert fold_identifier(None) == ""
    assert fold_identifier("zhang san") != fold_identifier("zhangsan")  # inner spaces count


def test_codes_typed_on_a_phone_lose_spaces_and_width():
    assert fold_code("１２ ３４\t56") == "123456"
    assert fold_code(" 246810 ") == "246810"
    assert fold_code(None) == ""
