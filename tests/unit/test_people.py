"""Checking what secretaries type about members."""
import pytest

from meetings.domain import people
from meetings.domain.terms import PersonCategory, PersonStatus


@pytest.mark.parametrize("raw, expected", [
    ("139 1234 5678", "13912345678"), ("+86 13912345678", "13912345678"),
    ("13912345678.0", "13912345678"), ("010-12345678", "010-12345678"), ("  ", None), (None, None)])
def test_phone_numbers_are_normalized(raw, expected):
    assert people.normalize_phone(raw) == expected


@pytest.mark.parametrize("phone, ok", [
    ("13912345678", True), ("0571-88888888", True), ("12912345678", False), ("1391234567", False),
    ("abc", False)])
def test_phone_validation(phone, ok):
    assert people.is_valid_phone(phone) is ok


@pytest.mark.parametrize("email, ok", [("a@example.org", True), ("张三@例子.中国", True),
                                       ("no-at-sign", False), ("a@", False)])
def test_email_validation_is_syntax_only(email, ok):
    assert people.is_valid_email(email) is ok


@pytest.mark.parametrize("raw, expected", [
    ("正式党员", PersonCategory.FULL), (" 预备 ", PersonCategory.PROBATIONARY),
    ("群众", PersonCategory.STAFF), ("", None), ("党外人士", None)])
def test_category_words(raw, expected):
    assert people.parse_category(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("", PersonStatus.ACTIVE), ("流动", PersonStatus.AWAY), ("年老体弱", PersonStatus.EXEMPT),
    ("转出", PersonStatus.TRANSFERRED_OUT), ("休假", None)])
def test_status_words(raw, expected):
    assert people.parse_status(raw) == expected


@pytest.mark.parametrize("text, multiline, bad", [
    ("张三", False, False), ("a\x00b", False, True), ("\u202egnp.exe", False, True),
    ("line one\nline two", True, False), ("line one\nline two", False, True), ("tab\there", True, False)])
def test_control_characters_are_detected(text, multiline, bad):
    assert people.has_control_characters(text, multiline=multiline) is bad


def test_role_and_committee_title_of_the_same_value_keep_their_own_labels(app):
    from meetings.domain.terms import CommitteeTitle, Role
    from meetings.web.labels import label

    with app.test_request_context():
        assert str(label(Role.SECRETARY)) == "书记/组织委员"
        assert str(label(CommitteeTitle.SECRETARY)) == "书记"
