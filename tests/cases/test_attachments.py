"""Attachments: content checks by magic bytes, storage under random names, upload and
download rights (another enterprise's files and internal files answer 404)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
import sqlalchemy as sa

from hgq.accounts.models import Role
from hgq.audit.models import AuditRecord
from hgq.cases import attachments
from hgq.cases.models import Attachment, Case, CaseStatus
from hgq.cases.services import perform_action
from hgq.cases.workflow import Action
from hgq.extensions import db
from tests import factories
from tests.conftest import make_test_app


# -- tiny valid samples ---------------------------------------------------------
def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def png_bytes() -> bytes:
    """A 1×1 white PNG."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def zip_bytes(entries: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in entries.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": '<?xml version="1.0"?><Types/>',
            "_rels/.rels": "<Relationships/>",
            "word/document.xml": "<w:document/>",
        }
    )


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"PE\x00\x00"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


# -- helpers ----------------------------------------------------------------------
def stored_files(app) -> list[Path]:
    root = Path(app.instance_path, "uploads")
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def attachment_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Attachment))


def upload(client, case_id: int, *files: tuple[bytes, str], internal: bool = False):
    data: dict[str, object] = {"files": [(io.BytesIO(body), name) for body, name in files]}
    if internal:
        data["internal"] = "1"
    return client.post(
        f"/cases/{case_id}/attachments", data=data, content_type="multipart/form-data"
    )


