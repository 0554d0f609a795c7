"""``bangban hall``: an empty hall made and filled from a script (its queues, windows and
事项清单), with the setup pages' rules and messages, on SQLite and PostgreSQL."""
from __future__ import annotations

import subprocess
import sys

from openpyxl import load_workbook
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from kiosk.server.models import AuditEntry, Event, EventOutbox, Hall, Matter, Queue, Window

LIST = ("事项名称,队列前缀,事项类型,实施部门,承诺时限（工作日）,申请材料,办理流程,可代办,高频事项\n"
        "出生登记（新生儿落户）,A,民生事务,公安局,1,出生医学证明；父母身份证,申请；登记,是,是\n"
        "企业设立登记,B,企业开办,市场监督管理局,3个工作日,\"申请书\n公司章程\",,否,否\n")


def test_a_hall_from_a_script(tmp_path, database_url):
    def bangban(*args):
        where = ["--data", str(tmp_path)] + (["--db", database_url] if database_url else [])
        return subprocess.run([sys.executable, "-m", "kiosk.commands.cli", "hall", *args, *where],
                              capture_output=True, text=True, timeout=60)

    assert bangban("create", "--code", "zc", "--name", "淄川区政务服务中心", "--level", "county").returncode == 0
    made = bangban("create", "--code", "zc-sx", "--name", "双杨镇便民服务中心", "--level", "township", "--parent", "zc")
    assert made.returncode == 0 and "已创建大厅 双杨镇便民服务中心（zc-sx）" in made.stdout
    for args, why in [(("create", "--code", "zc", "--name", "又一个", "--level", "county"), "编码 zc 已被其他大厅使用"),
                      (("create", "--code", "x", "--name", "村", "--level", "village", "--parent", "zc"),
                       "淄川区政务服务中心是县级，其下级应为乡镇（街道）级"),
                      (("create", "--code", "空 格", "--name", "x", "--level", "city"), "大厅编码只能用英文字母"),
                      (("queue", "--hall", "nowhere", "--prefix", "A", "--name", "x"), "没有编码为 nowhere 的大厅")]:
        refused = bangban(*args)
        assert refused.returncode == 2 and why in refused.stderr, refused.stderr

    assert bangban("queue", "--hall", "zc", "--prefix", "a", "--name", "综合帮办", "--area", "帮办代办专区").returncode == 0
    assert bangban("queue", "--hall", "zc", "--prefix", "B", "--name", "企业开办", "--area", "企业开办分区").returncode == 0
    clash = bangban("queue", "--hall", "zc", "--prefix", "A", "--name", "重复")
    assert clash.returncode == 2 and "队列前缀“A”已被队列“综合帮办”使用" in clash.stderr
    assert bangban("window", "--hall", "zc", "--number", "1", "--name", "综合窗口", "--queues", "A,B",
                   "--area", "帮办代办专区").returncode == 0
    unknown = bangban("window", "--hall", "zc", "--number", "2", "--name", "x", "--queues", "A,Z")
    assert unknown.returncode == 2 and "没有前缀为 Z 的队列" in unknown.stderr

    (tmp_path / "bad.csv").write_text(LIST.replace(",B,", ",Q,"), encoding="utf-8")
    bad = bangban("import", "--hall", "zc", str(tmp_path / "bad.csv"))
    assert bad.returncode == 2 and "第 3 行「队列前缀」：本大厅没有前缀为“Q”的队列（现有：A、B）" in bad.stderr
    (tmp_path / "list.csv").write_text(LIST, encoding="utf-8")
    good = bangban("import", "--hall", "zc", str(tmp_path / "list.csv"))
    assert good.returncode == 0 and "新增 2 项，变更 0 项，未变 0 项" in good.stdout, good.stderr
    out = tmp_path / "导出.xlsx"
    assert bangban("export", "--hall", "zc", "--out", str(out)).returncode == 0
    assert [c.value for c in load_workbook(out).active[3]][:5] == ["企业设立登记", "B", "企业开办", "市场监督管理局", 3]
    again = bangban("import", "--hall", "zc", str(out))
    assert "新增 0 项，变更 0 项，未变 2 项" in again.stdout
    missing = bangban("import", "--hall", "zc", str(tmp_path / "none.xlsx"))
    assert missing.returncode == 2 and "无法读取文件" in missing.stderr

    engine = create_engine(database_url or f"sqlite:///{tmp_path / 'bangban.sqlite3'}")
    with Session(engine) as db:
        hall = db.scalar(select(Hall).where(Hall.code == "zc"))
        assert [q.prefix for q in db.scalars(select(Queue).where(Queue.hall_id == hall.id))] == ["A", "B"]
        window = db.scalar(select(Window).where(Window.hall_id == hall.id))
        assert sorted(q.prefix for q in window.queues) == ["A", "B"]
        birth = db.scalar(select(Matter).where(Matter.name == "出生登记（新生儿落户）"))
        assert birth.materials == ["出生医学证明", "父母身份证"] and birth.high_frequency and birth.search_key == "csdjxselh"
        audited = list(db.scalars(select(AuditEntry.action).where(AuditEntry.hall_id == hall.id).order_by(AuditEntry.id)))
        assert audited[:4] == ["setup.hall.create", "setup.area.add", "setup.queue.add", "setup.area.add"]
        assert audited.count("setup.matter.add") == 2 and audited.count("setup.matter_list.import") == 2
        # on PostgreSQL a command's events wait in the outbox until a server's sequencer numbers them
        told = [*db.scalars(select(Event.type).where(Event.hall_id == hall.id)),
                *db.scalars(select(EventOutbox.type).where(EventOutbox.hall_id == hall.id))]
        assert told.count("catalogue.changed") == 6  # 2 areas, 2 queues, 1 window, 1 import that changed
    engine.dispose()
