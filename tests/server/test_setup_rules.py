"""The set-up's words and rules, without a server: how a 事项清单 writes yes, no and lists,
opening hours, seed 000's staffing minimums, and what the setup models refuse and why."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from kiosk.domain.hall_setup import AreaStaffing, category_of, clock_minutes, split_list, staffing, yes_no
from kiosk.server.supervisor.forms import field_errors
from kiosk.wire.setup import MatterSpec, QueueSpec, StaffSpec


def test_cells_as_halls_write_them():
    assert [yes_no(w) for w in ("是", "否", "Y", "no", " 可代办 ", "", "也许")] == [True, False, True, False, True, False, None]
    assert split_list("1. 身份证\n（2）户口簿；③ 照片;公章、财务章") == ["身份证", "户口簿", "照片", "公章、财务章"]
    assert split_list(" \n；") == []
    assert (category_of("民生事务"), category_of("business"), category_of("其他")) == ("livelihood", "business", None)
    assert (clock_minutes("08:30"), clock_minutes("24:00"), clock_minutes("8:30")) == (510, None, None)


def test_staffing_minimums_of_seed_000():
    areas = [("帮办代办专区", "special"), ("人社分区", "division"), ("公安窗口", "window"), ("自助服务区", "self_service")]
    found = staffing(areas, {"帮办代办专区": 3, "人社分区": 1})
    assert found == [AreaStaffing("帮办代办专区", "special", 3, 3), AreaStaffing("人社分区", "division", 1, 2),
                     AreaStaffing("公安窗口", "window", 0, 1)]
    assert [a.short for a in found] == [0, 1, 1]


@pytest.mark.parametrize("fields, field, message", [
    ({"prefix": "ABC"}, "prefix", "队列前缀须为 1 到 2 个英文字母，如 A 或 AB"),
    ({"prefix": "甲"}, "prefix", "队列前缀须为 1 到 2 个英文字母，如 A 或 AB"),
    ({"name": ""}, "name", "请填写名称"),
    ({"service_type": "vip"}, "service_type", "请从列表中选择服务类型"),
    ({"area_id": "x"}, "area_id", "所属区域请填写整数"),
])
def test_a_queue_refused_says_why(fields, field, message):
    with pytest.raises(ValidationError) as refused:
        QueueSpec(**{"prefix": "A", "name": "综合帮办", "service_type": "help", **fields})
    labels = {"prefix": "队列前缀", "name": "名称", "service_type": "服务类型", "area_id": "所属区域"}
    assert field_errors(refused.value, labels)[field] == message


def test_a_matter_and_a_register_line_from_text():
    matter = MatterSpec(name=" 出生登记 ", queue_id="3", category="livelihood", department="公安局", time_limit_days="1",
                        materials="出生医学证明\n户口簿", proxy_allowed="否", high_frequency="是")
    assert (matter.name, matter.queue_id, matter.materials, matter.proxy_allowed, matter.high_frequency) == \
        ("出生登记", 3, ["出生医学证明", "户口簿"], False, True)
    with pytest.raises(ValidationError):
        MatterSpec(name="x", queue_id=1, category="livelihood", department="y", time_limit_days=1, materials="m" * 201)
    line = StaffSpec(name="孙悦", role="helper", skills="企业开办；税务", started_on="2026-12-01", full_time="否", phone="")
    assert line.skills == ["企业开办", "税务"] and str(line.started_on) == "2026-12-01" and not line.full_time
    with pytest.raises(ValidationError):
        StaffSpec(name="孙悦", role="helper", phone="<script>")
