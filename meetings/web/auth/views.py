"""Sign-in, sign-out, change password."""
from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from meetings.extensions import db, limiter
from meetings.services import accounts
from meetings.web.auth import bp
from meetings.web.auth.forms import ChangePasswordForm, LoginForm
from meetings.web.util import safe_next


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_ip_limit() -> str:
    return current_app.config["LOGIN_IP_RATE_LIMIT"]


def _attempt_key() -> str:
    """Address and login together: guessing one account's password is slowed down, while a
    whole office behind one proxy can still sign in at nine o'clock."""
    return f"{get_remote_address()}|{request.form.get('login', '').strip().lower()}"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_attempt_key)
@limiter.limit(_login_ip_limit, methods=["POST"])
def login():
    """Sign in with login and password; 'remember me' keeps a long-lived cookie."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        person = accounts.authenticate(form.login.data, form.password.data)
        if person is None:
            form.password.errors.append(_("用户名或密码不正确，或该账号已停用。"))
        else:
            # A fresh session on sign-in (new CSRF token, nothing carried over from before):
            # whatever someone planted in the anonymous session does not survive into this one.
            session.clear()
            login_user(person, remember=form.remember.data)
            db.session.commit()
            return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out (POST, so a link elsewhere cannot sign anyone out)."""
    logout_user()
    flash(_("您已退出登录。"), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password; other sessions of this account end with the old one."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        person = current_user._get_current_object()
        if accounts.change_password(person, form.current.data, form.new.data):
            db.session.commit()
            login_user(person)  # re-issue this session under the new fingerprint
            flash(_("密码已修改。"), "success")
            return redirect(url_for("main.home"))
        form.current.errors.append(_("当前密码不正确。"))
    return render_template("auth/password.html", form=form)
