"""Case attachments: content checks (by magic bytes, not by name) and storage.

Files live under ``<instance>/uploads/<yyyy>/<mm>/<random token>``, never under the
name the user gave; that name is kept, cleaned, in :class:`Attachment.filename`.
A request's files are all checked before any is written (:func:`check_files`), and
:func:`removing_on_error` deletes what was written if the database part then fails.
"""

from __future__ import annotations

import io
import secrets
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from flask import current_app
from werkzeug.datastructures import FileStorage
from werkzeug.security import safe_join

from hgq.accounts.models import User
from hgq.cases.models import Attachment, Case, CaseEvent
from hgq.errors import NotAllowed
from hgq.extensions import db
from hgq.timeutil import local_now

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 10
FILENAME_MAX = 200
# No more uploads once a case has ended this way.
ALLOWED_HINT = "仅支持 PDF、图片（PNG/JPG/GIF）、Word/Excel/PowerPoint 文档和 TXT 文本"

OOXML = {
    ".docx": ("word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".xlsx": ("xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".pptx": ("ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}
OLE2 = {".doc": "application/msword", ".xls": "application/vnd.ms-excel"}
# (magic bytes at offset 0, extensions it may carry, content type)
SIGNATURES: tuple[tuple[bytes, frozenset[str], str], ...] = (
    (b"%PDF-", frozenset({".pdf"}), "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", frozenset({".png"}), "image/png"),
    (b"\xff\xd8\xff", frozenset({".jpg", ".jpeg"}), "image/jpeg"),
    (b"GIF87a", frozenset({".gif"}), "image/gif"),
    (b"GIF89a", frozenset({".gif"}), "image/gif"),
)
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Control characters a text file may contain (tab, newlines, form feed).
TEXT_CONTROLS = frozenset("\t\n\r\f")


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed every check, held in memory until it is written."""

    filename: str  # cleaned for display
    content_type: str
    data: bytes


# -- checks ---------------------------------------------------------------------
def max_bytes() -> int:
    return int(current_app.config.get("ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def format_size(size: int) -> str:
    """A byte count as 12 KB / 3.4 MB."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    return f"{max(1, round(size / 1024))} KB"


def clean_filename(name: str | None) -> str:
    """The name a user gave, safe to show and to send back: no folders, no control or
    reserved characters, at most 200 characters (the extension kept)."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        "_" if ch in '<>:"|?*' else ch
        for ch in name
        if unicodedata.category(ch)[0] != "C"  # control, format, unassigned
    )
    name = " ".join(name.split()).strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    ext = f".{ext}" if dot else ""
    if len(ext) > 20:
        stem, ext = name, ""
    stem = stem or "未命名"
    return stem[: FILENAME_MAX - len(ext)] + ext


def _extension(filename: str) -> str:
    return PurePosixPath(filename).suffix.lower()


def _zip_type(data: bytes, ext: str) -> str | None:
    """Office Open XML: a ZIP holding [Content_Types].xml and the part the extension
    promises (word/, xl/ or ppt/). Only the directory is read, nothing is unpacked."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names or ext not in OOXML:
        return None
    prefix, content_type = OOXML[ext]
    return content_type if any(n.startswith(prefix) for n in names) else None


def _text_type(data: bytes) -> str | None:
    """Plain text: UTF-8 or GB18030, no NUL and no other control characters."""
    if b"\x00" in data:
        return None
    for encoding, charset in (("utf-8-sig", "utf-8"), ("gb18030", "gb18030")):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if any(unicodedata.category(ch) == "Cc" and ch not in TEXT_CONTROLS for ch in text):
            return None
        return f"text/plain; charset={charset}"
    return None


def detect_type(data: bytes, ext: str) -> str | None:
    """The content type of ``data`` if it is an allowed kind carrying a matching
    extension ``ext`` (lower case, with the dot); None otherwise."""
    for magic, extensions, content_type in SIGNATURES:
        if data.startswith(magic):
            return content_type if ext in extensions else None
    if data.startswith(ZIP_MAGIC):
        return _zip_type(data, ext)
    if data.startswith(OLE2_MAGIC):
        return OLE2.get(ext)
    if ext == ".txt":
        return _text_type(data)
    return None


def check_file(storage: FileStorage, limit: int, field: str = "files") -> CheckedFile:
    """Read one upload and check its size and content; raises NotAllowed naming the file."""
    filename = clean_filename(storage.filename)
    if storage.stream.seekable():
        storage.stream.seek(0)  # checking twice reads the same bytes
    data = storage.stream.read(limit + 1)
    if len(data) > limit:
        raise NotAllowed(f"文件过大：{filename}（单个文件不能超过{format_size(limit)}）", field)
    if not data:
        raise NotAllowed(f"文件为空：{filename}", field)
    content_type = detect_type(data, _extension(filename))
    if content_type is None:
        raise NotAllowed(
            f"文件类型不允许：{filename}（{ALLOWED_HINT}，且扩展名须与文件内容一致）", field
        )
    return CheckedFile(filename=filename, content_type=content_type, data=data)


def chosen_files(files: Iterable[FileStorage]) -> list[FileStorage]:
    """The file inputs that carry a file (an empty file input sends a nameless part)."""
    return [f for f in files if f and f.filename]


def check_files(files: Iterable[FileStorage], field: str = "files") -> list[CheckedFile]:
    """Check every upload of a request (at most 10); nothing is written here.
    Raises NotAllowed (with ``field``) at the first file refused."""
    chosen = chosen_files(files)
    if len(chosen) > MAX_FILES:
        raise NotAllowed(f"每次最多上传{MAX_FILES}个文件，您选择了{len(chosen)}个", field)
    limit = max_bytes()
    return [check_file(f, limit, field) for f in chosen]


# -- storage --------------------------------------------------------------------
def upload_root() -> Path:
    return Path(current_app.instance_path, "uploads")


def stored_path(attachment: Attachment) -> Path:
    """Where an attachment's bytes are; never outside the uploads folder."""
    path = safe_join(str(upload_root()), attachment.stored_name)
    if path is None:
        raise FileNotFoundError(attachment.stored_name)
    return Path(path)


def _write(data: bytes) -> tuple[str, Path]:
    now = local_now()
    folder = upload_root() / f"{now:%Y}" / f"{now:%m}"
    folder.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(16)
    path = folder / token
    with path.open("xb") as fh:  # a clash would fail instead of overwriting
        fh.write(data)
    return f"{now:%Y}/{now:%m}/{token}", path


def save_attachments(
    case: Case,
    files: Iterable[CheckedFile],
    uploader: User,
    written: list[Path],
    *,
    internal: bool = False,
    event: CaseEvent | None = None,
) -> list[Attachment]:
    """Write checked files to disk and add their rows (flushed, not committed).

    Each path written is appended to ``written`` so that :func:`removing_on_error`
    can delete it if the rest of the request fails.
    """
    attachments = []
    for checked in files:
        stored_name, path = _write(checked.data)
        written.append(path)
        attachment = Attachment(
            case=case,
            event_id=event.id if event is not None else None,
            filename=checked.filename,
            stored_name=stored_name,
            content_type=checked.content_type,
            size=len(checked.data),
            uploaded_by=uploader,
            internal=internal,
        )
        db.session.add(attachment)
        attachments.append(attachment)
    db.session.flush()
    return attachments


@contextmanager
def removing_on_error() -> Iterator[list[Path]]:
    """Yield a list to collect written files in; on any exception they are deleted
    (and the exception goes on), so a failed request leaves no stray file."""
    written: list[Path] = []
    try:
        yield written
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
