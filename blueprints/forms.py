"""The base of every web form: Flask-WTF (CSRF) with WTForms' built-in messages in Vietnamese."""

import hashlib
import json
from collections.abc import Callable
from typing import TypeVar

from flask_wtf import FlaskForm
from wtforms import FieldList, FileField, HiddenField
from wtforms.validators import Length

from workflow.errors import Conflict, StaleVersion, ValidationError
from workflow.extensions import db
from workflow.services import attachments
from workflow.text import grouped

T = TypeVar("T")

# WTForms ships no Vietnamese catalogue; these are its built-in messages that our forms can show.
VIETNAMESE = {
    "This field is required.": "Trường này là bắt buộc.",
    "Not a valid choice.": "Lựa chọn không hợp lệ.",
    "'%(value)s' is not a valid choice for this field.": "“%(value)s” không phải lựa chọn hợp lệ.",
    "Invalid Choice: could not coerce.": "Lựa chọn không hợp lệ.",
    "Invalid choice(s): one or more data inputs could not be coerced.": "Có lựa chọn không hợp lệ.",
    "Not a valid integer value.": "Cần nhập một số nguyên.",
    "Not a valid decimal value.": "Cần nhập một số.",
    "Not a valid float value.": "Cần nhập một số.",
    "Not a valid date value.": "Ngày không hợp lệ.",
    "Not a valid datetime value.": "Thời điểm không hợp lệ.",
    "Invalid input.": "Giá trị không hợp lệ.",
    "Invalid email address.": "Địa chỉ thư điện tử không hợp lệ.",
    "Field must be equal to %(other_name)s.": "Phải trùng với ô %(other_name)s.",
    "Field must be at least %(min)d character long.": "Cần ít nhất %(min)d ký tự.",
    "Field must be at least %(min)d characters long.": "Cần ít nhất %(min)d ký tự.",
    "Field cannot be longer than %(max)d character.": "Tối đa %(max)d ký tự.",
    "Field cannot be longer than %(max)d characters.": "Tối đa %(max)d ký tự.",
    "Field must be between %(min)d and %(max)d characters long.": "Cần từ %(min)d đến %(max)d ký tự.",
    "Number must be at least %(min)s.": "Số phải từ %(min)s trở lên.",
    "Number must be at most %(max)s.": "Số không được lớn hơn %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Số phải trong khoảng %(min)s đến %(max)s.",
    "CSRF token missing.": "Thiếu mã bảo vệ biểu mẫu (CSRF). Vui lòng tải lại trang.",
    "CSRF token expired.": "Biểu mẫu đã hết hạn. Vui lòng tải lại trang.",
    "Invalid CSRF Token.": "Mã bảo vệ biểu mẫu không hợp lệ. Vui lòng tải lại trang.",
    "CSRF failed.": "Kiểm tra bảo vệ biểu mẫu thất bại. Vui lòng tải lại trang.",
}


def at_most(limit: int, message: str | None = None) -> Length:
    """At most `limit` characters, said with the limit written the Vietnamese way ("Tối đa 20.000 ký tự.", where
    WTForms' own message would print 20000)."""
    return Length(max=limit, message=message or f"Tối đa {grouped(limit)} ký tự.")


