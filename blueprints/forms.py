"""The base of every web form: Flask-WTF (CSRF) with WTForms' built-in messages in Vietnamese."""

from collections.abc import Callable
from typing import TypeVar

from flask_wtf import FlaskForm
from wtforms import FieldList

from workflow.errors import ValidationError
from workflow.services import attachments

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


class VietnameseTranslations:
    def gettext(self, string: str) -> str:
        return VIETNAMESE.get(string, string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


class Form(FlaskForm):
    """Vietnamese messages, and the one way a page saves through a service and shows what it refused."""

    # Service field names that this form calls otherwise, e.g. {"file": "files"}.
    field_aliases: dict[str, str] = {}

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
        """422 for a form shown again with errors, so the request's transaction is rolled back."""
        return 422 if self.errors else 200


def attach_uploads(actor, owner, files) -> None:
    """Every file chosen in an upload field, attached to `owner` (a nomination or a report); empty slots skipped."""
    for storage in files or []:
        if storage and storage.filename:
            attachments.add(actor, owner, storage.filename, storage.read())
