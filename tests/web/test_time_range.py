"""A meeting's time as mail and pages print it: the date once for a same-day meeting (Beijing)."""
from datetime import UTC, datetime

import pytest

from meetings import create_app
from meetings.web.i18n import time_range
from tests.builders import RELAXED_LIMITS


@pytest.fixture(scope="module")
def chinese():
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "x", **RELAXED_LIMITS})
    with app.test_request_context("/"):
        yield


@pytest.mark.parametrize(("starts", "ends", "printed"), [
    ((2027, 11, 5, 7), (2027, 11, 5, 9), "2027年11月5日 星期五 15:00–17:00"),
    # 23:00–01:00 Beijing crosses midnight there, though it is one UTC day
    ((2027, 11, 5, 15), (2027, 11, 5, 17), "2027年11月5日 星期五 23:00 – 2027年11月6日 星期六 01:00"),
    # 07:00–09:00 Beijing on one day, though it crosses midnight in UTC
    ((2027, 11, 4, 23), (2027, 11, 5, 1), "2027年11月5日 星期五 07:00–09:00"),
])
def test_same_day_prints_the_date_once(chinese, starts, ends, printed):
    assert time_range(datetime(*starts, tzinfo=UTC), datetime(*ends, tzinfo=UTC)) == printed
