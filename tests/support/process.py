"""Run the `reminder-service` command as a real process and follow what it logs."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from tests.support.smtp_server import free_port

REPO = Path(__file__).resolve().parents[2]


class ServiceProcess:
    """`python -m reminder_service ARGS` with its output lines readable as they come.

    Each process gets its own free port for /healthz and friends unless `env` names one.
    """

    def __init__(self, *args: str, env: dict[str, str], cwd: Path = REPO) -> None:
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "reminder_service", *args],
            cwd=cwd,
            env={**_base_environment(), "REMINDER_HTTP__PORT": str(free_port()), **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        assert self._proc.stdout is not None
        threading.Thread(target=self._pump, args=(self._proc.stdout,), daemon=True).start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for_line(self, fragment: str, *, timeout_s: float = 10.0) -> str:
        """Block until a line containing `fragment` is printed; fail with what was printed."""
        while True:
            try:
                line = self._queue.get(timeout=timeout_s)
            except queue.Empty:
                raise AssertionError(self._report(f"no line with {fragment!r}")) from None
            if line is None:
                raise AssertionError(self._report(f"exited before printing {fragment!r}"))
            self.lines.append(line)
            if fragment in line:
                return line

    def stop(self, signum: int = signal.SIGTERM, *, timeout_s: float = 10.0) -> int:
        """Send `signum` and wait for the exit status."""
        self._proc.send_signal(signum)
        return self.wait(timeout_s=timeout_s)

    def wait(self, *, timeout_s: float = 10.0) -> int:
        """Wait for the process to exit, collect the rest of its output, return the status."""
        status = self._proc.wait(timeout=timeout_s)
        while (line := self._queue.get(timeout=timeout_s)) is not None:
            self.lines.append(line)
        return status

    @property
    def output(self) -> str:
        """Everything read so far."""
        return "\n".join(self.lines)

    def _report(self, what: str) -> str:
        return f"{what}; output so far:\n{self.output}"

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        if self._proc.stdout is not None:
            self._proc.stdout.close()


def _base_environment() -> dict[str, str]:
    """The test's environment without REMINDER_ variables, so only what a test sets applies."""
    return {k: v for k, v in os.environ.items() if not k.upper().startswith("REMINDER_")}
