"""Changing a client gallery's access: its password (which ends every grant given with the old
one) and its last day. Who may open a gallery, and for how long, is `sgoodie.gallery_access`."""

from __future__ import annotations

import secrets

from .. import signals
from ..accounts import hash_password
from ..domain import GALLERY_PASSWORD_MIN, Project, ValidationError
from ..services import services
from . import activity, projects
from .changes import sender


def set_password(project: Project, password: str) -> Project:
    """Give a client gallery a new password (hashed). Every grant given with the old one ends:
    clients who had opened the gallery are asked for the new password."""
    password = password.strip()
    if len(password) < GALLERY_PASSWORD_MIN:
        raise ValidationError(
            {"gallery_password": f"Use at least {GALLERY_PASSWORD_MIN} characters for the gallery password."}
        )
    hashed = hash_password(password)

    def change(current: Project) -> None:
        current.gallery_password_hash = hashed
        current.gallery_epoch += 1

    stored = projects.modify(project.id, change)
    activity.record(f"Set a new password for the gallery “{stored.title}”", project_id=stored.id)
    signals.project_saved.send(sender(), project=stored, previous=project)
    return stored


def new_password() -> str:
    """A password to read out or type from a message: three groups of four, no look-alikes."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))


def set_expiry(project: Project, last_day: str) -> Project:
    """Open the gallery until `last_day` (YYYY-MM-DD; empty: no expiry). Extending an expired
    gallery opens it again, grants included."""

    def change(current: Project) -> None:
        current.gallery_expires_on = last_day
        current.validate(services().categories)

    stored = projects.modify(project.id, change)
    until = f"until {last_day}" if last_day else "with no end date"
    activity.record(f"Opened the gallery “{stored.title}” {until}", project_id=stored.id)
    signals.project_saved.send(sender(), project=stored, previous=project)
    return stored
