"""The site answers: health, login, home per role."""
import pytest


def test_healthz_answers_without_login(client, world):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_home_requires_login(client, world):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("login", ["admin", "liaison", "secretary", "recorder", "member"])
def test_each_role_signs_in_and_sees_home_in_chinese(client, auth, world, login):
    assert auth.login(login).status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "您好" in page
    assert world[login].name in page
