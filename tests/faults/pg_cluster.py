"""A throwaway PostgreSQL cluster of the test's own (``initdb`` in a temp dir), to stop and start.

Never the shared server: stopping that would fail every other test running beside this one.
The server runs as the ``postgres`` account when the tests run as root (PostgreSQL refuses
root), outside faketime (its LD_PRELOAD would follow it into the server), on a free loopback
port, with fsync off: it lives for one test module.
"""
from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.served import FAKED
from tests.smtp_server import free_port


def available() -> str | None:
    """Why no private cluster can be made here, or None when one can."""
    for tool in ("initdb", "pg_ctl"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (Debian: postgresql)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no postgres account to run the server as"
    return None


class Cluster:
    """``start()``, ``stop()``, ``url(database)``; ``remove()`` stops it and deletes its files."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="orglife-pg-", dir="/tmp"))
        self.data, self.socket = self.root / "data", self.root / "socket"
        self.port = free_port()
        self.socket.mkdir()
        self._owned_by_server()
        self._run("initdb", "--auth=trust", "--username=postgres", "--encoding=UTF8", "--locale=C.UTF-8",
                  "--no-sync", "-D", str(self.data))

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}?connect_timeout=3"

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.socket} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c full_page_writes=off -c max_connections=60")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-o", options,
                  "-w", "start")

    def stop(self, mode: str = "immediate") -> None:
        """``immediate``: the server goes as a crash or a kill -9 of the service takes it."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        done = subprocess.run(self._as_server("pg_ctl", "-D", str(self.data), "status"),
                              env=self._env(), capture_output=True, check=False)
        return done.returncode == 0

    def sql(self, statement: str, database: str = "postgres") -> str:
        done = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                               "-d", database, "-Atqc", statement],
                              env=self._env(), capture_output=True, text=True, check=True)
        return done.stdout.strip()

    def remove(self) -> None:
        if self.data.exists() and self.running():
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def _owned_by_server(self) -> None:
        if os.geteuid() != 0:
            return
        server = pwd.getpwnam("postgres")
        for path in (self.root, self.socket):
            os.chown(path, server.pw_uid, server.pw_gid)

    def _as_server(self, *command: str) -> list[str]:
        tool = shutil.which(command[0]) or command[0]
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", tool, *command[1:]]
        return [tool, *command[1:]]

    @staticmethod
    def _env() -> dict[str, str]:
        return {k: v for k, v in os.environ.items() if k not in FAKED}

    def _run(self, *command: str) -> None:
        done = subprocess.run(self._as_server(*command), env=self._env(), capture_output=True,
                              text=True, check=False)
        if done.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{' '.join(command[:2])} failed: {done.stderr or done.stdout}\n{tail}")
