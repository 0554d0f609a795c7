"""The proxy-case revision on a database that already holds cases, on SQLite and PostgreSQL."""
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from kiosk.server.admin import seed_demo
from kiosk.server.db import MIGRATIONS, Database, migrate
from kiosk.server.models import Base

BEFORE = "0009"


def test_existing_cases_get_a_public_token_and_code_and_the_schema_is_the_models(tmp_path, database_url):
    url = database_url or f"sqlite:///{tmp_path / 'old.sqlite3'}"
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(cfg, BEFORE)
    old = Database(url)
    seed_demo(old)
    old.dispose()
    engine = create_engine(url)
    with engine.begin() as conn:
        for n in range(2):
            conn.execute(text(
                "INSERT INTO cases (hall_id, matter_id, helper_id, applicant, applicant_kind, id_number, phone,"
                " delivery, state, entrusted_at) SELECT h.id, m.id, p.id, '刘䶮', 'person', '11010519491231002X',"
                " '13912345678', 'pickup', 'in_progress', CURRENT_TIMESTAMP FROM halls h, matters m, helpers p"
                " WHERE h.code = 'county' AND m.hall_id = h.id AND p.hall_id = h.id ORDER BY m.id, p.id LIMIT 1"))
    migrate(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT public_token, public_code, code_failures FROM cases")).all()
        assert len(rows) == 2 and len({r.public_token for r in rows}) == 2
        assert all(len(r.public_token) >= 32 and r.public_code.isdigit() and len(r.public_code) == 6
                   and r.code_failures == 0 for r in rows)
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    command.downgrade(cfg, BEFORE)  # and back, keeping the cases
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM cases")).scalar() == 2
    engine.dispose()
