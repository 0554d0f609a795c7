from alembic import context

from kiosk.server.db import make_engine
from kiosk.server.models import Base

url = context.config.get_main_option("sqlalchemy.url")


def run() -> None:
    engine = make_engine(url)  # SQLite: immediate transactions, so two starting servers migrate in turn
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run()
