"""Forms for attaching a file to a meeting and removing it."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import Length

from meetings.domain.terms import AttachmentKind
from meetings.domain.uploads import ACCEPT
from meetings.services.attachments import NOTE_LENGTH
from meetings.web.forms import Form
from meetings.web.labels import choices

PREFIX = "attachment"  # the meeting page holds other forms: keep these field ids apart


class AttachmentForm(Form):
    # The size and the real type are checked on the content by the service, not here.
    file = FileField(_l("文件"), render_kw={"accept": ACCEPT},
                     validators=[FileRequired(_l("请选择要上传的文件。"))])
    kind = SelectField(_l("类别"), choices=choices(AttachmentKind), default=AttachmentKind.PHOTO.value)
    note = StringField(_l("说明"), render_kw={"maxlength": NOTE_LENGTH}, validators=[
        Length(max=NOTE_LENGTH, message=_l("说明不能超过 200 个字。"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix=PREFIX, **kwargs)


class DeleteAttachmentForm(Form):
    """Only the CSRF token: the attachment is in the URL."""
