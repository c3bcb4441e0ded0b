"""Feed, RSVP and import tokens and check-in codes stay out of the access log (issue 14, low):
gunicorn started as the README deploys it reads ``gunicorn.conf.py`` and its logger hides them."""
import contextlib
import urllib.error
import urllib.request

from meetings.access_log import redact
from tests import served

SECRETS = ("FeedToken123abc", "RsvpToken456def", "ImportToken789", "731942")


def test_redact_hides_each_kind_of_credential_and_nothing_else():
    assert redact("GET /calendar/FeedToken123abc.ics HTTP/1.1") == "GET /calendar/[redacted].ics HTTP/1.1"
    assert redact("/calendar/FeedToken123abc/branches/7.ics") == "/calendar/[redacted]/branches/7.ics"
    assert redact("/rsvp/RsvpToken456def?a=accept") == "/rsvp/[redacted]?a=accept"
    assert redact("/branches/4/import/ImportToken789") == "/branches/4/import/[redacted]"
    assert redact("/meetings/5/check-in?code=731942&x=1") == "/meetings/5/check-in?code=[redacted]&x=1"
    assert redact("/login?next=%2Fmeetings%2F1%2Fcheck-in%3Fcode%3D731942") == \
        "/login?next=/meetings/1/check-in%3Fcode%3D%5Bredacted%5D"
    for plain in ("/calendar/mine", "/meetings/5/check-in", "/branches/4/import", "/orgs?q=code"):
        assert redact(plain) == plain


def test_the_deployed_access_log_holds_no_token_or_code(app, world, tmp_path):
    env = served.child_env(DATABASE_URL=app.config["DATABASE_URL"], SECRET_KEY="access-log-test",
                           ORGLIFE_INSTANCE=str(tmp_path))
    log = tmp_path / "access.log"
    paths = ["/calendar/FeedToken123abc.ics", "/calendar/FeedToken123abc/branches/1.ics",
             "/rsvp/RsvpToken456def", "/branches/1/import/ImportToken789", "/meetings/1/check-in?code=731942"]
    with served.gunicorn(env, tmp_path, workers=1, access_log=log) as server:
        for path in paths:
            # Unknown tokens are refused; what matters is the line they leave.
            with contextlib.suppress(urllib.error.HTTPError):
                urllib.request.urlopen(server.base + path, timeout=10).read()
    written = log.read_text()
    assert written.count("[redacted]") >= len(paths), written
    assert not [s for s in SECRETS if s in written], written
