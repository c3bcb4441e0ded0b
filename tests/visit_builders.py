"""A 督导记录 for tests: the liaison's visit to branch a1 two days before ``now``, one finding."""
from datetime import timedelta

from meetings.domain.scheduling import local_date
from meetings.domain.visits import VisitKind
from meetings.services.supervision import visits


def make_visit(world, now, *, summary: str = "查阅了会议记录和党建台账。", finding: str = "党课记录不全。",
               branch=None):
    branch = branch or world.a1
    visit = visits.record_visit(world["liaison"], branch, visited_on=local_date(now) - timedelta(days=2),
                                kind=VisitKind.ON_SITE, checked=["minutes", "ledgers"], summary=summary,
                                now=now)
    visits.add_finding(world["liaison"], visit, branch, finding, now)
    return visit
