"""Several Samsyn processes behind Debian's nginx on one PostgreSQL: ``python -m deploy.shared``.

One server for several offices (the kommun's and the police's): N ``samsyn serve`` processes on
127.0.0.1 ports, all reading the same ``samsyn.toml`` (so the same data directory, the same
PostgreSQL database for the problem picture and the same sign-in secrets), and nginx in front of
them on ``--listen`` with sticky sessions (see deploy/nginx.conf.template for why a cookie and not
``ip_hash``). nginx runs in the foreground as an ordinary process: its configuration, pid file,
logs and temporary files live in the prefix folder. Ctrl+C stops everything; a process that dies is
started again, with a line in the terminal. ``make serve-shared CONFIG=/etc/samsyn/samsyn.toml``
runs this; docs/shared-server.md describes the installation.

The tests start the same thing in-process through :class:`SharedSite` (tests/shared/conftest.py).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pwd
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import InputError

REPO = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
DEFAULT_LISTEN = "0.0.0.0:8080"
DEFAULT_FIRST_PORT = 8601
DEFAULT_NGINX = "/usr/sbin/nginx"
# nginx's own user on Debian: nginx runs as it when the launcher is started as root.
NGINX_USER = "www-data"
MAX_UPLOAD = "200m"  # Streamlit's own default server.maxUploadSize (MB)
HEALTH_SECONDS = 180.0  # a process imports geopandas and loads a dataset before it answers
RESTART_PAUSE = 2.0  # seconds between restarts of a process that dies at once, so it cannot spin


def log(message: str) -> None:
    """A line in the launcher's terminal, with the time."""
    print(f"{time.strftime('%H:%M:%S')} samsyn-shared: {message}", flush=True)


def parse_listen(text: str) -> tuple[str, int]:
    """``"0.0.0.0:8080"`` → ``("0.0.0.0", 8080)``; ``"8080"`` listens on every address.

    >>> parse_listen("127.0.0.1:8080"), parse_listen("8080"), parse_listen("[::]:80")
    (('127.0.0.1', 8080), ('0.0.0.0', 8080), ('::', 80))
    """
    host, _, port = text.strip().rpartition(":")
    host = host.strip("[]") or "0.0.0.0"
    if not port.isdigit() or not 1 <= int(port) <= 65535:
        raise InputError(f"--listen {text!r}: ange adress:port, t.ex. 0.0.0.0:8080 (porten 1–65535).")
    return host, int(port)


@dataclass
class Child:
    """One ``samsyn serve`` process: its number (1 …), port, log and the running process."""

    number: int
    port: int
    log: Path
    process: subprocess.Popen | None = None
    restarts: int = 0


