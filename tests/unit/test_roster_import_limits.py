"""A file far past the roster's limits is refused at once, not after reading all of it
(issue 14, low: a 6 MB file of 50,000 rows held a worker 22 s)."""
import time

from meetings.domain.roster_import import read_roster
from meetings.domain.spreadsheet import MAX_FILE_BYTES, MAX_PHYSICAL_ROWS

HEADER = "姓名,类别,党小组,手机,邮箱,用户名\n"


def rows(count: int) -> bytes:
    return (HEADER + "".join(f"人{i},正式党员,,138{i:08d},p{i}@x.cn,p{i}\n" for i in range(count))).encode()


def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    data = rows(60_000)
    assert len(data) > MAX_FILE_BYTES
    started = time.process_time()
    result = read_roster("名册.csv", data)
    assert time.process_time() - started < 0.05
    assert "文件过大" in result.errors[0].message and not result.rows


def test_reading_stops_at_the_row_limit():
    """CPU time, not wall time: on a shared CI machine this process once waited past a 1 s
    wall-clock bound for what takes ~20 ms of work."""
    data = rows(MAX_PHYSICAL_ROWS + 10_000)
    assert len(data) <= MAX_FILE_BYTES
    started = time.process_time()
    result = read_roster("名册.csv", data)
    assert time.process_time() - started < 1.0
    assert "行数过多" in result.errors[0].message and not result.rows
