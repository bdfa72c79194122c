"""Private PostgreSQL clusters and redis-servers for the benchmarks that break things
(`make chaos`, `make restore-drill`): never the shared services on 5432 / 6379.

    from benchmarks.private_services import private_postgres, private_redis

    with private_postgres() as pg, private_redis(maxmemory="64mb", policy="allkeys-lru") as r:
        pg.createdb("contest_chaos")
        url = pg.url("contest_chaos")      # postgres://postgres@127.0.0.1:<port>/contest_chaos
        pg.restart()                       # pg_ctl restart -m fast, waits until it accepts
        pg.stop(); pg.start()              # unreachable while stopped
        r.url(0)                           # redis://127.0.0.1:<port>/0
        r.restart()                        # same port, empty again (no persistence)
        r.pause(); r.resume()              # SIGSTOP / SIGCONT: connections hang, nothing lost

PostgreSQL (`PrivatePostgres`, `private_postgres(...)`):
- Debian's /usr/lib/postgresql/<newest>/bin/initdb and pg_ctl, run as the `postgres` OS user
  (`runuser -u postgres --` when we are root, as the bench machine is; directly otherwise);
- data directory, socket directory and server log in a temporary directory owned by that user
  (`pg.root`), removed on exit unless keep=True;
- a free TCP port on 127.0.0.1 (or `port=`), trust authentication, superuser `postgres`;
- `archive=True`: continuous WAL archiving into `pg.archive_dir` (root/wal-archive;
  `archive_mode=on`, an `archive_command` that never overwrites a segment), or
  `archive_dir=Path` for another directory (created, given to `postgres`; its parents must be
  traversable by that user); `settings={name: value}`: more postgresql.conf lines;
- methods: start(), stop(mode="fast"), restart(mode="fast"), running(), url(dbname),
  psql(sql, dbname="postgres") -> stdout, createdb(name), dropdb(name),
  run(program, *args) (any program of the same bin directory as the `postgres` user, e.g.
  pg_basebackup / pg_dump / pg_restore), bin(program) -> path, log_path.
- `fresh_cluster(...)` is the same as private_postgres: a second one for a restore.

Redis (`PrivateRedis`, `private_redis(...)`):
- `redis-server` on a free port on 127.0.0.1 (or `port=`), no RDB snapshots, no AOF;
- `maxmemory="64mb"` and `policy="noeviction" | "allkeys-lru" | ...` optional;
- methods: start(), stop() (SIGTERM, waits), kill() (SIGKILL), restart() (stop + start on the
  same port: empty, as a restart without persistence is), pause() / resume() (SIGSTOP /
  SIGCONT: the port accepts connections but nothing answers), url(db=0), cli(*args) -> stdout,
  info(section) -> dict, running().

start() and restart() return once the service answers (RuntimeError after `timeout` seconds) and
stop() once it is gone, so a caller can time an outage from the moment the call returns; a
failing PostgreSQL program raises subprocess.CalledProcessError (its stderr in `.stderr`)."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port nobody listens on right now (the kernel's choice)."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _wait_port(port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            probe.settimeout(0.2)
            if probe.connect_ex((HOST, port)) == 0:
                return True
        time.sleep(0.05)
    return False


# --- PostgreSQL ------------------------------------------------------------------------------


def postgres_bin_dir() -> Path:
    """The newest Debian PostgreSQL's bin directory (/usr/lib/postgresql/<major>/bin)."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0,
    )
    if not found:
        raise RuntimeError("no /usr/lib/postgresql/*/bin/initdb: install Debian's postgresql")
    return Path(found[-1]).parent


