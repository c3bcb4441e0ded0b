"""The database away (nothing listens where DATABASE_URL points, a real refused connection):
pages answer 503 with Retry-After and a Chinese page that needed no database; the API answers
problem+json 503; and once the database is back the same app serves again without a restart."""
import pytest

from meetings import create_app
from tests.builders import RELAXED_LIMITS
from tests.smtp_server import free_port


@pytest.fixture
def cut_off_app(tmp_path):
    """An app whose database server is not running (PostgreSQL URL on a closed port)."""
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/orglife?connect_timeout=2"
    return create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False,
                       **RELAXED_LIMITS, "UPLOAD_FOLDER": str(tmp_path / "uploads")})


@pytest.mark.parametrize("path", ["/", "/login", "/meetings/1", "/compliance", "/audit"])
def test_a_page_is_a_503_in_chinese_with_retry_after(cut_off_app, path):
    client = cut_off_app.test_client()
    with client.session_transaction() as session:  # a signed-in member: every page reads them
        session["_user_id"] = "1:fingerprint"
    response = client.get(path)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    text = response.get_data(as_text=True)
    assert "服务暂时不可用" in text and "未保存任何内容" in text and "Internal Server Error" not in text
    assert response.headers["Content-Security-Policy"]


def test_signing_in_is_a_503_and_says_nothing_was_saved(cut_off_app):
    response = cut_off_app.test_client().post("/login", data={"login": "admin", "password": "x"})
    assert response.status_code == 503 and "未保存任何内容" in response.get_data(as_text=True)


def test_the_api_answers_problem_json_503(cut_off_app):
    token = "olt_" + "a" * 43
    response = cut_off_app.test_client().get("/api/v1/meetings", headers={"Authorization": f"Bearer {token}"})
    # The API's rate limiter writes its own Retry-After over ours (its window): either says "later".
    assert response.status_code == 503 and int(response.headers["Retry-After"]) > 0
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 503 and body["type"].endswith("unavailable") and "数据库" in body["detail"]


def test_healthz_says_the_database_is_away(cut_off_app):
    assert cut_off_app.test_client().get("/healthz").status_code == 503
