"""Rolling counts up a materialized-path tree."""
from meetings.domain.tree import child_path, roll_up


def test_child_path_finds_the_direct_child_containing_a_path():
    assert child_path("/1/", "/1/7/42/") == "/1/7/"
    assert child_path("/1/", "/1/7/") == "/1/7/"
    assert child_path("/1/", "/1/") is None
    assert child_path("/1/", "/10/3/") is None  # a sibling whose id merely starts alike


def test_roll_up_sums_counters_per_child():
    values = {"/1/7/42/": {"members": 10}, "/1/7/43/": {"members": 5, "branches": 1},
              "/1/8/": {"members": 2}, "/2/9/": {"members": 99}}
    assert roll_up("/1/", values) == {"/1/7/": {"members": 15, "branches": 1}, "/1/8/": {"members": 2}}