@dataclass
class SharedSite:
    """N Samsyn processes and nginx in front of them; :meth:`start`, :meth:`watch`, :meth:`stop`.

    Parameters
    ----------
    config
        The ``samsyn.toml`` every process reads. It must name a PostgreSQL database (``[database]
        url``): several processes share the problem picture through it.
    prefix
        nginx's folder: ``nginx.conf``, ``nginx.pid``, ``logs/`` (also each process's log) and ``temp/``.
    processes
        How many Samsyn processes.
    listen
        Where nginx listens, ``address:port``.
    first_port
        The processes listen on 127.0.0.1, ports ``first_port``, ``first_port + 1`` …
    """

    config: Path
    prefix: Path
    processes: int = 3
    listen: str = DEFAULT_LISTEN
    first_port: int = DEFAULT_FIRST_PORT
    nginx: str = DEFAULT_NGINX
    python: str = sys.executable
    env: dict[str, str] = field(default_factory=dict)  # extra environment for the Samsyn processes
    children: list[Child] = field(default_factory=list)
    nginx_process: subprocess.Popen | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _stopping: threading.Event = field(default_factory=threading.Event, repr=False)

    # -- checks ------------------------------------------------------------------------------------

    def check(self) -> str:
        """Check the configuration before anything starts; return the sign-in's redirect_uri."""
        from core.config import check_auth_secrets, load_config

        if self.processes < 1:
            raise InputError("--processes måste vara minst 1.")
        parse_listen(self.listen)
        config = load_config(self.config)
        url = config.database_url or ""
        if not url.startswith(("postgresql://", "postgres://")):
            raise InputError(
                f"{self.config}: flera Samsyn-processer delar problembilden genom PostgreSQL, men [database] url "
                f"är {url or 'inte satt (SQLite-filen i datamappen)'}. Ange t.ex. "
                '[database] url = "postgresql://samsyn@db.kommun.example.se/samsyn".')
        if config.auth_secrets is None:
            raise InputError(
                f"{self.config}: en delad server kräver inloggning. Ange [auth] secrets = \"/etc/samsyn/secrets.toml\" "
                "(sektionen [auth] med redirect_uri, cookie_secret, client_id, client_secret och "
                "server_metadata_url; se docs/shared-server.md).")
        auth = check_auth_secrets(config.auth_secrets)
        if not (Path(self.nginx).is_file() and os.access(self.nginx, os.X_OK)):
            raise InputError(
                f"Hittar inte nginx ({self.nginx}). Installera Debians paket: `apt-get install nginx` "
                "(make serve-shared gör det), eller ange --nginx SÖKVÄG.")
        return str(auth.get("redirect_uri", ""))

    # -- nginx -------------------------------------------------------------------------------------

    @property
    def ports(self) -> list[int]:
        """The processes' ports, in order."""
        return [self.first_port + i for i in range(self.processes)]

    def nginx_config(self) -> str:
        """The nginx configuration for this site, from deploy/nginx.conf.template."""
        servers = "\n".join(f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" for port in self.ports)
        numbered = list(enumerate(self.ports, start=1))
        backend_map = "\n".join(f"        {n} samsyn_{n};" for n, _ in numbered)
        process_map = "\n".join(f"        ~127\\.0\\.0\\.1:{port}$ {n};" for n, port in numbered)
        sticky = []
        for n, port in numbered:
            # The others as backups, each process's list starting after itself, so that the browsers of
            # a process that is down are not all sent to the same one.
            others = [p for _, p in numbered[n:]] + [p for _, p in numbered[:n - 1]]
            lines = [f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;",
                     *(f"        server 127.0.0.1:{p} backup;" for p in others)]
            sticky.append(f"    upstream samsyn_{n} {{\n" + "\n".join(lines) + "\n    }")
        health = "\n".join(
            f"        location = /_samsyn/health/{n} {{\n"
            f"            proxy_pass http://127.0.0.1:{port}/_stcore/health;\n"
            "        }" for n, port in enumerate(self.ports, start=1))
        host, port = parse_listen(self.listen)
        listen = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        text = TEMPLATE.read_text(encoding="utf-8")
        for token, value in {"@PREFIX@": str(self.prefix), "@LISTEN@": listen, "@SERVERS@": servers,
                             "@BACKEND_MAP@": backend_map, "@PROCESS_MAP@": process_map,
                             "@STICKY_UPSTREAMS@": "\n".join(sticky), "@HEALTH@": health,
                             "@MAX_UPLOAD@": MAX_UPLOAD}.items():
            text = text.replace(token, value)
        return text

    def _prepare_prefix(self) -> Path:
        for folder in ("logs", "temp"):
            (self.prefix / folder).mkdir(parents=True, exist_ok=True)
        conf = self.prefix / "nginx.conf"
        conf.write_text(self.nginx_config(), encoding="utf-8")
        return conf

    def _nginx_command(self, conf: Path, *extra: str) -> list[str]:
        command = [self.nginx, "-p", str(self.prefix), "-c", str(conf), "-e", str(self.prefix / "logs" / "error.log"),
                   *extra, "-g", "daemon off;"]
        if os.geteuid() != 0:
            return command
        # As root, nginx's master would stay root: run the whole nginx as Debian's www-data instead
        # (it listens on a port above 1024, so it needs no privilege at all).
        try:
            user = pwd.getpwnam(NGINX_USER)
        except KeyError:
            return command
        for path in [self.prefix, *self.prefix.rglob("*")]:
            os.chown(path, user.pw_uid, user.pw_gid)
        return ["runuser", "-u", NGINX_USER, "--", *command]

    def start_nginx(self) -> None:
        """Write the configuration, test it with ``nginx -t`` and start nginx in the foreground."""
        conf = self._prepare_prefix()
        test = subprocess.run(self._nginx_command(conf, "-t", "-q"), capture_output=True, text=True)
        if test.returncode:
            raise InputError(f"nginx godtar inte konfigurationen {conf}:\n{test.stderr.strip()}")
        out = (self.prefix / "logs" / "nginx.out").open("ab")
        self.nginx_process = subprocess.Popen(self._nginx_command(conf), stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        out.close()

    # -- Samsyn processes --------------------------------------------------------------------------

    def _serve_command(self, port: int) -> list[str]:
        return [self.python, "-m", "cli", "serve", "--host", "127.0.0.1", "--port", str(port),
                "--config", str(self.config)]

    def start_child(self, child: Child) -> None:
        """Start (or start again) one ``samsyn serve`` process, its output in its own log."""
        env = {**os.environ, **self.env,
               "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)}
        env.pop("SAMSYN_DATA", None)  # the data directory is samsyn.toml's, the same for every process
        with child.log.open("ab") as out:
            child.process = subprocess.Popen(self._serve_command(child.port), cwd=self.config.parent, env=env,
                                             stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def start(self) -> None:
        """Check the configuration, start the Samsyn processes and nginx (does not wait for health)."""
        self.check()
        (self.prefix / "logs").mkdir(parents=True, exist_ok=True)
        self.children = [Child(n, port, self.prefix / "logs" / f"samsyn-{n}.log")
                         for n, port in enumerate(self.ports, start=1)]
        try:
            for child in self.children:
                self.start_child(child)
            self.start_nginx()
        except BaseException:
            self.stop()
            raise

    def healthy(self, number: int, *, through_nginx: bool = False) -> bool:
        """True when process ``number`` (1 …) answers its health check, directly or via nginx."""
        child = self.children[number - 1]
        if through_nginx:
            host, port = parse_listen(self.listen)
            host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
            url = f"http://{host}:{port}/_samsyn/health/{number}"
        else:
            url = f"http://127.0.0.1:{child.port}/_stcore/health"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status == 200 and response.read().strip() == b"ok"
        except OSError:
            return False

    def wait_healthy(self, timeout: float = HEALTH_SECONDS) -> None:
        """Wait until every process answers through nginx; raise naming the ones that do not."""
        deadline = time.monotonic() + timeout
        waiting = [c.number for c in self.children]
        while waiting and time.monotonic() < deadline:
            if self.nginx_process is not None and self.nginx_process.poll() is not None:
                raise RuntimeError(f"nginx stannade (kod {self.nginx_process.returncode}); se {self.prefix / 'logs'}")
            waiting = [n for n in waiting if not self.healthy(n, through_nginx=True)]
            if waiting:
                time.sleep(0.25)
        if waiting:
            logs = "\n".join(f"--- {self.children[n - 1].log}:\n{_tail(self.children[n - 1].log)}" for n in waiting)
            raise RuntimeError(f"Process {', '.join(map(str, waiting))} svarade inte inom {timeout:.0f} s.\n{logs}")

    def kill(self, number: int) -> None:
        """Kill process ``number`` at once (SIGKILL, as a crash); :meth:`watch` starts it again."""
        with self._lock:
            process = self.children[number - 1].process
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)

    def check_once(self) -> None:
        """Start again any process (or nginx) that has stopped, with a line in the terminal."""
        with self._lock:
            if self._stopping.is_set():
                return
            for child in self.children:
                if child.process is not None and child.process.poll() is not None:
                    child.restarts += 1
                    log(f"process {child.number} (port {child.port}) stannade med kod {child.process.returncode}; "
                        f"startar den igen (omstart {child.restarts}, logg {child.log}).")
                    self.start_child(child)
            if self.nginx_process is not None and self.nginx_process.poll() is not None:
                log(f"nginx stannade med kod {self.nginx_process.returncode}; startar den igen "
                    f"(logg {self.prefix / 'logs' / 'error.log'}).")
                self.start_nginx()

    def watch(self, stop: threading.Event | None = None, interval: float = RESTART_PAUSE) -> None:
        """Keep every process running until ``stop`` is set (or forever)."""
        stop = stop or threading.Event()
        while not stop.wait(interval) and not self._stopping.is_set():
            self.check_once()

    def stop(self) -> None:
        """Stop nginx and every Samsyn process (SIGTERM, then SIGKILL after 15 s)."""
        self._stopping.set()
        with self._lock:
            processes = [c.process for c in self.children if c.process is not None]
            if self.nginx_process is not None:
                processes.append(self.nginx_process)
            for process in processes:
                if process.poll() is None:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(process.pid, signal.SIGTERM)
            for process in processes:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=5)


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(ingen logg)"


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``python -m deploy.shared``."""
    parser = argparse.ArgumentParser(
        prog="python -m deploy.shared",
        description="Starta flera Samsyn-processer bakom nginx (klistriga sessioner) på en PostgreSQL-databas.")
    parser.add_argument("--config", metavar="FIL",
                        help="samsyn.toml som alla processer läser (standard: $SAMSYN_CONFIG eller ./samsyn.toml)")
    parser.add_argument("--processes", type=int, default=3, help="antal Samsyn-processer (standard: 3)")
    parser.add_argument("--listen", default=DEFAULT_LISTEN, help=f"var nginx lyssnar (standard: {DEFAULT_LISTEN})")
    parser.add_argument("--first-port", type=int, default=DEFAULT_FIRST_PORT,
                        help=f"processernas första port på 127.0.0.1 (standard: {DEFAULT_FIRST_PORT})")
    parser.add_argument("--prefix", metavar="MAPP",
                        help="nginx-mapp för konfiguration, loggar och tillfälliga filer "
                             "(standard: samsyn-shared bredvid samsyn.toml)")
    parser.add_argument("--nginx", default=DEFAULT_NGINX, help=f"nginx-programmet (standard: {DEFAULT_NGINX})")
    return parser


def _config_path(option: str | None) -> Path:
    from core.config import config_path

    if option:
        path = Path(option).expanduser().resolve()
        if not path.is_file():
            raise InputError(f"Konfigurationsfilen {path} finns inte.")
        return path
    found = config_path()
    if found is None:
        raise InputError("Ingen samsyn.toml: ange --config FIL (make serve-shared CONFIG=FIL) eller SAMSYN_CONFIG.")
    return found


def main(argv: Sequence[str] | None = None) -> int:
    """Run the shared site until Ctrl+C or SIGTERM; return the exit code."""
    args = build_parser().parse_args(argv)
    try:
        config = _config_path(args.config)
        prefix = Path(args.prefix).expanduser().resolve() if args.prefix else config.parent / "samsyn-shared"
        site = SharedSite(config=config, prefix=prefix, processes=args.processes, listen=args.listen,
                          first_port=args.first_port, nginx=args.nginx)
        redirect_uri = site.check()
    except InputError as error:
        print(f"Fel: {error}", file=sys.stderr)
        return 2
    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        site.start()
    except InputError as error:
        print(f"Fel: {error}", file=sys.stderr)
        return 2
    log(f"{site.processes} Samsyn-processer på 127.0.0.1:{site.ports[0]}–{site.ports[-1]}, nginx på {site.listen} "
        f"(loggar i {prefix / 'logs'}).")
    log(f"Inloggningen skickar tillbaka till {redirect_uri}: den adressen ska gå till nginx.")
    log("Avsluta med Ctrl+C.")
    try:
        site.watch(stop)
    finally:
        log("Stoppar nginx och Samsyn-processerna.")
        site.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
