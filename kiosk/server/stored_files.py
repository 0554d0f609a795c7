"""Files the server keeps under its data folder (captured pages, signed forms, results, visit photos):
which kinds are taken, how a body is checked against its declared kind, and how a file is written."""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from kiosk.server.errors import ApiError

SIGNATURES = {"image/jpeg": (b"\xff\xd8\xff",), "image/png": (b"\x89PNG\r\n\x1a\n",), "application/pdf": (b"%PDF-",)}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}
UPLOAD_BODY = {"requestBody": {"required": True, "content": {  # an upload's body in the OpenAPI document
    t: {"schema": {"type": "string", "format": "binary"}} for t in SIGNATURES}}}


def check_body(content_type: str, data: bytes) -> str:
    """The body's kind (image/jpeg, image/png, application/pdf), once its first bytes say it is one."""
    kind = content_type.split(";")[0].strip().lower()
    if kind not in SIGNATURES:
        raise ApiError(415, "unsupported_media_type", "只接受 JPEG、PNG 图片或 PDF 文件")
    if not data:
        raise ApiError(422, "empty_document", "上传的文件是空的")
    if not data.startswith(SIGNATURES[kind]):
        raise ApiError(422, "content_mismatch", "文件内容与声明的类型不符，请重新拍摄")
    return kind


def new_name(folder: str, kind: str) -> str:
    """A fresh file's name under the data folder, e.g. documents/3/1201/<hex>.jpg."""
    return f"{folder}/{uuid.uuid4().hex}.{EXTENSIONS[kind]}"


def write_file(root: Path, relative: str, data: bytes) -> None:
    """Whole or not at all: a crash leaves no half-written page."""
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(".part")
    with open(temporary, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, target)


@contextmanager
def removed_unless_recorded(root: Path) -> Iterator[Callable[[str, bytes], None]]:
    """Yields ``write(relative, data)``. Run the whole transaction inside: if the block fails (its record
    did not commit), the files written in it are removed again, so no orphan file is left behind."""
    written: list[str] = []

    def write(relative: str, data: bytes) -> None:
        written.append(relative)
        write_file(root, relative, data)

    try:
        yield write
    except BaseException:
        for relative in written:
            (root / relative).unlink(missing_ok=True)
        raise


def kept(root: Path, relative: str, missing: str = "材料文件已不在服务器上，请联系管理员") -> Path:
    """The file recorded as ``relative``; 410 with ``missing`` said if it is no longer on the disk."""
    path = root / relative
    if not path.exists():
        raise ApiError(410, "document_missing", missing)
    return path
