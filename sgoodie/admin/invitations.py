"""A client gallery's invitations: send it by e-mail to one or more people (or copy a link to
send another way), see who was sent what and who opened it, send again, extend, revoke; and the
site's invitation e-mail, edited once. The rules are `content.invitations`'."""

from __future__ import annotations

from urllib.parse import unquote

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import content, gallery_access
from ..content.invitations import Invitation
from ..domain import Project, ValidationError
from ..mail import mailer
from ..services import services
from ..text import long_date
from .blueprint import bp
from .forms import ConfirmForm, InvitationForm, InvitationTemplateForm
from .projects import get_project_or_404

PREVIEW_GALLERY = "Smith Wedding"


def _gallery_or_404(project_id: str) -> Project:
    project = get_project_or_404(project_id)
    if not project.is_private:
        abort(404, "Only a client gallery has invitations.")
    return project


def _invitation_or_404(project: Project, invitation_id: str) -> Invitation:
    invitation = content.invitations.get(project, invitation_id)
    if invitation is None:
        abort(404, "That invitation no longer exists.")
    return invitation


def _page(project: Project, form: InvitationForm, *, new_links=(), status: int = 200):
    """The gallery's invitations page; `new_links` are (invitation, link) shown this once."""
    return render_template(
        "admin/invitations.html",
        project=project,
        form=form,
        invitations=content.invitations.for_gallery(project),
        new_links=new_links,
        action_form=ConfirmForm(),
        mail_on=mailer().transport is not None,
        gallery_today=gallery_access.today(),
        kinds=content.invitations.KINDS,
    ), status


@bp.route("/projects/<project_id>/invitations", methods=["GET", "POST"])
def gallery_invitations(project_id: str):
    """Send the gallery (`send`) or make links to copy (`link`) for every filled-in row. Every
    row is checked before any is made, so a mistake in one loses nothing typed in the others.
    New links are shown in this one answer (never through the session): only their hashes are
    kept."""
    project = _gallery_or_404(project_id)
    form = InvitationForm()
    if request.method == "GET" or not form.validate_on_submit():
        return _page(project, form, status=200 if request.method == "GET" else 400)
    by_mail = "link" not in request.form
    rows = [
        row
        for row in form.recipients
        if (row.form.name.data or "").strip() or (row.form.email.data or "").strip()
    ]
    if not rows:
        flash("Fill in at least one recipient: a name, and an e-mail address to send it to.", "error")
        return _page(project, form, status=400)
    found = False
    for row in rows:
        values = row.form.data
        for name, message in content.invitations.problems(
            project, values["name"], values["email"], values["kind"], values["last_day"], by_mail=by_mail
        ).items():
            getattr(row.form, name).errors = [*getattr(row.form, name).errors, message]
            found = True
    if found:
        return _page(project, form, status=400)
    made, sent, failed = [], [], []
    for row in rows:
        values = row.form.data
        try:
            invitation, secret = content.invitations.create(
                project,
                values["name"],
                values["email"],
                values["kind"],
                values["last_day"],
                by_mail=by_mail,
                created_by=current_user.email,
            )
        except ValidationError as exc:  # the gallery's cap reached meanwhile
            flash(" ".join(exc.errors.values()), "error")
            break
        if by_mail:
            invitation = content.invitations.send(project, invitation, secret)
            (sent if invitation.delivery == "sent" else failed).append(invitation)
        else:
            made.append(
                (content.invitations.copied(invitation), content.invitations.link(invitation, secret))
            )
    if sent:
        flash(f"Sent “{project.title}” to {', '.join(i.name for i in sent)}.", "success")
    for invitation in failed:
        flash(f"Not sent to {invitation.name}: {invitation.reason}", "error")
    if made:
        return _page(project, InvitationForm(formdata=None), new_links=made)
    return _back_to_list(project)


def _acted_on(project_id: str, invitation_id: str) -> tuple[Project, Invitation | None]:
    """The gallery and the invitation a button of the list acts on; None for the invitation when
    the post is not a valid form or it was revoked meanwhile (nothing to do)."""
    project = _gallery_or_404(project_id)
    invitation = _invitation_or_404(project, invitation_id)
    valid = ConfirmForm().validate_on_submit() and not invitation.revoked_at
    return project, invitation if valid else None


