"""The admin's forms (Flask-WTF: every form carries its CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, MultipleFileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    FieldList,
    FloatField,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms import Form as PlainForm
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)
from wtforms.validators import ValidationError as WTFormsValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from .. import content, domain, tokens
from ..accounts import MIN_PASSWORD_LENGTH
from ..image_formats import CUSTOM_PRESET, INPUT_EXTENSIONS, INPUT_LABEL, QUALITY_PRESETS
from . import time_zones


def choices(pairs) -> list[SelectChoice]:
    """A select's options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


MARKDOWN_HINT = (
    "Formatting: **bold**, *italic*, [link](https://…), blank line for a new paragraph, - for a list."
)


class TimeZoneField(SelectField):
    """The real time zones, common ones first (`time_zones`). A saved old name ("US/Pacific")
    shows as the listed zone; a zone listed twice (Common and its area) is selected once."""

    UNCHOSEN = "Not chosen yet (times show in UTC)"

    def __init__(self, label: str, **kwargs):
        super().__init__(label, choices=self._options, default=domain.DEFAULT_TIME_ZONE, **kwargs)
        self.kept = ""
        self.unchosen = False

    def for_site(self, settings: domain.SiteSettings) -> None:
        """Offer "Not chosen yet" while the site never chose, and keep its saved zone a choice
        when the list lacks it (a zone the picker leaves out, "EST5EDT", saved before it did)."""
        self.unchosen = not settings.time_zone_chosen
        listed = time_zones.listed_name(settings.time_zone) in time_zones.real_zones()
        known = settings.time_zone in domain.time_zones()
        self.kept = settings.time_zone if known and not listed else ""

    def _options(self) -> list[SelectChoice]:
        unchosen = [SelectChoice("", self.UNCHOSEN)] if self.unchosen else []
        kept = [SelectChoice(self.kept, self.kept, optgroup="Saved")] if self.kept else []
        grouped = [
            SelectChoice(value, label, optgroup=group)
            for group, options in time_zones.grouped_choices().items()
            for value, label in options
        ]
        return unchosen + kept + grouped

    def process_data(self, value):
        super().process_data(time_zones.listed_name(value) if value else value)

    def iter_groups(self):
        found = False
        for group, options in super().iter_groups():
            once = [option._replace(selected=option.selected and not found) for option in options]
            found = found or any(option.selected for option in options)
            yield group, once


class TimeZoneForm(FlaskForm):
    """The dashboard's question, asked until the site chooses: the browser's zone proposed."""

    time_zone = TimeZoneField("Time zone")
    use = SubmitField("Use this time zone")
    keep_utc = SubmitField("Keep UTC")


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Email(check_deliverability=False)])
    password = PasswordField("Password", validators=[DataRequired()])
    next = HiddenField()


