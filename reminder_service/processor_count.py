"""How many processors this process may use: those it may run on, and no more than its
container's CPU quota allows.

A container started with `docker run --cpus 1` (or a Kubernetes CPU limit) still sees every
processor of its host, in `os.cpu_count()` and in its affinity; only its control group's
quota says that it may use one processor's worth of time. Starting a worker per host
processor there would only share that time among more processes, each with its own memory.

The quota is read where a container sees its own control group: `cpu.max` (cgroup v2) and
`cpu.cfs_quota_us` over `cpu.cfs_period_us` (cgroup v1), in the process's control group and
each of its parents that this file system shows; the tightest quota counts. Anything that
cannot be read or understood there means no quota.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
OWN_CGROUPS = Path("/proc/self/cgroup")
_V1_CPU_FOLDERS = ("cpu", "cpu,cpuacct")


def processors(cgroup_root: Path = CGROUP_ROOT, own_cgroups: Path = OWN_CGROUPS) -> int:
    """The processors this process may run on, fewer when its CPU quota allows less
    (rounded up: a quota of 1.5 processors gives 2)."""
    runnable = _runnable()
    quota = cpu_quota(cgroup_root, own_cgroups)
    if quota is None:
        return runnable
    return max(1, min(runnable, math.ceil(quota)))


def cpu_quota(cgroup_root: Path = CGROUP_ROOT, own_cgroups: Path = OWN_CGROUPS) -> float | None:
    """The processors' worth of time the tightest CPU quota over this process allows (1.5
    for `--cpus 1.5`), or None when there is none, or none that can be read."""
    memberships = _read(own_cgroups) or ""
    quotas = [
        quota
        for folder in _quota_folders(cgroup_root, memberships)
        if (quota := _folder_quota(folder)) is not None
    ]
    return min(quotas, default=None)


def quota_from_cpu_max(text: str) -> float | None:
    """cgroup v2's `cpu.max` ("150000 100000": quota and period in microseconds) as
    processors (1.5); None for "max", the absence of a quota, or text it is not."""
    fields = text.split()
    if len(fields) != 2 or fields[0] == "max":
        return None
    return _ratio(fields[0], fields[1])


def quota_from_cfs(quota_text: str, period_text: str) -> float | None:
    """cgroup v1's `cpu.cfs_quota_us` over `cpu.cfs_period_us` as processors; None for -1,
    the absence of a quota, or text it is not."""
    return _ratio(quota_text.strip(), period_text.strip())


def _runnable() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _ratio(quota_text: str, period_text: str) -> float | None:
    try:
        quota, period = int(quota_text), int(period_text)
    except ValueError:
        return None
    if quota <= 0 or period <= 0:
        return None
    return quota / period


def _quota_folders(cgroup_root: Path, memberships: str) -> Iterator[Path]:
    """Each folder that may hold a CPU quota over this process: its control group's
    folder and those of its parents, in the v2 tree and in v1's CPU tree.

    In a container the paths in /proc/self/cgroup may be the host's, which its file system
    does not show: those folders hold no quota, and the container's own is the root."""
    for line in memberships.splitlines():
        number, _, rest = line.partition(":")
        controllers, _, path = rest.partition(":")
        if number == "0":
            yield from _folder_and_parents(cgroup_root, path)
        elif "cpu" in controllers.split(","):
            for name in _V1_CPU_FOLDERS:
                yield from _folder_and_parents(cgroup_root / name, path)


def _folder_and_parents(root: Path, path: str) -> Iterator[Path]:
    parts = [part for part in path.strip().split("/") if part not in ("", ".")]
    if ".." in parts:
        return
    for depth in range(len(parts), -1, -1):
        yield root.joinpath(*parts[:depth])


def _folder_quota(folder: Path) -> float | None:
    cpu_max = _read(folder / "cpu.max")
    if cpu_max is not None:
        return quota_from_cpu_max(cpu_max)
    quota, period = _read(folder / "cpu.cfs_quota_us"), _read(folder / "cpu.cfs_period_us")
    if quota is None or period is None:
        return None
    return quota_from_cfs(quota, period)


def _read(file: Path) -> str | None:
    try:
        return file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
