"""按拼音排序 (domain.collation)."""
from meetings.domain.collation import reading_key


def test_names_sort_by_their_reading_not_their_code_points():
    names = ["预算处党支部", "长沙党支部", "办公室党支部", "重庆党支部", "阿里党支部"]
    by_reading = ["阿里党支部", "办公室党支部", "长沙党支部", "重庆党支部", "预算处党支部"]
    assert sorted(names, key=reading_key) == by_reading


def test_latin_letters_and_digits_sort_among_the_readings_case_blind():
    assert sorted(["b组", "A组", "第2组", "第10组"], key=reading_key) == ["A组", "b组", "第10组", "第2组"]


def test_equal_readings_still_sort_one_way():
    assert reading_key("公示")[0] == reading_key("公式")[0]  # both gong1 shi4
    one_way = ["公式", "公示"]
    assert sorted(one_way, key=reading_key) == sorted(one_way[::-1], key=reading_key) == one_way