def _back_to_list(project: Project):
    return redirect(url_for("admin.gallery_invitations", project_id=project.id))


@bp.post("/projects/<project_id>/invitations/<invitation_id>/resend")
def resend_invitation(project_id: str, invitation_id: str):
    """Mail it again with a new link (the one sent before stops working)."""
    project, invitation = _acted_on(project_id, invitation_id)
    if invitation is not None:
        invitation = content.invitations.send(project, *content.invitations.new_secret(invitation))
        if invitation.delivery == "sent":
            flash(
                f"Sent again to {invitation.name}, with a new link (the earlier one no longer opens).",
                "success",
            )
        else:
            flash(f"Not sent to {invitation.name}: {invitation.reason}", "error")
    return _back_to_list(project)


@bp.post("/projects/<project_id>/invitations/<invitation_id>/link")
def new_invitation_link(project_id: str, invitation_id: str):
    """A new link to copy for this person (the one given before stops working), shown once."""
    project, invitation = _acted_on(project_id, invitation_id)
    if invitation is None:
        return _back_to_list(project)
    invitation, secret = content.invitations.new_secret(invitation)
    link = content.invitations.link(invitation, secret)
    return _page(
        project, InvitationForm(formdata=None), new_links=[(content.invitations.copied(invitation), link)]
    )


@bp.post("/projects/<project_id>/invitations/<invitation_id>/revoke")
def revoke_invitation(project_id: str, invitation_id: str):
    project, invitation = _acted_on(project_id, invitation_id)
    if invitation is not None:
        content.invitations.revoke(project, invitation)
        flash(
            f"{invitation.name}'s access has ended: their link and the photo links they had stop working now.",
            "success",
        )
    return _back_to_list(project)


@bp.post("/projects/<project_id>/invitations/<invitation_id>/extend")
def extend_invitation(project_id: str, invitation_id: str):
    project, invitation = _acted_on(project_id, invitation_id)
    if invitation is not None:
        try:
            extended = content.invitations.extend(project, invitation)
        except ValidationError as exc:
            flash(" ".join(exc.errors.values()), "error")
        else:
            flash(f"{extended.name} may open the gallery until {long_date(extended.last_day)}.", "success")
    return _back_to_list(project)


@bp.route("/settings/invitation-mail", methods=["GET", "POST"])
def invitation_template():
    """The invitation e-mail, for every gallery: edit, preview (with example values), save."""
    subject, body = content.invitations.template()
    form = InvitationTemplateForm(data={"subject": subject, "body": body})
    back = request.args.get("project", "")
    status = 200
    if form.validate_on_submit():
        if "preview" in request.form:
            pass  # shown below, from what was typed
        else:
            try:
                content.invitations.save_template(form.subject.data, form.body.data)
            except ValidationError as exc:
                for name, message in exc.errors.items():
                    getattr(form, name).errors = [*getattr(form, name).errors, message]
                status = 400
            else:
                flash("Saved the invitation e-mail: every invitation sent from now on uses it.", "success")
                return redirect(url_for("admin.invitation_template", project=back or None))
    elif request.method == "POST":
        status = 400
    preview_subject, preview_text = _preview(form.subject.data or "", form.body.data or "")
    return render_template(
        "admin/invitation_template.html",
        form=form,
        preview_subject=preview_subject,
        preview_text=preview_text,
        back=services().store.get_project(back) if back else None,
        placeholders=content.invitations.PLACEHOLDERS,
    ), status


def _preview(subject: str, body: str) -> tuple[str, str]:
    """The e-mail as a recipient would read it, with example values."""
    sample_project = Project(title=PREVIEW_GALLERY, category="", gallery_expires_on="2026-12-31")
    sample = Invitation(id="example", project_id="example", name="Ana Lopes", email="ana@example.com")
    link = unquote(
        url_for("public.invitation", project_id="…", invitation_id="…", secret="…", _external=True)
    )
    return content.invitations.compose(sample_project, sample, link, wording=(subject, body))
