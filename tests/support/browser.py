"""Headless Chromium for tests: open a local HTML file and read back what the browser made of it.

`render` runs Chromium once on a file:// URL and returns the DOM as Chromium serialised it
after loading the page, the messages the page logged to the console (a Content-Security-
Policy refusal shows up there), the URLs the page asked the network for, and optionally a
screenshot. The URLs are read from Chromium's net log, keeping only requests made for a
file:// page: Chromium's own background traffic (update and account checks) is left out.
Every host name resolves to nothing, so a test never reaches the internet whatever a page
asks for.

`chromium_or_skip` finds the browser; where it is missing the test is skipped, unless
CI=true: CI installs Chromium, so there a missing browser fails the test.

`parse_html` turns HTML into a small tree of `Element`s to query in assertions.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_NAMES = ("chromium", "chromium-browser")
RENDER_TIMEOUT_S = 60.0
_QUIET_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)
_CONSOLE_LINE = re.compile(r":CONSOLE[:(].*?\] (?P<message>.*)$")


@dataclass(frozen=True)
class Rendered:
    """What Chromium made of a page."""

    dom: str
    console: tuple[str, ...]
    page_requests: tuple[str, ...]
    screenshot: Path | None


def chromium_or_skip() -> str:
    """The Chromium executable; skips the test where there is none, fails it when CI=true."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found is not None:
            return found
    reason = "Chromium is not installed (apt-get install chromium)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI must run the browser tests, but {reason}")
    pytest.skip(reason)


def render(
    page: Path,
    *,
    chromium: str,
    workdir: Path,
    window: tuple[int, int] | None = None,
    timeout_s: float = RENDER_TIMEOUT_S,
) -> Rendered:
    """Load `page` in headless Chromium; with `window` (width, height) also take a screenshot.

    `workdir` holds the browser profile, the net log and the screenshot. Raises
    AssertionError with Chromium's output when it fails or takes longer than `timeout_s`.
    """
    net_log = workdir / "net-log.json"
    screenshot = workdir / "screenshot.png" if window is not None else None
    command = [
        chromium,
        *_QUIET_FLAGS,
        f"--user-data-dir={workdir / 'profile'}",
        f"--log-net-log={net_log}",
        "--enable-logging=stderr",
        "--v=0",
        "--dump-dom",
    ]
    if screenshot is not None and window is not None:
        command += [f"--window-size={window[0]},{window[1]}", f"--screenshot={screenshot}"]
    command.append(page.resolve().as_uri())
    stdout, stderr = _run(command, timeout_s=timeout_s)
    return Rendered(
        dom=stdout,
        console=tuple(_console_messages(stderr)),
        page_requests=tuple(_page_requests(net_log)),
        screenshot=screenshot,
    )


def _run(command: list[str], *, timeout_s: float) -> tuple[str, str]:
    """Run Chromium in its own process group, so a hung browser goes with all its children."""
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            stdout, stderr = process.communicate()
            raise AssertionError(f"Chromium took over {timeout_s} s:\n{stderr}") from None
    if process.returncode != 0 or not stdout.strip():
        raise AssertionError(f"Chromium failed (exit {process.returncode}):\n{stderr}")
    return stdout, stderr


def _console_messages(stderr: str) -> Iterator[str]:
    for line in stderr.splitlines():
        found = _CONSOLE_LINE.search(line)
        if found is not None:
            yield found["message"]


def _page_requests(net_log: Path) -> Iterator[str]:
    """URLs of requests started for a file:// page, read from Chromium's net log."""
    log = json.loads(net_log.read_text(encoding="utf-8"))
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    for event in log["events"]:
        params: dict[str, Any] = event.get("params", {})
        if event["type"] == start_job and "file://" in str(params.get("network_isolation_key")):
            yield str(params["url"])


@dataclass
class Element:
    """An HTML element: tag, attributes, children (elements and text, in order)."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Element | str] = field(default_factory=list)

    def text(self) -> str:
        """All the text inside, with runs of white space made single spaces."""
        parts = (child if isinstance(child, str) else child.text() for child in self.children)
        return " ".join(" ".join(parts).split())

    def iter(self) -> Iterator[Element]:
        """This element and every element inside it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag: str, **attrs: str) -> list[Element]:
        """Elements with this tag whose attributes include `attrs` (class_ for class).

        A class matches when it is one of the element's classes.
        """
        wanted = {name.rstrip("_").replace("_", "-"): value for name, value in attrs.items()}
        return [
            element
            for element in self.iter()
            if element.tag == tag and all(_has(element, k, v) for k, v in wanted.items())
        ]

    def find(self, tag: str, **attrs: str) -> Element:
        """The one element matching; fails the test when there is not exactly one."""
        found = self.find_all(tag, **attrs)
        assert len(found) == 1, f"expected one <{tag} {attrs}>, found {len(found)}"
        return found[0]


def _has(element: Element, name: str, value: str) -> bool:
    if name == "class":
        return value in element.attrs.get("class", "").split()
    return element.attrs.get(name) == value


_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document")
        self._open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self._open[-1].children.append(element)
        if tag not in _VOID:
            self._open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open[-1].children.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._open) - 1, 0, -1):
            if self._open[depth].tag == tag:
                del self._open[depth:]
                return

    def handle_data(self, data: str) -> None:
        self._open[-1].children.append(data)


def parse_html(html: str) -> Element:
    """The document as a tree of Elements (tags and attribute names in lower case)."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root
