"""``samsyn serve``: start the dashboard (Streamlit) on this machine."""

from __future__ import annotations

import argparse
import ipaddress
import os
import socket
import subprocess
import sys
import tomllib
from pathlib import Path

from core.errors import InputError

REPO = Path(__file__).resolve().parents[1]
APP = REPO / "dashboard" / "app.py"
# Package data (the theme travels with an installed wheel); .streamlit/config.toml links to it.
STREAMLIT_CONFIG = REPO / "dashboard" / "streamlit_config.toml"
# A path that is never a file: Streamlit then reads no secrets (it only warns about files that exist).
NO_SECRETS = REPO / "dashboard" / "no-sign-in" / "secrets.toml"

# Always passed on the command line: they must hold whatever the working
# directory (Streamlit reads .streamlit/config.toml from there only).
REQUIRED_FLAGS: dict[str, str] = {
    "server.headless": "true",
    "browser.gatherUsageStats": "false",
    "server.enableStaticServing": "true",
    "client.showErrorDetails": "none",  # no tracebacks for users; app.py logs them on the server
}


def register(subparsers: argparse._SubParsersAction) -> None:
    """Register ``samsyn serve``."""
    parser = subparsers.add_parser(
        "serve",
        help="starta Samsyn i webbläsaren",
        description=(
            "Startar Samsyns instrumentpanel på den här datorn. Öppna adressen som skrivs ut i "
            "en webbläsare. Exempelstad visas tills ni laddar upp och väljer egna data."
        ),
    )
    parser.add_argument(
        "--data", metavar="MAPP",
        help="datamapp för uppladdade data och sparad problembild "
             "(standard: [data] directory i samsyn.toml, annars ./userdata)",
    )
    parser.add_argument("--port", type=int, default=8501, help="port (standard: 8501)")
    parser.add_argument(
        "--host", default="127.0.0.1",
        help="adress att lyssna på (standard: 127.0.0.1, bara den här datorn; "
             "0.0.0.0 gör Samsyn nåbar från nätverket)",
    )
    parser.add_argument("--config", metavar="FIL", help="konfigurationsfil (standard: $SAMSYN_CONFIG eller ./samsyn.toml)")
    parser.add_argument(
        "--secrets", metavar="FIL",
        help="inloggningens secrets.toml med [auth] (OpenID Connect); standard: [auth] secrets i samsyn.toml. "
             "Krävs när --host är en annan adress än den här datorns (127.0.0.1, localhost)",
    )
    parser.set_defaults(handler=serve)


NO_SIGN_IN = (
    "Samsyn startar inte: --host {host} gör Samsyn nåbar från andra datorer, men ingen inloggning är "
    "konfigurerad. Polisens och kommunens data får inte visas för vem som helst i nätverket.\n"
    "Konfigurera inloggning med er identitetsleverantör (OpenID Connect, t.ex. Microsoft Entra ID, ADFS, "
    "Keycloak):\n"
    "  1. Skriv en secrets-fil, t.ex. /etc/samsyn/secrets.toml, med sektionen [auth] och nycklarna "
    "redirect_uri (Samsyns adress + /oauth2callback), cookie_secret (en lång slumpmässig text), "
    "client_id, client_secret och server_metadata_url (leverantörens .well-known/openid-configuration).\n"
    "  2. Ange filen i samsyn.toml under [auth] som secrets = \"/etc/samsyn/secrets.toml\", "
    "eller med --secrets FIL.\n"
    "Se samsyn.toml.example och README, avsnittet Inloggning. Utan inloggning: starta utan --host "
    "(bara den här datorn, arbetsstation för en användare)."
)


