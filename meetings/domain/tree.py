"""Materialized paths (``/1/7/42/``): plain-string helpers for rolling counts up the tree."""


def child_path(root_path: str, path: str) -> str | None:
    """The path of ``root``'s direct child that contains ``path`` (None for root itself or outside)."""
    if not path.startswith(root_path) or path == root_path:
        return None
    rest = path[len(root_path):]
    return root_path + rest.split("/", 1)[0] + "/"


def roll_up(root_path: str, values: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """Sum per-path counters into the root's direct children, keyed by child path."""
    totals: dict[str, dict[str, int]] = {}
    for path, counters in values.items():
        child = child_path(root_path, path)
        if child is None:
            continue
        bucket = totals.setdefault(child, {})
        for key, count in counters.items():
            bucket[key] = bucket.get(key, 0) + count
    return totals
