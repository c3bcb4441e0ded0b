"""RFC 9457 problem details: every error of ``/api/v1`` as ``application/problem+json``.

``type`` is ``https://orglife.example/problems/<slug>``: a stable identifier (``.example`` never
resolves, so it is the same on every deployment), documented in ``docs/api.md``.
"""
from __future__ import annotations

from flask import Response, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from meetings.api.output import json_response
from meetings.extensions import db

TYPE_BASE = "https://orglife.example/problems/"
MEDIA_TYPE = "application/problem+json"
PREFIX = "/api/v1"

# status: (slug, title, default detail)
KNOWN = {
    400: ("bad-request", _l("请求有误"), _l("请求无法处理，请检查后重试。")),
    401: ("unauthorized", _l("需要访问令牌"),
          _l("请在请求头中提供有效的访问令牌：Authorization: Bearer <令牌>。")),
    403: ("forbidden", _l("没有权限"), _l("您的账号没有执行此操作的权限。")),
    404: ("not-found", _l("不存在"), _l("请求的资源不存在，或您无权查看。")),
    405: ("method-not-allowed", _l("请求方式不被接受"), _l("这个地址不接受这种请求方式。")),
    409: ("conflict", _l("与当前状态冲突"), _l("资源当前的状态不允许这个操作。")),
    412: ("stale", _l("资源已被他人修改"),
          _l("If-Match 给出的版本已不是最新：请重新读取（GET）后再修改。")),
    413: ("too-large", _l("请求内容太大"), _l("请求内容超过了大小限制。")),
    415: ("unsupported-media-type", _l("请求体格式不被接受"), _l("请以 application/json 发送请求体。")),
    422: ("validation", _l("参数有误"), _l("请求中的参数无法接受，详见 errors。")),
    428: ("precondition-required", _l("缺少 If-Match"),
          _l("修改前请先读取资源，并在 If-Match 请求头中带上它的 ETag，以免覆盖他人的修改。")),
    429: ("too-many-requests", _l("请求过于频繁"), _l("请求次数超过限制，请稍后再试。")),
    500: ("server-error", _l("服务器出错了"), _l("处理请求时出现了问题，未保存任何不完整的数据。")),
}
# Problems more specific than their status (the status's own slug is the default).
READ_ONLY_TOKEN = ("read-only-token", _l("只读令牌"), _l("这个访问令牌是只读的，只能用于查询（GET）。"))
INVALID_TOKEN = ("invalid-token", _l("访问令牌无效"),
                 _l("访问令牌不存在、已撤销或已过期，或其所属账号已停用。"))


def is_api_request() -> bool:
    """True for every path under ``/api/v1``, matched by a route or not."""
    return request.path == PREFIX or request.path.startswith(PREFIX + "/")


def problem(status: int, *, kind: tuple | None = None, detail: str | None = None,
            headers: dict | None = None, **extra) -> Response:
    """A problem response; ``kind`` is (slug, title, detail) when the status's default won't do."""
    slug, title, default = kind or KNOWN.get(status) or (f"http-{status}", _l("请求有误"), "")
    body = {"type": TYPE_BASE + slug, "title": str(title), "status": status,
            "detail": str(detail or default), "instance": request.path, **extra}
    response = json_response(body, status, mimetype=MEDIA_TYPE)
    response.headers.extend(headers or {})
    return response


class ApiProblem(HTTPException):
    """Raised inside the API for a problem with a specific kind, detail or extra members."""

    def __init__(self, status: int, *, kind: tuple | None = None, detail: str | None = None,
                 headers: dict | None = None, **extra):
        super().__init__(description=str(detail) if detail else None)
        self.code, self.kind, self.extra, self.extra_headers = status, kind, extra, headers or {}

    def get_response(self, environ=None, scope=None) -> Response:
        return problem(self.code, kind=self.kind, detail=self.description, headers=self.extra_headers,
                       **self.extra)


def invalid(errors: list[dict]) -> ApiProblem:
    """422 with ``errors: [{field, message}]`` (every bad parameter at once)."""
    return ApiProblem(422, errors=errors)


def from_http_error(error: HTTPException) -> Response:
    """Any HTTP error (ours, ``abort(404)``, routing's 405, the limiter's 429) as a problem."""
    if isinstance(error, ApiProblem):
        return error.get_response()
    status = error.code or 500
    # Descriptions from werkzeug or an extension are English (or internal): ours are used.
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    if status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="OrgLife"')
    return problem(status, headers=headers)


def from_server_error(error: Exception) -> Response:
    """Undo whatever the request half-wrote, then answer 500 without details."""
    db.session.rollback()
    return problem(500)


def register(bp) -> None:
    """The API's handlers; ``web/errors.py`` hands over paths under /api/v1 (routing errors)."""
    for status in (400, 401, 403, 404, 405, 409, 412, 413, 415, 422, 428, 429):
        bp.register_error_handler(status, from_http_error)
    bp.register_error_handler(HTTPException, from_http_error)
    bp.register_error_handler(500, from_server_error)
