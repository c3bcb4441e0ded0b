"""Sign-in, sign-out, change password, and one's signed-in devices (登录设备)."""
from datetime import timedelta

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from meetings.extensions import db, limiter
from meetings.models import SignIn, utcnow
from meetings.policy import Action, can
from meetings.services import accounts, audit, sign_ins
from meetings.web.auth import bp, throttle
from meetings.web.auth.devices import device_name
from meetings.web.auth.forms import ChangePasswordForm, LoginForm
from meetings.web.auth.loader import SEEN_KEY, current_sign_in
from meetings.web.util import safe_next


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_ip_limit() -> str:
    return current_app.config["LOGIN_IP_RATE_LIMIT"]


def _lifetimes() -> sign_ins.Lifetimes:
    config = current_app.config
    return sign_ins.Lifetimes(session=timedelta(hours=config["SESSION_HOURS"]),
                              remembered=config["REMEMBER_COOKIE_DURATION"])


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=throttle.pair_key)
@limiter.limit(_login_ip_limit, methods=["POST"])
def login():
    """Sign in with login and password; 'remember me' keeps a long-lived cookie."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    if request.method == "POST" and not throttle.json_fields_are_text():
        abort(400)
    form = LoginForm()
    if form.validate_on_submit():
        refusal = _throttled(throttle.login_of_request())
        if refusal:
            form.password.errors.append(refusal)
            return render_template("auth/login.html", form=form), 429
        person = accounts.authenticate(form.login.data, form.password.data)
        if person is None:
            return _wrong_password(form)
        checked_hash = person.password_hash
        return _signed_in(person, remember=form.remember.data, checked_hash=checked_hash, form=form)
    return render_template("auth/login.html", form=form)


def _throttled(login: str) -> str | None:
    """Why this try is refused before the password is even checked, or None."""
    wait = throttle.wait_seconds(login)
    if wait:
        return _("密码错误次数过多，请 %(n)s 秒后再试。", n=wait)
    if throttle.login_closed_to_new_devices(login):
        return _("这个账号近期登录失败的次数过多，暂时只能在您以前登录过的设备上登录；"
                 "请 15 分钟后再试，或联系管理员。")
    return None


def _wrong_password(form: LoginForm):
    throttle.failed(throttle.login_of_request())
    audit.record_sign_in_failure(form.login.data, get_remote_address())
    db.session.commit()
    form.password.errors.append(_("用户名或密码不正确，或该账号已停用。"))
    return render_template("auth/login.html", form=form)


def _signed_in(person, *, remember: bool, checked_hash: str, form: LoginForm):
    # A fresh session on sign-in (new CSRF token, nothing carried over from before):
    # whatever someone planted in the anonymous session does not survive into this one.
    session.clear()
    _open_session(person, remember)
    if not accounts.still_the_password(person.id, checked_hash):  # changed while we checked it
        db.session.rollback()
        logout_user()
        form.password.errors.append(_("用户名或密码不正确，或该账号已停用。"))
        return render_template("auth/login.html", form=form)
    audit.record(person, "auth.sign_in", person, organization_id=person.branch_id,
                 after={"address": get_remote_address(), "remember": remember})
    db.session.commit()
    response = redirect(safe_next(request.args.get("next")))
    throttle.succeeded(throttle.login_of_request(), response)
    return response


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out (POST, so a link elsewhere cannot sign anyone out): this session ends on the
    server, so neither its cookie nor its remember-me cookie works anywhere any more."""
    sign_in = current_sign_in()
    if sign_in is not None:
        sign_ins.end(sign_in, utcnow())
        audit.record(current_user, "auth.sign_out", current_user, organization_id=current_user.branch_id)
        db.session.commit()
    logout_user()
    flash(_("您已退出登录。"), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password; other sessions and every API token end with the old one."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        person = current_user._get_current_object()
        try:
            # Every session ends, this one too: a copy of this browser's cookie taken before
            # the change must not outlive it. The browser gets a new session at once.
            remember = current_sign_in().remember
            changed = accounts.change_password(person, form.current.data, form.new.data, now=utcnow())
        except accounts.PasswordRefused as refused:
            form.new.errors.append(str(refused.message))
        else:
            if changed:
                _open_session(person, remember)
                db.session.commit()
                flash(_("密码已修改。其他设备上的登录已退出，您的访问令牌已全部撤销。"), "success")
                return redirect(url_for("main.home"))
            form.current.errors.append(_("当前密码不正确。"))
    return render_template("auth/password.html", form=form)


def _open_session(person, remember: bool) -> None:
    """A new server-side session for this browser (at sign-in, and after a new password)."""
    now = utcnow()
    _sign_in, token = sign_ins.start(person, remember=remember, now=now, lifetimes=_lifetimes(),
                                     address=get_remote_address(), agent=request.user_agent.string)
    session[SEEN_KEY] = int(now.timestamp())
    person.sign_in_token = token
    login_user(person, remember=remember)


@bp.route("/account/sessions")
@login_required
def devices():
    """登录设备: where this account is signed in now; each can be signed out from here."""
    return render_template("auth/sessions.html", sessions=sign_ins.live_of(current_user, utcnow()),
                           this=current_sign_in(), device_name=device_name)


@bp.route("/account/sessions/<int:sign_in_id>/end", methods=["POST"])
@login_required
def end_device(sign_in_id: int):
    """退出这台设备: one of one's own sessions (another person's is a 404, not a 403)."""
    sign_in = db.session.get(SignIn, sign_in_id)
    if sign_in is None or not can(current_user, Action.END_SIGN_IN, sign_in):
        abort(404)
    if sign_in.id == current_sign_in().id:
        return logout()
    sign_ins.end(sign_in, utcnow())
    audit.record(current_user, "auth.sign_out_device", current_user, organization_id=current_user.branch_id,
                 after={"address": sign_in.address})
    db.session.commit()
    flash(_("已退出该设备上的登录。"), "success")
    return redirect(url_for("auth.devices"))


@bp.route("/account/sessions/end-all", methods=["POST"])
@login_required
def end_all_devices():
    """退出所有设备: every session of this account ends, this one included."""
    count = sign_ins.end_all(current_user.id, utcnow())
    audit.record(current_user, "auth.sign_out_everywhere", current_user, after={"sessions": count})
    db.session.commit()
    logout_user()
    flash(_("已退出所有设备上的登录（共 %(n)s 处），请重新登录。", n=count), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/alive")
@login_required
def alive():
    """Pinged by pages with a form while someone types, so a long minutes draft outlives the
    idle timeout; 204, nothing else (the loader already noted the activity)."""
    return make_response("", 204)
