"""Files kept under the data folder: written whole, and gone again when their record does not commit."""
import pytest

from kiosk.server.errors import ApiError
from kiosk.server.stored_files import check_body, kept, new_name, removed_unless_recorded

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 20


def test_a_file_whose_record_fails_is_removed_and_one_whose_record_commits_stays(tmp_path):
    with pytest.raises(RuntimeError):
        with removed_unless_recorded(tmp_path) as write:
            write("home-visits/1/7/a.jpg", JPEG)
            assert (tmp_path / "home-visits/1/7/a.jpg").read_bytes() == JPEG
            raise RuntimeError("the commit failed")
    assert not (tmp_path / "home-visits/1/7/a.jpg").exists()

    with removed_unless_recorded(tmp_path) as write:
        write("home-visits/1/7/b.jpg", JPEG)
    assert (tmp_path / "home-visits/1/7/b.jpg").read_bytes() == JPEG
    assert [p.name for p in (tmp_path / "home-visits/1/7").iterdir()] == ["b.jpg"]  # no .part left behind


def test_a_body_must_be_what_it_says_it_is():
    assert check_body("image/jpeg; charset=binary", JPEG) == "image/jpeg"
    for content_type, data, status in [("image/gif", b"GIF89a", 415), ("image/png", JPEG, 422),
                                       ("application/pdf", b"", 422)]:
        with pytest.raises(ApiError) as refused:
            check_body(content_type, data)
        assert refused.value.status == status


def test_a_file_gone_from_the_disk_is_said_in_chinese(tmp_path):
    name = new_name("documents/1/2", "application/pdf")
    assert name.startswith("documents/1/2/") and name.endswith(".pdf")
    with pytest.raises(ApiError) as gone:
        kept(tmp_path, name)
    assert gone.value.status == 410 and "不在服务器上" in gone.value.message
