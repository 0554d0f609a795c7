"""Frame sources: the simulator's file and folder sources, unplugging and replugging, and the real camera's reporting."""

import os
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest

from devices.camera import CameraDisconnected, CameraSource, CameraUnavailable, FileSource, SourceExhausted
from kiosk.demo_camera.scenes import make_scene


def write_frames(folder: Path, count: int = 3, size=(640, 360)) -> list[np.ndarray]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(3)
    frames = [make_scene(rng, size=size).image for _ in range(count)]
    for i, frame in enumerate(frames):
        cv2.imwrite(str(folder / f"frame_{i:03d}.png"), frame)
    return frames


def write_video(path: Path, count: int = 6, size=(320, 240)) -> None:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10.0, size)
    assert writer.isOpened(), "this OpenCV build cannot write MJPG .avi"
    rng = np.random.default_rng(8)
    for _ in range(count):
        writer.write(make_scene(rng, size=size).image)
    writer.release()


def test_folder_source_plays_frames_in_order_and_loops(tmp_path):
    frames = write_frames(tmp_path / "cam")
    with FileSource(tmp_path / "cam", loop=True) as source:
        assert source.actual_size == (640, 360)
        got = [source.read() for _ in range(4)]
    assert np.array_equal(got[0], frames[0]) and np.array_equal(got[2], frames[2])
    assert np.array_equal(got[3], frames[0])


def test_folder_source_without_loop_ends(tmp_path):
    write_frames(tmp_path / "cam", count=2)
    source = FileSource(tmp_path / "cam", loop=False).open()
    source.read(), source.read()
    with pytest.raises(SourceExhausted):
        source.read()


def test_emptied_folder_is_an_unplugged_camera_and_refilling_resumes(tmp_path):
    cam, away = tmp_path / "cam", tmp_path / "away"
    write_frames(cam)
    source = FileSource(cam, retry_interval=0).open()
    source.read()
    shutil.move(str(cam), str(away))  # unplugged mid-preview
    with pytest.raises(CameraDisconnected) as err:
        source.read()
    assert "高拍仪" in err.value.message and err.value.code == "camera_disconnected"
    with pytest.raises(CameraDisconnected):
        source.read()  # still unplugged: still the same error, no crash
    shutil.move(str(away), str(cam))  # plugged back
    assert source.read().shape == (360, 640, 3)


def test_video_file_moved_away_and_back(tmp_path):
    video, away = tmp_path / "camera.avi", tmp_path / "elsewhere.avi"
    write_video(video)
    source = FileSource(video, retry_interval=0).open()
    assert source.actual_size == (320, 240) and source.actual_fourcc == "MJPG"
    assert source.read().shape == (240, 320, 3)
    os.rename(video, away)
    with pytest.raises(CameraDisconnected):
        source.read()
    os.rename(away, video)
    for _ in range(8):  # plays on, and loops past the end
        assert source.read().shape == (240, 320, 3)
    source.close()


def test_missing_file_is_unavailable_with_a_chinese_message(tmp_path):
    with pytest.raises(CameraUnavailable) as err:
        FileSource(tmp_path / "nothing.avi").open()
    assert "USB" in err.value.message and err.value.code == "camera_unavailable"


def test_camera_that_is_not_there_is_unavailable():
    with pytest.raises(CameraUnavailable):
        CameraSource("/dev/video-that-does-not-exist", 4208, 3120).open()


def test_camera_source_reports_what_it_actually_got(tmp_path):
    """Any capture device may ignore the size asked for; the source reports the real one.

    No USB camera here, so the same VideoCapture path is driven by a video file.
    """
    video = tmp_path / "camera.avi"
    write_video(video)
    with CameraSource(str(video), 4208, 3120) as source:
        assert source.actual_size == (320, 240)
        assert source.read().shape == (240, 320, 3)


@pytest.mark.skipif(not os.path.exists("/dev/video0"), reason="no USB document camera attached to this machine")
def test_real_camera_gives_frames_of_the_reported_size():
    with CameraSource(0, 1280, 720) as source:
        frame = source.read()
        assert (frame.shape[1], frame.shape[0]) == source.actual_size
