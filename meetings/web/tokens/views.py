"""访问令牌 pages: the signed-in person's own API tokens.

A new token's plaintext is shown in the answer to the form that created it, once: it is
never stored, nor put in the (signed, not encrypted) session cookie to survive a redirect.
"""
from datetime import timedelta

from flask import flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from meetings.extensions import db, limiter
from meetings.models import ApiToken, utcnow
from meetings.policy import Action
from meetings.services import accounts, api_tokens, sign_ins
from meetings.web.auth.loader import current_sign_in
from meetings.web.tokens import bp
from meetings.web.tokens.forms import TokenForm
from meetings.web.util import authorize, load_or_404


def _password_tries_key() -> str:
    return f"token-password:{current_user.get_id().partition(':')[0]}"


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per 15 minutes", methods=["POST"], key_func=_password_tries_key)
def index():
    """List one's tokens; create one (its plaintext shown on this answer only).

    The password is asked again: a session (a remember-me cookie left on a shared computer)
    must not be enough to mint a credential that outlives it. Its tries are limited, so the
    form is no way to guess the password either."""
    form, now = TokenForm(), utcnow()
    if form.validate_on_submit() and not accounts.password_is(current_user, form.password.data):
        form.password.errors.append(_("密码不正确。"))
    elif form.validate_on_submit():
        checked_hash = current_user.password_hash
        expires_at = now + timedelta(days=form.days.data) if form.days.data else None
        try:
            token, plaintext = api_tokens.issue(current_user, current_user, form.name.data,
                                                read_only=form.read_only.data, expires_at=expires_at,
                                                now=now)
        except api_tokens.TokenError as error:
            getattr(form, error.field).errors.append(str(error.message))
        else:
            # Under the person's row lock: a new password (or 退出所有设备) that committed while
            # this request ran must not leave behind a token minted by what it withdrew.
            if not (accounts.still_the_password(current_user.id, checked_hash)
                    and sign_ins.still_live(current_sign_in().id, now)):
                db.session.rollback()
                form.password.errors.append(_("密码或登录状态刚刚发生了变化，令牌没有创建；请重新登录后再试。"))
                return _page(form, now), 409
            db.session.commit()
            # 201: something was created, and this answer carries its only copy; never cache it.
            response = make_response(_page(TokenForm(formdata=None), now, new=(token, plaintext)), 201)
            response.headers["Cache-Control"] = "no-store"
            return response
    return _page(form, now)


def _page(form: TokenForm, now, new=None) -> str:
    return render_template("tokens/index.html", form=form, tokens=api_tokens.of_person(current_user),
                           now=now, new=new)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int):
    """撤销: the token stops working at once."""
    token = load_or_404(ApiToken, token_id)
    authorize(current_user, Action.MANAGE_TOKEN, token)
    if api_tokens.revoke(current_user, token, utcnow()):
        db.session.commit()
        flash(_("令牌“%(name)s”已撤销，使用它的脚本将无法再访问。", name=token.name), "success")
    else:
        flash(_("这个令牌已经撤销过了。"), "info")
    return redirect(url_for("tokens.index"))
