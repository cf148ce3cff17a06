"""The ASGI entry point for uvicorn: `uvicorn gateway.asgi:app`."""

from gateway.app import create_app
from gateway.logs import configure_logging
from gateway.settings import Settings

settings = Settings.from_env()
configure_logging(settings.log_level)
app = create_app(settings)