class PrivatePostgres:
    """A PostgreSQL cluster of our own (see the module docstring)."""

    def __init__(
        self,
        *,
        port: int | None = None,
        archive: bool = False,
        archive_dir: Path | None = None,
        settings: dict[str, str] | None = None,
        keep: bool = False,
        timeout: float = 60.0,
    ):
        self.port = port or free_port()
        self.settings = settings or {}
        self.keep = keep
        self.timeout = timeout
        self.bin_dir = postgres_bin_dir()
        self.as_root = os.geteuid() == 0
        self.root = Path(tempfile.mkdtemp(prefix="private-pg-"))
        self.data = self.root / "data"
        self.sockets = self.root / "sockets"
        self.log_path = self.root / "server.log"
        self.archive_dir = Path(archive_dir) if archive_dir else None
        if archive and self.archive_dir is None:
            self.archive_dir = self.root / "wal-archive"

    # helpers
    def bin(self, program: str) -> str:
        return str(self.bin_dir / program)

    def _as_postgres(self, args: list[str]) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *args] if self.as_root else args

    def run(self, program: str, *args: str, check: bool = True, capture: bool = True):
        """`program` from the cluster's bin directory, as the postgres OS user."""
        command = self._as_postgres([self.bin(program), *args])
        return subprocess.run(
            command, check=check, capture_output=capture, text=True, timeout=self.timeout * 5
        )

    def url(self, dbname: str = "postgres") -> str:
        return f"postgres://postgres@{HOST}:{self.port}/{dbname}"

    def psql(self, sql: str, dbname: str = "postgres") -> str:
        result = self.run(
            "psql", "-h", HOST, "-p", str(self.port), "-U", "postgres", "-d", dbname,
            "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql,
        )  # fmt: skip
        return result.stdout

    def createdb(self, name: str) -> None:
        self.psql(f'CREATE DATABASE "{name}"')

    def dropdb(self, name: str) -> None:
        self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    # life cycle
    def init(self) -> None:
        self.sockets.mkdir()
        if self.archive_dir is not None:
            Path(self.archive_dir).mkdir(parents=True, exist_ok=True)
        if self.as_root:
            paths = [self.root, self.sockets]
            if self.archive_dir is not None:
                paths.append(Path(self.archive_dir))
            subprocess.run(["chown", "-R", "postgres:postgres", *map(str, paths)], check=True)
        if self.archive_dir is not None:
            probe = self._as_postgres(["test", "-w", str(self.archive_dir)])
            if subprocess.run(probe, check=False).returncode != 0:
                raise RuntimeError(
                    f"{self.archive_dir} is not writable by the postgres user (its parents "
                    "must be traversable: a tempfile.mkdtemp() parent is not); use archive=True"
                )
        self.run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                 "--locale=C.UTF-8", "--no-sync")  # fmt: skip
        conf = {
            "listen_addresses": f"'{HOST}'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.sockets}'",
            "max_connections": "200",
            "logging_collector": "off",
        }
        if self.archive_dir is not None:
            conf["archive_mode"] = "on"
            conf["wal_level"] = "replica"
            conf["archive_command"] = (
                f"'test ! -f {self.archive_dir}/%f && cp %p {self.archive_dir}/%f'"
            )
        conf.update(self.settings)
        with (self.data / "postgresql.conf").open("a") as f:
            f.write("\n# benchmarks/private_services.py\n")
            for name, value in conf.items():
                f.write(f"{name} = {value}\n")

    def running(self) -> bool:
        return self.run("pg_ctl", "-D", str(self.data), "status", check=False).returncode == 0

    def start(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log_path), "-w",
                 "-t", str(int(self.timeout)), "start")  # fmt: skip
        if not _wait_port(self.port, self.timeout):
            raise RuntimeError(f"private PostgreSQL did not listen on {self.port}; {self.log_path}")

    def stop(self, mode: str = "fast") -> None:
        if self.running():
            self.run("pg_ctl", "-D", str(self.data), "-m", mode, "-w",
                     "-t", str(int(self.timeout)), "stop")  # fmt: skip

    def restart(self, mode: str = "fast") -> None:
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log_path), "-m", mode, "-w",
                 "-t", str(int(self.timeout)), "restart")  # fmt: skip
        if not _wait_port(self.port, self.timeout):
            raise RuntimeError(f"private PostgreSQL did not come back; {self.log_path}")

    def cleanup(self) -> None:
        with contextlib.suppress(Exception):
            self.stop("immediate")
        if not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)


@contextlib.contextmanager
def private_postgres(**kwargs) -> Iterator[PrivatePostgres]:
    """initdb + start; stop (immediate) and remove on exit. Arguments: PrivatePostgres's."""
    cluster = PrivatePostgres(**kwargs)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.cleanup()


fresh_cluster = private_postgres


# --- Redis -----------------------------------------------------------------------------------


class PrivateRedis:
    """A redis-server of our own (see the module docstring)."""

    def __init__(
        self,
        *,
        port: int | None = None,
        maxmemory: str | None = None,
        policy: str = "noeviction",
        timeout: float = 10.0,
    ):
        if shutil.which("redis-server") is None:
            raise RuntimeError("redis-server is needed (Debian package redis-server)")
        self.port = port or free_port()
        self.maxmemory = maxmemory
        self.policy = policy
        self.timeout = timeout
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://{HOST}:{self.port}/{db}"

    def cli(self, *args: str) -> str:
        result = subprocess.run(
            ["redis-cli", "-h", HOST, "-p", str(self.port), *args],
            check=True, capture_output=True, text=True, timeout=self.timeout,
        )  # fmt: skip
        return result.stdout

    def info(self, section: str = "memory") -> dict[str, str]:
        lines = self.cli("INFO", section).splitlines()
        return dict(line.split(":", 1) for line in lines if ":" in line)

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        command = [shutil.which("redis-server"), "--port", str(self.port), "--bind", HOST]
        command += ["--save", "", "--appendonly", "no", "--daemonize", "no"]
        command += ["--dir", tempfile.gettempdir(), "--loglevel", "warning"]
        if self.maxmemory:
            command += ["--maxmemory", self.maxmemory, "--maxmemory-policy", self.policy]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server on {self.port} exited: port taken?")
            try:
                if self.cli("PING").strip() == "PONG":
                    return
            except subprocess.CalledProcessError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"redis-server on {self.port} did not answer")

    def stop(self) -> None:
        if self.running():
            self.resume()
            self.process.terminate()
            self.process.wait(self.timeout)
        self.process = None

    def kill(self) -> None:
        if self.running():
            self.process.kill()
            self.process.wait(self.timeout)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def pause(self) -> None:
        if self.running():
            self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        if self.running():
            self.process.send_signal(signal.SIGCONT)


@contextlib.contextmanager
def private_redis(**kwargs) -> Iterator[PrivateRedis]:
    """Start; stop on exit. Arguments: PrivateRedis's."""
    server = PrivateRedis(**kwargs)
    try:
        server.start()
        yield server
    finally:
        server.stop()