class ProjectForm(FlaskForm):
    title = StringField(
        "Title", validators=[DataRequired(message="A title is required."), Length(max=domain.TITLE_MAX)]
    )
    slug = StringField(
        "Address",
        description="The end of the project's URL. Leave empty to make one from the title. Old addresses keep working.",
        validators=[
            Optional(),
            Length(max=domain.SLUG_MAX),
            Regexp(
                domain.SLUG_RE.pattern,
                message="Use lowercase letters, digits and single hyphens, e.g. lisbon-loft.",
            ),
        ],
    )
    category = SelectField("Category", validators=[DataRequired()])
    description = TextAreaField(
        "Description", description=MARKDOWN_HINT, validators=[Length(max=domain.DESCRIPTION_MAX)]
    )
    location = StringField("Location", validators=[Optional(), Length(max=domain.SHORT_TEXT_MAX)])
    client = StringField("Client", validators=[Optional(), Length(max=domain.SHORT_TEXT_MAX)])
    published = BooleanField(
        "Published",
        description="Visible to visitors. Public and unlisted projects need alt text on every photo first.",
    )
    visibility = SelectField(
        "Who sees it",
        choices=choices(domain.VISIBILITIES.items()),
        default="public",
        description="Unlisted: anyone with the link, listed nowhere, not indexed. Client gallery: a "
        "password, and photos that are never on a public address.",
    )
    gallery_password = PasswordField(
        "New gallery password",
        description=f"At least {domain.GALLERY_PASSWORD_MIN} characters. Setting one signs every client out.",
        validators=[Optional(), Length(min=domain.GALLERY_PASSWORD_MIN, max=200)],
    )
    gallery_guest_password = PasswordField(
        "New guest password (view only)",
        description="Optional: for people who may look but not choose or download. Setting one signs everyone out.",
        validators=[Optional(), Length(min=domain.GALLERY_PASSWORD_MIN, max=200)],
    )
    remove_guest_password = BooleanField("Remove guest access")

    def validate_gallery_guest_password(self, field) -> None:
        typed = (field.data or "").strip()
        if typed and typed == (self.gallery_password.data or "").strip():
            raise WTFormsValidationError("Use a guest password different from the client's.")

    gallery_expires_on = StringField(
        "Open until",
        description="The last day clients can open it (empty: no end). Extend it any time.",
        validators=[Optional(), Regexp(r"^\d{4}-\d{2}-\d{2}$", message="Use a date like 2026-12-31.")],
        render_kw={"type": "date"},
    )
    featured = BooleanField("Featured on the home page")
    publish_at = DateTimeLocalField(
        "Publish at",
        description="Goes live by itself at this time (the site's time zone, see Settings).",
        format=["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"],
        validators=[Optional()],
    )
    unpublish_at = DateTimeLocalField(
        "Unpublish at",
        description="Leaves the site by itself at this time.",
        format=["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"],
        validators=[Optional()],
    )
    cover_photo_id = SelectField(
        "Cover photo", choices=choices([("", "First ready photo")]), validate_choice=False
    )
    seo_title = StringField(
        "Search title",
        description="Shown in search results and browser tabs. Default: the title.",
        validators=[Optional(), Length(max=domain.SEO_TITLE_MAX)],
    )
    seo_description = TextAreaField(
        "Search description",
        description="One or two sentences for search results. Default: the start of the description.",
        validators=[Optional(), Length(max=domain.SEO_DESCRIPTION_MAX)],
    )
    version = HiddenField()


class PhotoTextForm(FlaskForm):
    alt_text = StringField(
        "Alt text",
        description="Describe the photo for people who cannot see it.",
        validators=[Length(max=domain.ALT_TEXT_MAX)],
    )
    caption = StringField("Caption", validators=[Optional(), Length(max=domain.CAPTION_MAX)])


class PhotoDescriptionForm(PlainForm):
    """One photo's alt text and caption on the describe page, prefixed with the photo's id (its
    CSRF token is the page's). `shown` is a fingerprint of the text the page showed, so a save
    never silently replaces text someone else saved meanwhile."""

    alt_text = StringField("Alt text", validators=[Length(max=domain.ALT_TEXT_MAX)])
    caption = StringField("Caption", validators=[Optional(), Length(max=domain.CAPTION_MAX)])
    shown = HiddenField()


RIGHTS_URL_MESSAGE = "Enter the page's full web address, starting with https://."


def rights_fields(creator_hint: str, copyright_hint: str) -> type:
    """The five rights fields (a mixin), shared by the site's defaults and a photo's own."""

    class RightsFields:
        rights_creator = StringField(
            "Creator",
            description=f"The photographer's name, as credited. {creator_hint}",
            validators=[Optional(), Length(max=domain.RIGHTS_TEXT_MAX)],
        )
        rights_copyright = StringField(
            "Copyright notice",
            description=copyright_hint,
            validators=[Optional(), Length(max=domain.RIGHTS_TEXT_MAX)],
        )
        rights_credit = StringField(
            "Credit line",
            description="What a publisher prints beside the photo, e.g. “Photo: S. Goodie”.",
            validators=[Optional(), Length(max=domain.RIGHTS_TEXT_MAX)],
        )
        rights_license_url = URLField(
            "Licence page",
            description="The page stating the terms of use (search engines link it as the licence).",
            validators=[Optional(), URL(message=RIGHTS_URL_MESSAGE), Length(max=domain.URL_MAX)],
        )
        rights_acquire_url = URLField(
            "How to license",
            description="Where someone asks to use the photo (image search links it from the "
            "“Licensable” badge).",
            validators=[Optional(), URL(message=RIGHTS_URL_MESSAGE), Length(max=domain.URL_MAX)],
        )

    return RightsFields


