"""The site's password hashes keep scrypt's full work factor; only test fixtures use less."""
from werkzeug.security import check_password_hash

from meetings.services import accounts
from tests.builders import FIXTURE_HASH_METHOD, PASSWORD, password_hash


def test_the_site_hashes_with_full_cost_scrypt():
    hashed = accounts.hash_password("一个足够长的口令-2026")
    assert hashed.startswith("scrypt:32768:8:1$")
    assert check_password_hash(hashed, "一个足够长的口令-2026")


def test_the_fixture_hash_is_a_real_scrypt_hash_of_the_test_password():
    assert password_hash().startswith(FIXTURE_HASH_METHOD + "$")
    assert check_password_hash(password_hash(), PASSWORD)
    assert not check_password_hash(password_hash(), PASSWORD + "x")
