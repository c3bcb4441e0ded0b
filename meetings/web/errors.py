"""Error pages in the reader's language; a 500 rolls the session back first.

Under /api/v1 the answer is a problem+json instead, also for errors no API view saw. A
database that is away (restarted, unreachable) is a 503 with ``Retry-After``, answered
without the database: no signed-in person, no language preference, no navigation.
"""
import contextlib

import sqlalchemy as sa
from flask import Flask, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from meetings.api import problems
from meetings.extensions import db
from meetings.services import storage
from meetings.web import commits

# (title, explanation) per status; other 4xx codes share the 400 text.
TEXTS = {
    400: (_l("请求有误"), _l("提交的内容无法处理，请检查后重试。")),
    403: (_l("没有权限"), _l("您没有查看或修改此内容的权限。如需访问，请联系本支部书记或机关工委。")),
    404: (_l("页面不存在"), _l("您要找的页面不存在，或已被移除。")),
    405: (_l("请求有误"), _l("这个地址不接受这种请求方式。")),
    # A plain form can be too large as well as an upload: say both, and that nothing was kept.
    413: (_l("提交的内容太大"), _l("提交的内容超过了大小限制（每个附件不超过 10 MB），未保存任何内容。"
                              "请减小后重试。")),
    429: (_l("操作过于频繁"), _l("尝试次数过多，请稍等一分钟后再试。")),
    500: (_l("服务器出错了"), _l("很抱歉，处理您的请求时出现了问题，未保存任何不完整的数据。"
                              "请稍后重试；如果问题持续，请联系管理员。")),
    507: (_l("存储空间不足"), _l("服务器存储空间不足，未保存。请联系管理员清理空间后重试。")),
    "csrf": (_l("页面已过期"),
             _l("表单的安全校验已失效（可能页面停留过久）。请返回上一页，刷新后重新提交。")),
}


def _page(key, status: int):
    title, message = TEXTS.get(key, TEXTS[400])
    return render_template("errors/page.html", title=title, message=message), status


def render_http_error(error: HTTPException):
    """Known codes get their own words; others share the 400 text."""
    if problems.is_api_request():  # e.g. routing's 404/405 under /api/v1, before any blueprint
        return problems.from_http_error(error)
    return _page(error.code, error.code or 400)


def render_csrf_error(error: CSRFError):
    """An expired or missing form token: ask to reload rather than blame the user."""
    return _page("csrf", 400)


def render_server_error(error: Exception):
    """Undo whatever the request half-wrote, then apologise."""
    if problems.is_api_request():
        return problems.from_server_error(error)
    db.session.rollback()
    return _page(500, 500)


def render_os_error(error: OSError):
    """A write that met a full disk wherever no view expected it: 507, rolled back, said plainly.
    Any other OSError goes on as an unhandled error (logged, a 500)."""
    if not storage.no_space(error):
        raise error
    return _insufficient_storage()


def _insufficient_storage():
    with contextlib.suppress(sa.exc.DBAPIError):
        db.session.rollback()
    if problems.is_api_request():
        title, detail = TEXTS[507]
        return problems.problem(507, kind=("insufficient-storage", title, detail))
    return _page(507, 507)


RETRY_AFTER = "30"  # seconds: a restarting database is usually back within this
UNAVAILABLE_TITLE = "服务暂时不可用"
# What the reader is told depends on how far this request got (web/commits): never
# "nothing was saved" after a commit went through.
# The page is in both languages: it cannot know the reader's preference without the database.
UNAVAILABLE_DETAIL = {
    commits.NOTHING: ("数据库暂时无法连接，本次操作未保存任何内容。"
                      "请稍后重试。",
                      "The database cannot be reached right now; nothing of this request was saved. "
                      "Please try again in a moment."),
    commits.UNKNOWN: ("保存时与数据库的连接中断，无法确认是否已保存。"
                      "请稍后刷新页面查看，再决定是否重新提交。",
                      "The connection to the database broke while saving, so it is not known whether "
                      "this was saved. Reload the page in a moment and check before you submit again."),
    commits.SAVED: ("您的操作已保存，但随后与数据库的连接中断，结果未能显示。"
                    "请稍后刷新页面查看，无需重新提交。",
                    "Your change was saved, but the connection to the database broke before the result "
                    "could be shown. Reload the page in a moment; there is no need to submit again."),
}


def render_database_unavailable(error: sa.exc.DBAPIError):
    """The database went away: say so plainly, in Chinese and English, touching nothing of it.
    A database that cannot write for a full disk is there: that is a 507, said as such."""
    if storage.database_full(error):
        return _insufficient_storage()
    with contextlib.suppress(sa.exc.DBAPIError):  # the pool replaces a dead connection later
        db.session.rollback()
    outcome = commits.outcome()
    detail, english = UNAVAILABLE_DETAIL[outcome]
    headers = {"Retry-After": RETRY_AFTER, "Cache-Control": "no-store"}
    if problems.is_api_request():
        response = problems.problem(503, kind=("unavailable", UNAVAILABLE_TITLE, detail),
                                    saved=commits.SAVED_FLAG[outcome])
        # The rate limiter, after this, raises Retry-After to its own window when that is later.
        response.headers.update(headers)
        return response
    # Straight from the Jinja environment: the context processors would ask who is signed in.
    page = current_app.jinja_env.get_template("errors/unavailable.html").render(
        title=UNAVAILABLE_TITLE, message=detail, english=english, path=request.path)
    return page, 503, headers


def init_app(app: Flask) -> None:
    commits.init_app(app, db)
    for error in (sa.exc.OperationalError, sa.exc.InterfaceError):  # not IntegrityError & co.
        app.register_error_handler(error, render_database_unavailable)
    app.register_error_handler(OSError, render_os_error)
    app.register_error_handler(CSRFError, render_csrf_error)
    app.register_error_handler(HTTPException, render_http_error)
    app.register_error_handler(500, render_server_error)
