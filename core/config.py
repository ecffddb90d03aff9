"""The app configuration file ``samsyn.toml``: data folder, basemap, database, sign-in.

Where it is read from, first match wins:

1. the path given to :func:`load_config`,
2. the environment variable ``SAMSYN_CONFIG`` (it must then exist),
3. ``./samsyn.toml`` in the working directory,
4. built-in defaults: uploads in ``./userdata``, no basemap (offline), no database.

The environment variable ``SAMSYN_DATA`` (set by ``samsyn serve --data``)
overrides ``[data] directory``. The CLI and the dashboard do not read this module
directly for data: they open ``workspace.Workspace``, which reads it once and adds
the datasets and the problem-picture store on top.

``samsyn.toml.example`` at the repository root documents every setting. This
module has no Streamlit dependency so that the CLI can use it too.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from core.disclosure import DisclosureRules
from core.errors import InputError

CONFIG_ENV = "SAMSYN_CONFIG"
DATA_ENV = "SAMSYN_DATA"
CONFIG_FILE_NAME = "samsyn.toml"
DEFAULT_DATA_DIRECTORY = Path("userdata")
DEFAULT_MAX_ZOOM = 19
_NO_TILES = {"", "none", "ingen", "off", "false"}


class ConfigError(InputError):
    """The configuration file is missing or has a bad value; the message is for the user (Swedish).

    An :class:`~core.errors.InputError`, so the CLI prints it and exits with code 2.
    """


@dataclass(frozen=True)
class BasemapConfig:
    """The background map: an XYZ tile URL, or ``tiles=None`` for none (the offline default)."""

    tiles: str | None = None
    attribution: str = ""
    max_zoom: int = DEFAULT_MAX_ZOOM

    @property
    def enabled(self) -> bool:
        """True when a tile layer is configured."""
        return self.tiles is not None


@dataclass(frozen=True)
class AppConfig:
    """Settings read from ``samsyn.toml`` (see ``samsyn.toml.example``)."""

    data_directory: Path = field(default_factory=lambda: DEFAULT_DATA_DIRECTORY.resolve())
    basemap: BasemapConfig = field(default_factory=BasemapConfig)
    database_url: str | None = None
    source: Path | None = None  # the file read, None for defaults
    # Streamlit's secrets.toml with the [auth] (OpenID Connect) settings; None: no sign-in configured.
    auth_secrets: Path | None = None
    # The owner's thresholds for what is shown below its own level ([disclosure]).
    disclosure: DisclosureRules = field(default_factory=DisclosureRules)


def config_path(env: Mapping[str, str] | None = None, cwd: Path | None = None) -> Path | None:
    """Return the configuration file that applies, or None when the defaults apply."""
    env = os.environ if env is None else env
    explicit = env.get(CONFIG_ENV, "").strip()
    if explicit:
        path = Path(explicit).expanduser()
        if not path.is_absolute():
            path = (cwd or Path.cwd()) / path
        if not path.is_file():
            raise ConfigError(f"Konfigurationsfilen {path} (från {CONFIG_ENV}) finns inte.")
        return path.resolve()
    local = (cwd or Path.cwd()) / CONFIG_FILE_NAME
    return local.resolve() if local.is_file() else None


def load_config(path: str | Path | None = None, env: Mapping[str, str] | None = None) -> AppConfig:
    """Read ``samsyn.toml`` (see the module docstring for where) and check its values.

    Relative paths in the file are taken relative to the file's folder.

    Raises
    ------
    ConfigError
        If the file cannot be read or a value is wrong; the message names the
        file and the setting in Swedish.
    """
    env = os.environ if env is None else env
    if path is not None:
        source: Path | None = Path(path).expanduser().resolve()
        if not source.is_file():
            raise ConfigError(f"Konfigurationsfilen {source} finns inte.")
    else:
        source = config_path(env)
    config = AppConfig() if source is None else _read(source)
    override = env.get(DATA_ENV, "").strip()
    if override:
        config = replace(config, data_directory=Path(override).expanduser().resolve())
    return config


def _read_toml(path: Path, what: str) -> dict[str, Any]:
    """Parse a TOML file; ``what`` names it in the Swedish message ("konfigurationsfilen")."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"Kunde inte läsa {what} {path}: {error}") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{what[0].upper()}{what[1:]} {path} är inte giltig TOML: {error}") from error


def _read(source: Path) -> AppConfig:
    return parse_config(_read_toml(source, "konfigurationsfilen"), base_dir=source.parent, source=source)


def parse_config(raw: Mapping[str, Any], *, base_dir: Path, source: Path | None = None) -> AppConfig:
    """Build an :class:`AppConfig` from parsed TOML, checking every value."""
    where = str(source) if source else "konfigurationen"
    data = _section(raw, "data", where)
    basemap = _section(raw, "basemap", where)
    database = _section(raw, "database", where)
    auth = _section(raw, "auth", where)
    disclosure = _section(raw, "disclosure", where)

    directory = data.get("directory", str(DEFAULT_DATA_DIRECTORY))
    if not isinstance(directory, str) or not directory.strip():
        raise ConfigError(f"{where}: [data] directory måste vara en sökväg i citattecken.")
    data_directory = Path(directory).expanduser()
    if not data_directory.is_absolute():
        data_directory = base_dir / data_directory

    url = database.get("url")
    if url is not None and (not isinstance(url, str) or not url.strip()):
        raise ConfigError(f"{where}: [database] url måste vara en text, t.ex. \"sqlite:///userdata/samsyn.db\".")

    secrets = auth.get("secrets")
    if secrets is not None and (not isinstance(secrets, str) or not secrets.strip()):
        raise ConfigError(
            f"{where}: [auth] secrets måste vara sökvägen till inloggningens secrets.toml i citattecken, "
            "t.ex. \"/etc/samsyn/secrets.toml\"."
        )
    auth_secrets = None
    if secrets:
        auth_secrets = Path(secrets.strip()).expanduser()
        if not auth_secrets.is_absolute():
            auth_secrets = base_dir / auth_secrets

    return AppConfig(
        data_directory=data_directory.resolve(),
        basemap=parse_basemap(basemap, where),
        database_url=url.strip() if url else None,
        source=source,
        auth_secrets=auth_secrets.resolve() if auth_secrets else None,
        disclosure=parse_disclosure(disclosure, where),
    )


