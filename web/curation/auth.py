"""Signing in and out, the account of a request, and the role every write route needs.

Anonymous writes are refused with 401 (a page asked for in a browser sends the visitor to the
sign-in page instead); a signed-in account without the role gets 403. Failed sign-ins are
limited to five a minute per address and account name (Flask-Limiter, memory storage: each web
worker counts its own).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

from kg.curation.accounts import Account, Accounts
from web.context import app_settings

bp = Blueprint("curation_auth", __name__)

#: Failed sign-ins allowed per address and name.
LOGIN_LIMIT = "5 per minute"

View = TypeVar("View", bound=Callable[..., Any])


class User(UserMixin):
    """The signed-in account, as Flask-Login wants it."""

    def __init__(self, account: Account) -> None:
        self.account = account

    def get_id(self) -> str:
        return self.account.name

    @property
    def name(self) -> str:
        return self.account.name

    def can(self, role: str) -> bool:
        return self.account.can(role)


def accounts() -> Accounts:
    """The accounts of this app (one object per app; the database is shared)."""
    extensions = current_app.extensions
    if "kg.accounts" not in extensions:
        extensions["kg.accounts"] = Accounts(app_settings())
    return cast(Accounts, extensions["kg.accounts"])


def account() -> Account:
    """The signed-in account (only inside a view guarded by :func:`needs`)."""
    return cast(User, current_user).account


def signed_in() -> bool:
    return bool(current_user and current_user.is_authenticated)


def needs(role: str) -> Callable[[View], View]:
    """Guard a view: anonymous → 401 (or the sign-in page), without ``role`` → 403."""

    def wrap(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not signed_in():
                return unauthorised()
            if not current_user.can(role):
                abort(403, gettext("Your account does not have the role this needs."))
            return view(*args, **kwargs)

        return cast(View, guarded)

    return wrap


def unauthorised() -> Response:
    """A page asked for by a browser: to the sign-in page and back; anything else: 401."""
    wants_page = (
        request.method == "GET"
        and request.accept_mimetypes.best_match(["text/html", "application/json"]) == "text/html"
    )
    if wants_page:
        return redirect(url_for("curation_auth.login", next=request.full_path.rstrip("?")))
    abort(401, gettext("Sign in first."))


def _local(target: str | None) -> str:
    """``target`` when it is a path of this site, else the curation start page."""
    parts = urlsplit(target or "")
    local = target and target.startswith("/") and not target.startswith("//")
    if local and not parts.scheme and not parts.netloc and "\\" not in target:
        return target
    return url_for("curation_review.dashboard")


def _login_key() -> str:
    name = request.form.get("name", "").strip().casefold()[:200]
    return f"{get_remote_address()}|{name}"


def _too_many(_limit: Any) -> Response:
    body = render_template(
        "curation/login.html",
        error=gettext("Too many failed sign-ins. Wait a minute and try again."),
        next=request.form.get("next", ""),
        name=request.form.get("name", ""),
    )
    return Response(body, status=429, mimetype="text/html", headers={"Retry-After": "60"})


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str:
    error = None
    status = 200
    if request.method == "POST":
        name = request.form.get("name", "").strip()
        found = accounts().verify(name, request.form.get("password", ""))
        if found is not None:
            session.clear()  # no session fixation: a new session for the new account
            login_user(User(found))
            return redirect(_local(request.form.get("next")), code=303)
        error = gettext("The name or the password is wrong.")
        status = 401
    body = render_template(
        "curation/login.html",
        error=error,
        next=request.values.get("next", ""),
        name=request.form.get("name", ""),
    )
    return Response(body, status=status, mimetype="text/html")


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    logout_user()
    session.clear()
    return redirect(url_for("pages.home"), code=303)


def init(app: Flask) -> None:
    """Flask-Login and the rate limit of the sign-in."""
    manager = LoginManager(app)
    manager.login_view = "curation_auth.login"

    @manager.user_loader
    def load(name: str) -> User | None:
        found = accounts().get(name)
        return User(found) if found is not None else None

    @manager.unauthorized_handler
    def refuse() -> Response:
        return unauthorised()

    # One limiter per app (its counts are the app's own), around the registered sign-in view.
    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://", default_limits=[])
    app.extensions["kg.limiter"] = limiter
    endpoint = "curation_auth.login"
    app.view_functions[endpoint] = limiter.limit(
        LOGIN_LIMIT,
        key_func=_login_key,
        methods=["POST"],
        deduct_when=lambda response: response.status_code == 401,
        on_breach=_too_many,
    )(app.view_functions[endpoint])
    app.jinja_env.globals["signed_in"] = signed_in
