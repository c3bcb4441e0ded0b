"""A full disk is an answer, not a crash: which failures of a write mean "no space left".

Whatever writes files (attachments, roster uploads) turns these into its own refusal, removes
what it half wrote, and the request's data is rolled back with it: nothing is half-saved.
"""
import errno

# ENOSPC: the file system is full; EDQUOT: the site's account is over its quota; EFBIG: the
# file is over the largest size this file system (or a ulimit) allows.
NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def no_space(error: BaseException) -> bool:
    return isinstance(error, OSError) and error.errno in NO_SPACE


def database_full(error: BaseException) -> bool:
    """The database could not write for want of space: SQLite's SQLITE_FULL, or PostgreSQL's
    disk_full (SQLSTATE 53100) — ``error`` being SQLAlchemy's wrapper or the driver's own."""
    orig = getattr(error, "orig", error)
    return (getattr(orig, "sqlite_errorname", None) == "SQLITE_FULL"
            or getattr(orig, "sqlstate", None) == "53100")
