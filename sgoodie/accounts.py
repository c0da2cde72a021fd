"""Admin accounts: password hashing, changing a password, and the create-or-reset operation
behind `sgoodie create-admin`.

Passwords are hashed with scrypt (Werkzeug's default: memory-hard and slow on purpose). Every
password change bumps the admin's `session_version`, which ends every session started before it
(`auth._load_user` compares the two).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from werkzeug.security import check_password_hash, generate_password_hash

from .domain import AdminUser, ValidationError
from .services import services
from .stores import StaleVersionError

MIN_PASSWORD_LENGTH = 10
# A valid hash to compare against when the email is unknown, so a wrong email costs as long as a
# wrong password (no account enumeration by timing).
_DUMMY_HASH = generate_password_hash("not-a-real-password-only-a-timing-equaliser")


class PasswordPolicyError(ValueError):
    pass


def check_password_policy(password: str, email: str = "") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordPolicyError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters long.")
    if email and password.lower() == email.strip().lower():
        raise PasswordPolicyError("The password must not be the email address.")


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def verify_password(admin: AdminUser | None, password: str) -> bool:
    if admin is None or not admin.password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(admin.password_hash, password)


def create_or_reset_admin(email: str, password: str) -> tuple[AdminUser, bool]:
    """Create the admin, or set a new password if the email exists (which signs them out
    everywhere). Returns (admin, created)."""
    check_password_policy(password, email)
    store = services().store
    admin = store.admin_by_email(email)
    if admin is None:
        candidate = AdminUser(email=email, password_hash=hash_password(password))
        try:
            candidate.validate()
        except ValidationError as exc:
            raise ValueError(exc.errors["email"]) from None
        return store.create_admin(candidate), True
    return set_password(admin.id, password), False


def set_password(admin_id: str, password: str) -> AdminUser:
    """A new password, and every session of this admin ends (callers check the policy first)."""
    password_hash = hash_password(password)
    return _change_admin(
        admin_id,
        lambda admin: replace(admin, password_hash=password_hash, session_version=admin.session_version + 1),
    )


def end_sessions(admin_id: str) -> AdminUser:
    """Every session of this admin started so far ends at its next request."""
    return _change_admin(admin_id, lambda admin: replace(admin, session_version=admin.session_version + 1))


def _change_admin(admin_id: str, change: Callable[[AdminUser], AdminUser]) -> AdminUser:
    """Apply `change` to the stored admin, re-reading it when someone saved in between (a sign-in
    records its time on the same record)."""
    store = services().store
    for _ in range(5):
        admin = store.get_admin(admin_id)
        if admin is None:
            raise ValueError(f"admin {admin_id} no longer exists")
        try:
            return store.update_admin(change(admin))
        except StaleVersionError:
            continue
    raise StaleVersionError("The account kept changing; try again.")
