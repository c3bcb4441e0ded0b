"""Stored Markdown cannot stall the site (issue 14 #3): the worst agendas the review found,
saved as a recorder would, render on the meeting page, in print and through the API in time."""
import time

import pytest

from meetings.extensions import db
from tests.api_client import bearer
from tests.markdown_corpus import KNOWN, text
from tests.meeting_builders import make_meeting

# The review's own case first, then those that were quadratic or overflowed the stack before.
CASES = ("brackets", "nested quotes", "nested plus lists", "nested divs", "raw tags per line", "emphasis")
WORST = {name: text(KNOWN[name], 20_000) for name in CASES}


@pytest.mark.parametrize("name", WORST)
def test_the_meeting_page_and_the_api_answer_in_time(client, auth, world, name):
    meeting = make_meeting(world, agenda=WORST[name])
    db.session.commit()
    auth.login("secretary")
    headers = bearer(world["secretary"])
    for url, extra in ((f"/meetings/{meeting.id}", {}), (f"/api/v1/meetings/{meeting.id}", headers)):
        started = time.process_time()  # CPU time: a shared CI machine may deschedule us
        response = client.get(url, headers=extra)
        assert response.status_code == 200
        assert time.process_time() - started < 2.0, (name, url)
