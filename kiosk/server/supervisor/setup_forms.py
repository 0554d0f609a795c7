"""What the setup pages' forms send: fields that repeat (a window's queue boxes), and the
事项清单 file of the import form (multipart/form-data, read with the standard library so the
server needs no python-multipart)."""
from __future__ import annotations

from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qs

from fastapi import Request
from pydantic import BaseModel, ValidationError

from kiosk.server.errors import ApiError
from kiosk.server.supervisor.forms import field_errors

IMPORT_PATH = "/supervisor/setup/matters/import"
IMPORT_MAX_BYTES = 2 * 2**20 + 64 * 1024  # a 事项清单 file of up to 2 MB (catalogue_import.MAX_BYTES), and its form


class FieldsRefused(Exception):
    """A form's fields, refused: the message of each, keyed by field name."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("；".join(errors.values()))
        self.errors = errors


async def form_lists(request: Request) -> dict[str, list[str]]:
    """The posted form, every value of every field (BodyLimits has bounded its size)."""
    body = await request.body()
    return parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)


def first(form: dict[str, list[str]], key: str) -> str:
    return (form.get(key) or [""])[0]


def spec_of(model: type[BaseModel], form: dict[str, list[str]], labels: dict[str, str], **given):
    """The form's fields as ``model``; a blank field counts as not given (its default, or
    "请填写…"). FieldsRefused with each field's mistake in Chinese."""
    fields = {name: first(form, name) for name in model.model_fields if name in form}
    fields = {k: v for k, v in fields.items() if v.strip()} | given
    try:
        return model(**fields)
    except ValidationError as exc:
        raise FieldsRefused(field_errors(exc, labels)) from None


async def uploaded_file(request: Request) -> tuple[dict[str, str], str, bytes]:
    """A multipart form's plain fields, and its one file's name and bytes."""
    kind = request.headers.get("content-type", "")
    if not kind.startswith("multipart/form-data"):
        raise ApiError(422, "invalid_request", "请选择要导入的文件后再点“导入”")
    body = await request.body()
    message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + kind.encode("latin-1") + b"\r\n\r\n" + body)
    fields, name, data = {}, "", b""
    for part in message.iter_parts() if message.is_multipart() else ():
        field = part.get_param("name", header="content-disposition")
        filename = part.get_filename()
        content = part.get_payload(decode=True) or b""
        if filename is not None:
            name, data = filename, content
        elif field:
            fields[field] = content.decode("utf-8", errors="replace")
    if not data:
        raise ApiError(422, "invalid_request", "请选择要导入的事项清单文件（.xlsx 或 .csv）")
    return fields, name, data
