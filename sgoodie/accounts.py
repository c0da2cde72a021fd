"""Admin accounts: password hashing and the create-or-reset operation behind `sgoodie create-admin`.

Passwords are hashed with scrypt (Werkzeug's default: memory-hard and slow on purpose).
"""

from __future__ import annotations

from dataclasses import replace

from werkzeug.security import check_password_hash, generate_password_hash

from .domain import AdminUser, ValidationError
from .services import services

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
    """Create the admin, or set a new password if the email exists. Returns (admin, created)."""
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
    return store.update_admin(replace(admin, password_hash=hash_password(password))), False