def parse_disclosure(section: Mapping[str, Any], where: str = "konfigurationen") -> DisclosureRules:
    """Check ``[disclosure]``: ``min_count`` (counts below it shown as "..") and ``min_place``."""
    unknown = sorted(set(section) - {"min_count", "min_place"})
    if unknown:
        raise ConfigError(f"{where}: [disclosure] känner inte till {', '.join(unknown)}; "
                          "bara min_count och min_place går att ange.")
    defaults = DisclosureRules()
    values = {key: section.get(key, getattr(defaults, key)) for key in ("min_count", "min_place")}
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: [disclosure] {key} måste vara ett heltal, inte {value!r}.")
    try:
        return DisclosureRules(**values)
    except ValueError as error:
        raise ConfigError(f"{where}: {error}") from error


def parse_basemap(section: Mapping[str, Any], where: str = "konfigurationen") -> BasemapConfig:
    """Check the ``[basemap]`` section; ``tiles = "none"`` (or missing) means no background map."""
    tiles = section.get("tiles", "none")
    if not isinstance(tiles, str):
        raise ConfigError(f"{where}: [basemap] tiles måste vara en adress i citattecken eller \"none\".")
    max_zoom = section.get("max_zoom", DEFAULT_MAX_ZOOM)
    if isinstance(max_zoom, bool) or not isinstance(max_zoom, int) or not 1 <= max_zoom <= 24:
        raise ConfigError(f"{where}: [basemap] max_zoom måste vara ett heltal mellan 1 och 24, inte {max_zoom!r}.")
    attribution = section.get("attribution", "")
    if not isinstance(attribution, str):
        raise ConfigError(f"{where}: [basemap] attribution måste vara en text.")

    tiles = tiles.strip()
    if tiles.lower() in _NO_TILES:
        return BasemapConfig(tiles=None, attribution="", max_zoom=max_zoom)
    if not tiles.startswith(("https://", "http://", "/")):
        raise ConfigError(
            f"{where}: [basemap] tiles måste börja med https://, http:// eller / "
            f"(en adress med {{z}}/{{x}}/{{y}}), eller vara \"none\"; fick {tiles!r}."
        )
    missing = [part for part in ("{z}", "{x}", "{y}") if part not in tiles]
    if missing:
        raise ConfigError(
            f"{where}: [basemap] tiles saknar {', '.join(missing)} — adressen ska se ut som "
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png."
        )
    if not attribution.strip():
        raise ConfigError(
            f"{where}: [basemap] attribution saknas — kartunderlag ska alltid visa sin källa, "
            "t.ex. \"© OpenStreetMap-bidragsgivare\"."
        )
    return BasemapConfig(tiles=tiles, attribution=attribution.strip(), max_zoom=max_zoom)


def _section(raw: Mapping[str, Any], name: str, where: str) -> Mapping[str, Any]:
    value = raw.get(name, {})
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where}: [{name}] måste vara en sektion, t.ex. \"[{name}]\" på en egen rad.")
    return value


# What Streamlit's st.login needs for one (the default) OpenID Connect provider, in [auth] of secrets.toml.
AUTH_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")


def check_auth_secrets(path: Path) -> dict[str, Any]:
    """Read the sign-in secrets file and check that its ``[auth]`` section has what ``st.login`` needs.

    Parameters
    ----------
    path
        Streamlit's ``secrets.toml`` holding ``[auth]`` with ``redirect_uri``, ``cookie_secret``,
        ``client_id``, ``client_secret`` and ``server_metadata_url`` (see ``samsyn.toml.example``).

    Returns
    -------
    dict
        The ``[auth]`` section.

    Raises
    ------
    ConfigError
        If the file is missing or unreadable, or a setting is missing or wrong; the message names
        the file and the key in Swedish.
    """
    if not path.is_file():
        raise ConfigError(f"Inloggningens secrets-fil {path} finns inte.")
    raw = _read_toml(path, "inloggningens secrets-fil")
    auth = raw.get("auth")
    if not isinstance(auth, Mapping):
        raise ConfigError(
            f"{path}: sektionen [auth] saknas. Den ska innehålla {', '.join(AUTH_KEYS)} "
            "från er identitetsleverantör (OpenID Connect)."
        )
    missing = [key for key in AUTH_KEYS if not isinstance(auth.get(key), str) or not auth[key].strip()]
    if missing:
        raise ConfigError(f"{path}: [auth] saknar {', '.join(missing)} (en text i citattecken för var och en).")
    if not auth["redirect_uri"].rstrip("/").endswith("/oauth2callback"):
        raise ConfigError(
            f"{path}: [auth] redirect_uri ska vara Samsyns adress följd av /oauth2callback, "
            f"t.ex. \"https://samsyn.kommun.example.se/oauth2callback\"; fick {auth['redirect_uri']!r}."
        )
    if not auth["server_metadata_url"].startswith(("https://", "http://")):
        raise ConfigError(
            f"{path}: [auth] server_metadata_url ska vara identitetsleverantörens adress till "
            f".well-known/openid-configuration; fick {auth['server_metadata_url']!r}."
        )
    return dict(auth)
