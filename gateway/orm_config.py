"""Tortoise config for its developer CLI: `tortoise -c gateway.orm_config.TORTOISE_ORM`."""

from gateway.db import tortoise_config
from gateway.settings import Settings

TORTOISE_ORM = tortoise_config(Settings.from_env().database_url)