class PhotoRightsForm(
    rights_fields(
        "Empty: the original's own, else the site's default.",
        "Empty: the original's own, else the site's default.",
    ),
    FlaskForm,
):
    """A photo's own rights: each field set here wins over the original's and the site's."""


FOCAL_MESSAGE = "Give the subject's place as a per cent of the photo, from 0 to 100."


class FocalPointForm(FlaskForm):
    """Where the photo's subject is, in per cent across and down (the admin's click fills it)."""

    focal_x = FloatField(
        "Across", validators=[InputRequired(FOCAL_MESSAGE), NumberRange(0, 100, FOCAL_MESSAGE)]
    )
    focal_y = FloatField(
        "Down", validators=[InputRequired(FOCAL_MESSAGE), NumberRange(0, 100, FOCAL_MESSAGE)]
    )


class MultipleCheckboxField(SelectMultipleField):
    """Several choices as checkboxes (a multiple select is hard to use on a phone)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class TokenForm(FlaskForm):
    """A new access token for /api/v1 (Account → Tokens)."""

    name = StringField(
        "Name",
        description="Where it is used, so you know what you revoke: “Lightroom on the studio iMac”.",
        validators=[DataRequired("Give the token a name."), Length(max=tokens.NAME_MAX)],
    )
    scopes = MultipleCheckboxField(
        "What it may do",
        choices=choices((name, f"{name}: {what}") for name, what in tokens.SCOPES.items()),
        default=["read", "publish"],
        validators=[DataRequired("Choose at least one.")],
    )
    expires = SelectField(
        "Expires",
        choices=choices((str(days), f"in {days} days" if days else "never") for days in tokens.EXPIRY_DAYS),
        default="90",
    )


class ConfirmForm(FlaskForm):
    """A form with only the CSRF token: delete confirmations, cover buttons, moves, sign-out."""


class ImageSlotForm(PlainForm):
    """One photo on a page: keep it, choose one from the portfolio, upload one, or remove it."""

    choice = SelectField("Photo", choices=[], validate_choice=False)
    upload = FileField(
        "Or upload a photo", validators=[FileAllowed(INPUT_EXTENSIONS, f"Upload a {INPUT_LABEL} photo.")]
    )
    alt = StringField("Alt text", validators=[Length(max=domain.ALT_TEXT_MAX)])
    # The kept photo's subject, in per cent (the focal point editor beside the photo).
    focal_x = FloatField("Across", validators=[Optional(), NumberRange(0, 100, FOCAL_MESSAGE)])
    focal_y = FloatField("Down", validators=[Optional(), NumberRange(0, 100, FOCAL_MESSAGE)])


class PageSeoMixin:
    publish_at = DateTimeLocalField(
        "Publish these changes at",
        description="Leave empty to publish on save. With a time (the site's time zone), the texts "
        "go live by themselves then; photo changes are saved at once, so save them first.",
        format=["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"],
        validators=[Optional()],
    )
    seo_title = StringField("Search title", validators=[Optional(), Length(max=domain.SEO_TITLE_MAX)])
    seo_description = TextAreaField(
        "Search description", validators=[Optional(), Length(max=domain.SEO_DESCRIPTION_MAX)]
    )
    version = HiddenField()


class HomePageForm(PageSeoMixin, FlaskForm):
    headline = StringField("Headline", validators=[DataRequired(), Length(max=120)])
    subheadline = StringField("Sub-headline", validators=[Optional(), Length(max=200)])
    intro = TextAreaField("Introduction", description=MARKDOWN_HINT, validators=[Length(max=5000)])
    hero = FormField(ImageSlotForm, label="Hero photo")
    featured_order = HiddenField()
    cta_title = StringField("Call to action: title", validators=[Optional(), Length(max=120)])
    cta_text = TextAreaField("Call to action: text", validators=[Optional(), Length(max=500)])


class AboutPageForm(PageSeoMixin, FlaskForm):
    heading = StringField("Heading", validators=[DataRequired(), Length(max=120)])
    bio = TextAreaField("Biography", description=MARKDOWN_HINT, validators=[Length(max=10000)])
    portrait = FormField(ImageSlotForm, label="Portrait")


class PackageForm(PlainForm):
    name = StringField("Name", validators=[Optional(), Length(max=80)])
    price = StringField("Price", validators=[Optional(), Length(max=60)])
    details = TextAreaField(
        "What's included", description=MARKDOWN_HINT, validators=[Optional(), Length(max=2000)]
    )


class BrandingPageForm(PageSeoMixin, FlaskForm):
    heading = StringField("Heading", validators=[DataRequired(), Length(max=120)])
    intro = TextAreaField("Introduction", description=MARKDOWN_HINT, validators=[Length(max=5000)])
    packages = FieldList(FormField(PackageForm), min_entries=4, max_entries=4)
    offer = TextAreaField("More about the offer", description=MARKDOWN_HINT, validators=[Length(max=5000)])
    gallery_remove = FieldList(BooleanField("Remove"), min_entries=0)
    gallery_add = SelectField("Add a photo from the portfolio", choices=[], validate_choice=False)
    gallery_upload = MultipleFileField(
        "Or upload photos", validators=[FileAllowed(INPUT_EXTENSIONS, f"Upload {INPUT_LABEL} photos.")]
    )


class CategoryForm(FlaskForm):
    name = StringField(
        "Name", validators=[DataRequired("The name is required."), Length(max=domain.CATEGORY_NAME_MAX)]
    )
    slug = StringField(
        "Address",
        description="The page is /work/<address>. Lowercase letters, digits and hyphens; "
        "left empty, it is made from the name. A changed address redirects from the old one.",
        validators=[
            Optional(),
            Length(max=domain.SLUG_MAX),
            Regexp(domain.SLUG_RE, message="Use lowercase letters, digits and hyphens."),
        ],
    )
    hidden = BooleanField(
        "Hidden", description="Not in the navigation; its pages are not shown to visitors. Its projects stay."
    )


class CategoryPageForm(PageSeoMixin, FlaskForm):
    heading = StringField("Heading", validators=[Optional(), Length(max=120)])
    intro = TextAreaField("Introduction", description=MARKDOWN_HINT, validators=[Length(max=3000)])


SOCIAL_MESSAGE = "Enter the profile's https:// web address, e.g. instagram.com/yourname."


class SettingsForm(
    rights_fields(
        "Written into photos whose original names none. Empty: the business name.",
        "{year} becomes the year the photo was taken, e.g. “© {year} S. Goodie Photography”. "
        "Empty: “© {year} ” and the business name.",
    ),
    FlaskForm,
):
    business_name = StringField("Business name", validators=[DataRequired(), Length(max=120)])
    tagline = StringField("Tagline", validators=[Optional(), Length(max=160)])
    contact_email = EmailField("Contact email", validators=[Optional(), Email(check_deliverability=False)])
    phone = StringField("Phone", validators=[Optional(), Length(max=40)])
    location = StringField("Based in", validators=[Optional(), Length(max=120)])
    instagram = StringField(
        "Instagram",
        filters=[domain.social_url],
        validators=[Optional(), URL(require_tld=True, message=SOCIAL_MESSAGE)],
    )
    linkedin = StringField(
        "LinkedIn",
        filters=[domain.social_url],
        validators=[Optional(), URL(require_tld=True, message=SOCIAL_MESSAGE)],
    )
    facebook = StringField(
        "Facebook",
        filters=[domain.social_url],
        validators=[Optional(), URL(require_tld=True, message=SOCIAL_MESSAGE)],
    )
    pinterest = StringField(
        "Pinterest",
        filters=[domain.social_url],
        validators=[Optional(), URL(require_tld=True, message=SOCIAL_MESSAGE)],
    )
    default_seo_description = TextAreaField(
        "Default search description", validators=[Optional(), Length(max=domain.SEO_DESCRIPTION_MAX)]
    )
    currency = SelectField(
        "Currency",
        description="Used in the contact form's budget options.",
        choices=choices((code, f"{name} ({code})") for code, (name, _) in domain.CURRENCIES.items()),
        default=domain.DEFAULT_CURRENCY,
    )
    time_zone = TimeZoneField(
        "Time zone",
        description="The admin shows every time in this zone, and scheduled publishing counts in it.",
    )
    quality_preset = RadioField(
        "Quality",
        choices=choices(
            [
                *((name, label) for name, (label, _) in QUALITY_PRESETS.items()),
                (CUSTOM_PRESET, "Custom (the four values below)"),
            ]
        ),
        default="balanced",
    )
    jpeg_quality = IntegerField(
        "JPEG quality", default=82, validators=[NumberRange(1, 100, "From 1 to 100.")]
    )
    jpeg_subsampling = SelectField(
        "JPEG colour detail",
        choices=choices([("4:2:0", "4:2:0 (smaller)"), ("4:4:4", "4:4:4 (full colour detail)")]),
        default="4:2:0",
    )
    webp_quality = IntegerField(
        "WebP quality", default=80, validators=[NumberRange(1, 100, "From 1 to 100.")]
    )
    avif_quality = IntegerField(
        "AVIF quality", default=60, validators=[NumberRange(1, 100, "From 1 to 100.")]
    )
    wide_gamut = BooleanField(
        "Keep Display P3 colour",
        description="Photos taken or edited in a wide gamut (Display P3, Adobe RGB) keep their more "
        "saturated colours, profile embedded, for screens that show them. Off: every file is sRGB.",
    )

    watermark_kind = RadioField("Watermark", choices=choices(domain.WATERMARK_KINDS.items()), default="text")
    watermark_text = StringField(
        "Text",
        description="Set in the site's serif, white with a soft shadow so it reads on light and dark photos.",
        validators=[Length(max=domain.WATERMARK_TEXT_MAX)],
    )
    watermark_position = SelectField(
        "Where", choices=choices(domain.WATERMARK_POSITIONS.items()), default="bottom-right"
    )
    watermark_size = IntegerField(
        "Size (% of the photo's short side)",
        default=30,
        description="The mark's longer side.",
        validators=[NumberRange(*domain.WATERMARK_SIZE_RANGE, "From %(min)s to %(max)s.")],
    )
    watermark_opacity = IntegerField(
        "Opacity (%)",
        default=35,
        validators=[NumberRange(*domain.WATERMARK_OPACITY_RANGE, "From %(min)s to %(max)s.")],
    )
    watermark_portfolio = BooleanField(
        "Watermark the public site too",
        description="Every photo visitors see on the public pages carries the mark. Off: only client "
        "galleries whose watermark is on.",
    )

    # Checked by images/logo.py, which says why a file is refused (an SVG, say) in its own words.
    logo = FileField(
        "Logo",
        description="PNG with a transparent background (or JPEG, WebP), at least 120 px high. "
        "The browser-tab icon and the phone home-screen icon are made from it. "
        "Without a logo the business name is shown.",
        render_kw={"accept": "image/png,image/jpeg,image/webp"},
    )
    remove_logo = BooleanField("Remove the logo (show the business name instead)")
    version = HiddenField()


class PasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired()])
    new = PasswordField(
        "New password",
        validators=[
            DataRequired(),
            Length(min=MIN_PASSWORD_LENGTH, message=f"At least {MIN_PASSWORD_LENGTH} characters."),
        ],
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("new", message="The two passwords differ.")],
    )


class MoveForm(FlaskForm):
    step = IntegerField(validators=[DataRequired()])


class RecipientForm(PlainForm):
    """One person a client gallery is sent to (an empty row is skipped)."""

    name = StringField("Name", validators=[Optional(), Length(max=content.invitations.NAME_MAX)])
    email = EmailField("E-mail", validators=[Optional()])
    kind = SelectField(
        "Access",
        choices=choices(content.invitations.KINDS.items()),
        default="client",
    )
    last_day = StringField(
        "Own last day",
        description="Optional; never after the gallery's.",
        validators=[Optional(), Regexp(r"^\d{4}-\d{2}-\d{2}$", message="Use a date (YYYY-MM-DD).")],
    )


class InvitationForm(FlaskForm):
    """Send a client gallery to one or more people, each with a link of their own."""

    recipients = FieldList(FormField(RecipientForm), min_entries=3, max_entries=20)


class InvitationTemplateForm(FlaskForm):
    """The e-mail every invitation uses, edited once for the site."""

    subject = StringField("Subject", validators=[DataRequired("Give the e-mail a subject."), Length(max=200)])
    body = TextAreaField(
        "Text",
        description="Placeholders: {name}, {gallery}, {link} (required), {expires}, {photographer}.",
        validators=[DataRequired("Write the e-mail's text."), Length(max=5000)],
    )