class VietnameseTranslations:
    def gettext(self, string: str) -> str:
        return VIETNAMESE.get(string, string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


class Form(FlaskForm):
    """Vietnamese messages, and the one way a page saves through a service and shows what it refused."""

    # Service field names that this form calls otherwise, e.g. {"file": "files"}.
    field_aliases: dict[str, str] = {}
    # The service's Conflict when an edit form's save was refused for one (see EditForm.saved).
    conflict: Conflict | None = None

    class Meta:
        def get_translations(self, form):
            return VietnameseTranslations()

    def saved(self, save: Callable[[], T]) -> T | None:
        """On a valid submission, what `save()` returns. None when there is nothing to save yet or the service
        refused the data: its messages are then on the form, which re-renders with everything typed."""
        if not self.validate_on_submit():
            return None
        try:
            return save()
        except ValidationError as error:
            self.show_errors(error)
            return None

    def show_errors(self, error: ValidationError) -> None:
        """A service's field messages on the fields; messages for no single field above the form."""
        for name, message in (error.fields or {None: error.message}).items():
            field = self._fields.get(self.field_aliases.get(name, name)) if name else None
            if field is None or isinstance(field, FieldList):
                self.form_errors.append(message)
            else:
                field.errors = [*field.errors, message]

    @property
    def status(self) -> int:
        """422 for a form shown again with errors, 409 after a conflict; either way the request's transaction is
        rolled back."""
        if self.conflict is not None:
            return 409
        return 422 if self.errors else 200


class EditForm(Form):
    """A form that changes a stored item carrying a `version`. When its save meets a conflict, nothing typed is lost:

    - someone else saved first: the two saves are merged field by field against the copy this form was opened
      from (`opened`, a fingerprint of each field). A field only they changed takes their value, saying so; a
      field both changed keeps what was typed and says what they saved. The form takes the stored version, so
      saving again is a choice made knowingly;
    - the item can no longer be changed (sent meanwhile): the form says why and the text stays to be copied."""

    version = HiddenField()
    opened = HiddenField()

    def saved(self, save: Callable[[], T], *, saved_copy: Callable[[], "EditForm"] | None = None) -> T | None:
        """As Form.saved; `saved_copy` builds this form as the item is stored now (its version included), to merge
        with after a conflict."""
        if saved_copy is None:
            return super().saved(save)
        if not self.is_submitted():
            self.mark_opened()
        try:
            return super().saved(save)
        except Conflict as conflict:
            db.session.rollback()  # a race lost at flush leaves the session to roll back; reload what is stored
            self.conflict = conflict
            if isinstance(conflict, StaleVersion):
                stored = saved_copy()
                self._merge(stored)
                self.version.data, self.opened.data = stored.version.data, stored.fingerprint()
            else:
                self.form_errors.append(conflict.message)
            return None

    @property
    def overtaken(self) -> bool:
        """Whether saving was refused because someone else saved first (and the two were merged)."""
        return isinstance(self.conflict, StaleVersion)

    def mark_opened(self) -> "EditForm":
        """Remember what the form shows as it is opened, before any typing: a later conflict merges against it."""
        self.opened.data = self.fingerprint()
        return self

    def fingerprint(self) -> str:
        """A short digest of each compared field's value, carried by the form from the moment it is opened."""
        return json.dumps({name: _digest(field.data) for name, field in self._compared()}, separators=(",", ":"))

    def _compared(self):
        return [
            (name, field)
            for name, field in self._fields.items()
            if name not in UNCOMPARED and not isinstance(field, FileField | FieldList)
        ]

    def _merge(self, stored: "EditForm") -> None:
        try:
            opened = json.loads(self.opened.data or "")
        except ValueError:
            opened = None
        if not isinstance(opened, dict):  # a page from before fingerprints: every difference is shown
            opened = {}
        for name, field in self._compared():
            if name not in stored._fields:
                continue
            theirs = stored[name]
            if _comparable(field.data) == _comparable(theirs.data) or _digest(theirs.data) == opened.get(name):
                continue  # the same in both, or only this user changed it
            if _digest(field.data) == opened.get(name):  # only they changed it: take theirs
                field.data, field.raw_data = theirs.data, None
                field.taken = "Đã lấy theo bản vừa được lưu."
            else:
                field.errors = [*field.errors, f"Bản đã lưu ghi: {_shown(theirs)}"]


UNCOMPARED = {"csrf_token", "version", "opened"}
SHOWN_AT_MOST = 300


def _comparable(value) -> str:
    """Typed and stored values compared as a reader would: blank is blank; surrounding spaces and the browser's
    line endings do not count."""
    if value is None:
        return ""
    return "\n".join(line.rstrip() for line in value.strip().splitlines()) if isinstance(value, str) else str(value)


def _digest(value) -> str:
    return hashlib.blake2b(_comparable(value).encode(), digest_size=6).hexdigest()


def _shown(field) -> str:
    """A stored value as the user reads it: a choice by its label, a long text cut short, a blank said so."""
    if (unit := getattr(field, "chosen", None)) is not None:  # a unit field, a drop-down or a type-ahead box
        text = unit.name
    elif hasattr(field, "iter_choices"):
        text = next((str(label) for _value, label, selected, *_ in field.iter_choices() if selected), "")
    else:
        text = field._value() or ""
    text = " ".join(text.split())
    if not text:
        return "(để trống)"
    return f"“{text[:SHOWN_AT_MOST]}…”" if len(text) > SHOWN_AT_MOST else f"“{text}”"


def attach_uploads(actor, owner, files) -> None:
    """Every file chosen in an upload field, attached to `owner` (a nomination or a report); empty slots skipped."""
    for storage in files or []:
        if storage and storage.filename:
            attachments.add(actor, owner, storage.filename, storage.read())
