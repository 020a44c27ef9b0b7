"""Article curation forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField

from knowledge_base.locales import LOCALES
from knowledge_base.models import Significance
from portal.auth.forms import LANGUAGE_NAMES


class ArticleForm(FlaskForm):
    title = StringField(_l("Title"), render_kw={"maxlength": 200})
    slug = StringField(_l("Slug (address)"), render_kw={"maxlength": 120, "pattern": "[a-z0-9-]*"})
    locale = SelectField(
        _l("Language"),
        choices=[(code, LANGUAGE_NAMES.get(code, code)) for code in LOCALES],
        validate_choice=False,
    )
    category = SelectField(_l("Category"), choices=[], validate_choice=False)
    translation_of = StringField(_l("Translation of (slug of the English article, optional)"))
    tags = StringField(_l("Tags (comma-separated)"))
    # the size limit (workflow.MAX_BODY_BYTES, 200 KB) is checked by the workflow, shown on this field
    body = TextAreaField(_l("Text (Markdown)"), render_kw={"rows": 18})
    comment = StringField(_l("What changed (revision comment)"), render_kw={"maxlength": 500})
    # source-language articles: a published major change marks every translation outdated
    significance = RadioField(
        _l("How big is this change?"),
        choices=[
            (Significance.MINOR.value, _l("Minor: typos, wording, formatting (translations stay current)")),
            (Significance.MAJOR.value, _l("Major: the content changed (translations become outdated)")),
        ],
        default=Significance.MINOR.value,
        validate_choice=False,
    )
    # translations: the source revision the translator was shown (see portal.kb.l10n.base_for)
    based_on = HiddenField()


class PreviewForm(FlaskForm):
    """The editor's live preview: the Markdown to render."""

    body = TextAreaField()


class ReviewForm(FlaskForm):
    review_comment = TextAreaField(_l("Comment for the author"), render_kw={"rows": 3})


class ImageUploadForm(FlaskForm):
    image = FileField(_l("Image (PNG, JPEG or WebP)"))
    alt = StringField(_l("Description of the image (alt text)"), render_kw={"maxlength": 200})
