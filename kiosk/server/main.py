"""For uvicorn's worker processes: build the app from the environment."""
from kiosk.server.app import create_app
from kiosk.config.server import load_settings


def app_from_env():
    return create_app(load_settings(), run_migrations=False)