def is_loopback(host: str) -> bool:
    """True when ``host`` is this machine only (127.0.0.0/8, ::1 or localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False  # a host name or an address of the network: reachable from other machines


def serve(args: argparse.Namespace) -> int:
    """Replace this process with ``streamlit run dashboard/app.py`` (a child process on Windows)."""
    from core.config import CONFIG_ENV, DATA_ENV
    from workspace import Workspace

    if not 1 <= args.port <= 65535:
        raise InputError(f"Porten måste vara ett tal mellan 1 och 65535, inte {args.port}.")
    if not APP.is_file():
        raise InputError(f"Hittar inte instrumentpanelen {APP}; är Samsyn fullständigt installerat?")
    # The dashboard opens the same Workspace; opening it here fails in the terminal, not in the
    # browser, on a bad samsyn.toml, a data directory that is a file, or a database out of reach.
    workspace = Workspace.open(args.config, data_dir=args.data)
    config, data_dir = workspace.config, workspace.data_dir
    store = workspace.store()
    workspace.first_start(store)  # starting the dashboard on a new store on the sample loads the demo picture
    store.close()
    secrets = _sign_in_secrets(args.secrets, config.auth_secrets)
    if secrets is None and not is_loopback(args.host):
        raise InputError(NO_SIGN_IN.format(host=args.host or '""'))
    _check_port_free(args.host, args.port)

    env = dict(os.environ)
    env[DATA_ENV] = str(data_dir)
    if config.source is not None:
        env[CONFIG_ENV] = str(config.source)
    # The app imports dashboard/, geo/ … from the repository root.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    argv = streamlit_argv(args.host, args.port, secrets=secrets)

    shown_host = "localhost" if args.host in ("127.0.0.1", "0.0.0.0", "::", "") else args.host
    print(f"Samsyn startar på http://{shown_host}:{args.port}/")
    if args.host in ("0.0.0.0", "::"):
        print("Samsyn är nåbar från andra datorer i nätverket på den här datorns adress.")
    print(f"Datamapp: {data_dir}")
    if secrets is None:
        print("Ingen inloggning: Samsyn körs som arbetsstation för en användare (bara den här datorn).")
    else:
        print(f"Inloggning med OpenID Connect enligt {secrets}.")
    print("Avsluta med Ctrl+C.", flush=True)
    sys.stderr.flush()

    if os.name == "nt":  # pragma: no cover - no exec on Windows; wait for the child instead
        try:
            return subprocess.call(argv, env=env)
        except KeyboardInterrupt:
            return 0
    os.execve(argv[0], argv, env)
    return 0  # pragma: no cover - execve does not return


def streamlit_argv(host: str, port: int, *, secrets: Path | None = None) -> list[str]:
    """The full ``python -m dashboard.launch run`` (Streamlit) command line for the dashboard.

    ``secrets`` is the sign-in secrets file; Streamlit reads exactly that one (``secrets.files``). Without
    it, Streamlit is pointed at no secrets file at all, so a stray ``~/.streamlit/secrets.toml`` cannot
    switch sign-in on or off behind the check above.
    """
    flags = {**config_flags(), **REQUIRED_FLAGS, "server.port": str(port), "server.address": host,
             "secrets.files": str(secrets) if secrets is not None else str(NO_SECRETS)}
    return [
        sys.executable, "-m", "dashboard.launch", "run", str(APP),
        *(f"--{name}={value}" for name, value in flags.items()),
    ]


def config_flags(path: Path = STREAMLIT_CONFIG) -> dict[str, str]:
    """The scalar settings of ``dashboard/streamlit_config.toml`` as ``{"section.key": value}``."""
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        settings = tomllib.load(handle)
    flags: dict[str, str] = {}
    for section, values in settings.items():
        if not isinstance(values, dict):
            continue
        for key, value in values.items():
            if isinstance(value, bool):
                flags[f"{section}.{key}"] = "true" if value else "false"
            elif isinstance(value, str | int | float):
                flags[f"{section}.{key}"] = str(value)
    return flags


def _sign_in_secrets(option: str | None, configured: Path | None) -> Path | None:
    """The checked sign-in secrets file: ``--secrets``, else ``[auth] secrets`` in samsyn.toml, else None."""
    from core.config import check_auth_secrets

    if option is not None and not option.strip():
        raise InputError("--secrets måste vara sökvägen till en secrets.toml med sektionen [auth].")
    path = Path(option).expanduser().resolve() if option else configured
    if path is None:
        return None
    check_auth_secrets(path)
    return path


def _check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # as the server will: a port in TIME_WAIT from a previous run is free
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise InputError(
                f"Kan inte lyssna på {host}:{port} ({error.strerror or error}). "
                "Kör Samsyn redan? Välj annars en annan port med --port."
            ) from error
