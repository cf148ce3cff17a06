"""Settings read from GRIDPOINTS_* environment variables, with safe development defaults.

Each setting is declared once, below, with its type and default; pydantic-settings (the
well-kept way to read typed settings from the environment) does the reading. `Settings(...)`
is exactly what the code passes (tests, benchmarks); `Settings.from_env()` reads the
environment, refuses a bad value naming its variable, and refuses production with a weak
secret.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BeforeValidator, Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict
from redis.connection import parse_url

DEFAULT_DATABASE_URL = "sqlite://./gridpoints.sqlite3"
DEVELOPMENT_SECRET = "gridpoints-development-secret-not-for-production!"
MIN_SECRET_BYTES = 32
DEVELOPMENT_CORS_ORIGINS = "http://localhost:5173,http://127.0.0.1:5173"
CHANNEL_PREFIX = "gridpoints"
PREFIX = "GRIDPOINTS_"


class SettingsError(RuntimeError):
    """The environment describes a configuration the gateway refuses to run with."""


def _variable(name: str) -> str:
    return f"{PREFIX}{name.upper()}"


def _given(data: dict[str, Any], name: str) -> Any:
    return data.get(name, data.get(_variable(name)))


def _unset_if_empty(raw: Any) -> Any:
    return None if raw == "" else raw


def _flag(raw: Any) -> Any:
    return raw.lower() in ("1", "true", "yes") if isinstance(raw, str) else raw


def _csv(raw: Any) -> Any:
    return tuple(item for item in raw.split(",") if item) if isinstance(raw, str) else raw


def _origins(raw: Any) -> Any:
    if not isinstance(raw, str):
        return raw
    return tuple(origin.strip().rstrip("/") for origin in raw.split(",") if origin.strip())


def _base_url(raw: Any) -> Any:
    return (raw.rstrip("/") or None) if isinstance(raw, str) else raw


def _upper(raw: Any) -> Any:
    return raw.upper() if isinstance(raw, str) else raw


def _cors_default(data: dict[str, Any]) -> str:
    """The development origins; none in production."""
    return "" if _given(data, "env") == "production" else DEVELOPMENT_CORS_ORIGINS


def _channel_prefix_default(data: dict[str, Any]) -> str:
    """Redis keeps keys apart by database number but shares pub/sub channels across all of
    them: a deployment on database n gets channels of its own ("gridpoints-db14:report:1")."""
    url = _given(data, "redis_url")
    try:
        number = parse_url(url).get("db") if url else None  # type: ignore[no-untyped-call]
    except ValueError:  # the Redis client refuses the URL itself, naming it
        number = None
    return f"{CHANNEL_PREFIX}-db{number}" if number else CHANNEL_PREFIX


# Defaults that depend on other settings, filled in when the setting is not given.
_DERIVED_DEFAULTS = {"cors_origins": _cors_default, "channel_prefix": _channel_prefix_default}


def _empty_means_unset(key: str, value: Any) -> bool:
    """An empty channel prefix is no prefix given, as for the optional settings (an empty
    CORS list, by contrast, means no origins)."""
    return value == "" and key in ("channel_prefix", _variable("channel_prefix"))


Optional = Annotated[str | None, BeforeValidator(_unset_if_empty)]
OptionalPath = Annotated[Path | None, BeforeValidator(_unset_if_empty)]
Flag = Annotated[bool, BeforeValidator(_flag)]
Names = Annotated[tuple[str, ...], NoDecode, BeforeValidator(_csv)]
Origins = Annotated[tuple[str, ...], NoDecode, BeforeValidator(_origins)]
BaseUrl = Annotated[str | None, BeforeValidator(_base_url)]
Secret = Annotated[str, BeforeValidator(lambda raw: raw or DEVELOPMENT_SECRET)]
# It starts a Redis channel pattern (`<prefix>:*`): no glob characters.
ChannelPrefix = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]+$")]


class Settings(BaseSettings):
    # Exact names only (GRIDPOINTS_VOUCHER_DAYS, not gridpoints_voucher_days): each variable is
    # the prefix plus the field's name in capitals; code passes the field's own name.
    model_config = SettingsConfigDict(
        case_sensitive=True,
        alias_generator=_variable,
        populate_by_name=True,
        frozen=True,
        extra="ignore",
    )

    env: Literal["development", "production"] = "development"
    database_url: str = DEFAULT_DATABASE_URL
    database_pool_size: int = 10
    redis_url: Optional = None
    redis_timeout_seconds: float = 0.2
    # Unset: derived from redis_url's database number (see _channel_prefix_default).
    channel_prefix: ChannelPrefix = CHANNEL_PREFIX
    jwt_secret: Secret = DEVELOPMENT_SECRET
    jwt_previous_secret: Optional = None
    # Fixed by the protocol the apps speak, not read from the environment.
    jwt_issuer: ClassVar[str] = "gridpoints"
    jwt_audience: ClassVar[str] = "gridpoints-apps"
    reads_environment: ClassVar[bool] = False  # see settings_customise_sources
    access_token_minutes: int = 15
    refresh_token_days: int = 30
    media_dir: Path = Path("./media")
    voucher_days: int = 30
    rate_limit_scale: float = 1.0
    job_interval_seconds: float = 30.0
    trusted_proxies: Names = ()
    otel_enabled: Flag = False
    log_level: Annotated[str, BeforeValidator(_upper)] = "INFO"
    # The HTTP edge (gateway/edge_*.py, gateway/bodies.py, gateway/persisted.py).
    # Unset: the development origins, none in production (see _cors_default).
    cors_origins: Origins = ()
    public_url: BaseUrl = None
    trusted_documents: OptionalPath = None
    metrics_token: Optional = None
    header_timeout_seconds: float = 10.0
    max_header_bytes: int = 16 * 1024
    max_headers: int = 100
    persisted_queries_max: int = 1000
    refresh_grace_seconds: float = 30.0
    hold_timeout_days: int = 30
    web_dist: OptionalPath = None  # None: the repository's web/dist
    web_build: Flag = True  # `serve` builds a missing web/dist when npm is there

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """`Settings(...)` takes only what it is given; `from_env()` adds the environment."""
        if cls.reads_environment:
            return (init_settings, env_settings)
        return (init_settings,)

    @model_validator(mode="before")
    @classmethod
    def _fill_derived_defaults(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        given = {key: value for key, value in data.items() if not _empty_means_unset(key, value)}
        missing = {
            name: default(given)
            for name, default in _DERIVED_DEFAULTS.items()
            if _given(given, name) is None
        }
        return {**given, **missing}

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def graphiql(self) -> bool:
        return not self.production

    @property
    def uses_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://", "asyncpg://"))

    @classmethod
    def from_env(cls) -> Settings:
        try:
            settings = cls(**_FromEnvironment().model_dump())
        except ValidationError as exc:
            raise SettingsError(_explained(exc)) from None
        settings.check()
        return settings

    def check(self) -> None:
        """Refuse production with a missing, default or weak secret."""
        if not self.production:
            return
        for secret in (self.jwt_secret, self.jwt_previous_secret):
            if secret is None:
                continue
            if secret == DEVELOPMENT_SECRET or len(secret.encode()) < MIN_SECRET_BYTES:
                raise SettingsError(
                    "In production GRIDPOINTS_JWT_SECRET must be set to a secret of at least "
                    f"{MIN_SECRET_BYTES} bytes (256 bits)"
                )


class _FromEnvironment(Settings):
    reads_environment = True


_KINDS: dict[object, str] = {int: "a whole number", float: "a number"}


def _explained(exc: ValidationError) -> str:
    """The first bad value as the operator wrote it: which variable, what it must be."""
    error = exc.errors()[0]
    variable = str(error["loc"][0])
    name = variable.removeprefix(PREFIX).lower()
    if name == "env":
        return f"{variable} must be 'development' or 'production'"
    kind = _KINDS.get(Settings.model_fields[name].annotation)
    if kind is None:
        return f"{variable}: {error['msg']}, got {error['input']!r}"
    return f"{variable} must be {kind}, got {error['input']!r}"