def fetch(client, url: str):
    """GET a download and close it (send_file keeps the file open until then)."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


@pytest.fixture
def case_a(app, zone) -> int:
    with app.app_context():
        return factories.make_case(zone.ent_a, zone.officer1).id


# -- the content checks, unit by unit ----------------------------------------------
@pytest.mark.parametrize(
    ("body", "name", "content_type"),
    [
        (pdf_bytes(), "批复.pdf", "application/pdf"),
        (png_bytes(), "现场.PNG", "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "photo.jpeg", "image/jpeg"),
        (b"GIF89a\x01\x00\x01\x00", "a.gif", "image/gif"),
        (docx_bytes(), "申请.docx", attachments.OOXML[".docx"][1]),
        (OLE2, "旧表格.xls", "application/vnd.ms-excel"),
        ("情况说明：用地手续。\n".encode(), "说明.txt", "text/plain; charset=utf-8"),
        ("情况说明：用地手续。\r\n".encode("gb18030"), "说明.txt", "text/plain; charset=gb18030"),
    ],
)
def test_allowed_types_are_detected_by_content(body, name, content_type):
    ext = Path(name).suffix.lower()
    assert attachments.detect_type(body, ext) == content_type


@pytest.mark.parametrize(
    ("body", "name"),
    [
        (EXE, "报告.pdf"),  # a disguised executable
        (EXE, "setup.exe"),
        (HTML, "photo.jpg"),
        (SVG, "photo.jpg"),
        (SVG, "logo.svg"),
        (HTML, "page.html"),
        (b"@echo off\r\ndel *.*\r\n", "run.bat"),
        (pdf_bytes(), "report.exe"),  # a real PDF with the wrong extension
        (png_bytes(), "scan.pdf"),
        (docx_bytes(), "report.pdf"),  # a ZIP named .pdf
        (docx_bytes(), "report.xlsx"),  # a Word document named as a workbook
        (zip_bytes({"word/document.xml": "<x/>"}), "fake.docx"),  # no [Content_Types].xml
        (b"PK\x03\x04 truncated", "broken.docx"),
        (OLE2, "old.docx"),
        (b"text\x00with NUL", "notes.txt"),
        (b"\x1b[31mcontrol codes\x1b[0m", "notes.txt"),
        (b"\xff\xfe\x00\x00", "notes.txt"),
    ],
)
def test_refused_types(body, name):
    assert attachments.detect_type(body, Path(name).suffix.lower()) is None


def test_filenames_are_cleaned_for_display():
    assert attachments.clean_filename("C:\\Users\\张三\\Desktop\\报告.pdf") == "报告.pdf"
    assert attachments.clean_filename("../../etc/passwd") == "passwd"
    assert attachments.clean_filename('a<b>:"c"|?*.pdf') == "a_b___c____.pdf"
    assert attachments.clean_filename("bad\x00\r\nname\u202e.pdf") == "badname.pdf"
    assert attachments.clean_filename("") == "未命名"
    long = attachments.clean_filename("长" * 500 + ".docx")
    assert len(long) == 200
    assert long.endswith(".docx")


def test_sizes_read_well():
    assert attachments.format_size(100) == "1 KB"
    assert attachments.format_size(200 * 1024) == "200 KB"
    assert attachments.format_size(10 * 1024 * 1024) == "10 MB"
    assert attachments.format_size(int(3.4 * 1024 * 1024)) == "3.4 MB"


# -- upload and download ----------------------------------------------------------
def test_upload_and_download_round_trip(app, zone, auth, client, case_a):
    auth.login("ent_a")
    body = png_bytes()
    response = upload(client, case_a, (body, "厂房 现场照片.png"), (pdf_bytes(), "批复.pdf"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/cases/{case_a}")
    with app.app_context():
        rows = db.session.scalars(sa.select(Attachment).order_by(Attachment.id)).all()
        assert [(a.filename, a.content_type, a.internal) for a in rows] == [
            ("厂房 现场照片.png", "image/png", False),
            ("批复.pdf", "application/pdf", False),
        ]
        assert rows[0].size == len(body)
        assert rows[0].uploaded_by_id == zone.user_a
        # Stored under <instance>/uploads/<yyyy>/<mm>/<token>, never under the given name.
        year, month, token = rows[0].stored_name.split("/")
        assert len(year) == 4 and len(month) == 2 and len(token) == 32
        first_id = rows[0].id
    assert len(stored_files(app)) == 2
    assert all(".png" not in p.name and ".pdf" not in p.name for p in stored_files(app))

    download = fetch(client, f"/attachments/{first_id}")
    assert download.status_code == 200
    assert download.data == body
    assert download.mimetype == "image/png"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"

    auth.logout()
    auth.login("officer1")  # staff covering the enterprise see it too
    assert fetch(client, f"/attachments/{first_id}").data == body
    with app.app_context():
        downloads = db.session.scalars(
            sa.select(AuditRecord).where(AuditRecord.action == "attachment.download")
        ).all()
        assert [(r.actor_id, r.target_id) for r in downloads] == [
            (zone.user_a, str(first_id)),
            (zone.officer1, str(first_id)),
        ]


def test_the_case_page_lists_files_for_those_who_may_see_them(app, zone, auth, client, case_a):
    auth.login("officer1")
    upload(client, case_a, (pdf_bytes(), "公开批复.pdf"))
    upload(client, case_a, (pdf_bytes(), "内部研判.pdf"), internal=True)
    page = client.get(f"/cases/{case_a}").get_data(as_text=True)
    assert "公开批复.pdf" in page
    assert "内部研判.pdf" in page
    assert "仅内部可见" in page  # staff get the checkbox
    auth.logout()

    auth.login("ent_a")
    page = client.get(f"/cases/{case_a}").get_data(as_text=True)
    assert "公开批复.pdf" in page
    assert "内部研判.pdf" not in page
    assert 'name="internal"' not in page


def test_internal_files_are_hidden_from_the_enterprise(app, zone, auth, client, case_a):
    auth.login("officer1")
    upload(client, case_a, (pdf_bytes(), "内部研判.pdf"), internal=True)
    with app.app_context():
        attachment = db.session.scalar(sa.select(Attachment))
        assert attachment.internal
        assert attachment.id is not None
        attachment_id = attachment.id
    assert fetch(client, f"/attachments/{attachment_id}").status_code == 200
    auth.logout()
    auth.login("ent_a")
    assert client.get(f"/attachments/{attachment_id}").status_code == 404


def test_an_enterprise_cannot_mark_its_files_internal(app, zone, auth, client, case_a):
    auth.login("ent_a")
    upload(client, case_a, (pdf_bytes(), "a.pdf"), internal=True)
    with app.app_context():
        assert db.session.scalar(sa.select(Attachment.internal)) is False


def test_other_enterprises_files_and_guessed_ids_are_404(app, zone, auth, client, case_a):
    auth.login("ent_a")
    upload(client, case_a, (pdf_bytes(), "a.pdf"))
    with app.app_context():
        attachment_id = db.session.scalar(sa.select(Attachment.id))
    auth.logout()
    auth.login("ent_b")
    assert client.get(f"/attachments/{attachment_id}").status_code == 404
    assert client.get(f"/attachments/{attachment_id + 1}").status_code == 404
    assert client.get("/attachments/999999").status_code == 404
    assert upload(client, case_a, (pdf_bytes(), "b.pdf")).status_code == 404
    auth.logout()
    auth.login("officer2")  # staff not covering 甲企业
    assert client.get(f"/attachments/{attachment_id}").status_code == 404
    assert attachment_count(app) == 1


def test_anonymous_users_are_sent_to_sign_in(app, zone, client, case_a):
    assert client.get("/attachments/1").status_code == 302
    assert upload(client, case_a, (pdf_bytes(), "a.pdf")).status_code == 302
    assert attachment_count(app) == 0


@pytest.mark.parametrize(
    ("body", "name", "message"),
    [
        (pdf_bytes(), "报告.exe", "文件类型不允许：报告.exe"),
        (png_bytes(), "scan.pdf", "文件类型不允许：scan.pdf"),
        (EXE, "报告.pdf", "文件类型不允许：报告.pdf"),
        (HTML, "photo.jpg", "文件类型不允许：photo.jpg"),
        (SVG, "photo.jpg", "文件类型不允许：photo.jpg"),
        (zip_bytes({"word/document.xml": "<x/>"}), "fake.docx", "文件类型不允许：fake.docx"),
        (b"", "empty.pdf", "文件为空：empty.pdf"),
    ],
)
def test_refused_uploads_change_nothing(app, zone, auth, client, case_a, body, name, message):
    auth.login("ent_a")
    # A good file alongside the bad one is not kept either: all or nothing.
    response = upload(client, case_a, (pdf_bytes(), "good.pdf"), (body, name))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert message in page
    assert attachment_count(app) == 0
    assert stored_files(app) == []


def test_too_many_files_are_refused(app, zone, auth, client, case_a):
    auth.login("ent_a")
    files = [(pdf_bytes(), f"{i}.pdf") for i in range(attachments.MAX_FILES + 1)]
    response = upload(client, case_a, *files)
    assert "每次最多上传10个文件" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert attachment_count(app) == 0
    assert stored_files(app) == []


def test_an_upload_without_files_saves_nothing(app, zone, auth, client, case_a):
    auth.login("ent_a")
    response = client.post(f"/cases/{case_a}/attachments", data={})
    assert response.status_code == 302
    assert attachment_count(app) == 0


def test_oversize_files_are_refused(tmp_path):
    app = make_test_app(
        tmp_path, f"sqlite:///{tmp_path / 'small.sqlite'}", ATTACHMENT_MAX_BYTES=1000
    )
    with app.app_context():
        db.create_all()
        zone = factories.build_zone()
        case_id = factories.make_case(zone.ent_a, zone.officer1).id
    client = app.test_client()
    client.post("/login", data={"username": "ent_a", "password": factories.PASSWORD})
    body = b"%PDF-1.4\n" + b"0" * 1000
    response = upload(client, case_id, (body, "大文件.pdf"))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "文件过大：大文件.pdf" in page
    assert attachment_count(app) == 0
    assert stored_files(app) == []
    assert upload(client, case_id, (pdf_bytes(), "small.pdf")).status_code == 302
    assert attachment_count(app) == 1
    with app.app_context():
        db.engine.dispose()


def test_a_failed_database_write_removes_the_files(app, zone, auth, client, case_a, monkeypatch):
    auth.login("ent_a")

    def broken_commit() -> None:
        raise sa.exc.OperationalError("COMMIT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(db.session, "commit", broken_commit)
    with pytest.raises(sa.exc.OperationalError):  # the test client re-raises; users get a 500
        upload(client, case_a, (pdf_bytes(), "a.pdf"), (png_bytes(), "b.png"))
    monkeypatch.undo()
    assert attachment_count(app) == 0
    assert stored_files(app) == []


@pytest.mark.parametrize("status", [CaseStatus.CLOSED, CaseStatus.WITHDRAWN, CaseStatus.REJECTED])
def test_no_uploads_once_the_case_has_ended(app, zone, auth, client, case_a, status):
    with app.app_context():
        case = db.session.get(Case, case_a)
        officer = db.session.get(factories.User, zone.officer1)
        enterprise_user = db.session.get(factories.User, zone.user_a)
        if status is CaseStatus.WITHDRAWN:
            perform_action(case, Action.WITHDRAW, enterprise_user, expected_version=case.version)
        elif status is CaseStatus.REJECTED:
            perform_action(
                case, Action.REJECT, officer, expected_version=case.version, note="不属于园区职责"
            )
        else:
            perform_action(
                case,
                Action.RESOLVE,
                officer,
                expected_version=case.version,
                note="已办妥",
                resolution_type="solved",
            )
            perform_action(
                case,
                Action.RATE,
                enterprise_user,
                expected_version=case.version,
                solved=True,
                satisfaction="satisfied",
            )
        db.session.commit()
        assert case.status is status
    auth.login("ent_a")
    response = upload(client, case_a, (pdf_bytes(), "late.pdf"))
    assert response.status_code == 302
    assert attachment_count(app) == 0
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "不能再上传附件" in page
    assert 'id="attachment-files"' not in page


def test_staff_who_may_see_the_case_may_upload(app, zone, auth, client, case_a):
    for username in ("officer1", "leader1", "committee1"):
        auth.login(username)
        assert upload(client, case_a, (pdf_bytes(), f"{username}.pdf")).status_code == 302
        auth.logout()
    assert attachment_count(app) == 3
    with app.app_context():
        user = factories.make_user("ent_a2", Role.ENTERPRISE, enterprise_id=zone.ent_a)
        assert user.id
    auth.login("ent_a2")  # every account of the enterprise may add files
    assert upload(client, case_a, (pdf_bytes(), "second.pdf")).status_code == 302
    assert attachment_count(app) == 4
