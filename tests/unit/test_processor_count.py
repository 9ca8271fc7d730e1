"""How many processors `check` may use: the CPU quota of a container, read from a control
group tree laid out in a temporary folder as Linux shows it."""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reminder_service.processor_count import (
    cpu_quota,
    processors,
    quota_from_cfs,
    quota_from_cpu_max,
)

RUNNABLE = len(os.sched_getaffinity(0))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("max 100000\n", None),
        ("100000 100000\n", 1.0),
        ("150000 100000\n", 1.5),
        ("50000 100000", 0.5),
        ("0 100000", None),
        ("100000", None),
        ("max", None),
        ("", None),
        ("lots 100000", None),
        ("100000 100000 7", None),
    ],
)
def test_cpu_max_is_read_as_processors(text: str, expected: float | None) -> None:
    assert quota_from_cpu_max(text) == expected


@pytest.mark.parametrize(
    ("quota", "period", "expected"),
    [
        ("-1\n", "100000\n", None),
        ("200000\n", "100000\n", 2.0),
        ("25000", "100000", 0.25),
        ("abc", "100000", None),
        ("100000", "0", None),
    ],
)
def test_cfs_quota_is_read_as_processors(quota: str, period: str, expected: float | None) -> None:
    assert quota_from_cfs(quota, period) == expected


def _tree(root: Path, files: dict[str, str], memberships: str) -> Path:
    """Lay out `files` under `root` and return the stand-in for /proc/self/cgroup."""
    root.mkdir(exist_ok=True)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="ascii")
    own = root.parent / "self-cgroup"
    own.write_text(memberships, encoding="ascii")
    return own


@pytest.mark.parametrize(
    ("files", "memberships", "expected"),
    [
        pytest.param({"cpu.max": "100000 100000\n"}, "0::/\n", 1.0, id="v2 container"),
        pytest.param(
            {"a/b/cpu.max": "max 100000\n", "a/cpu.max": "250000 100000\n"},
            "0::/a/b\n",
            2.5,
            id="v2 quota set on a parent",
        ),
        pytest.param(
            {"a/b/cpu.max": "50000 100000\n", "a/cpu.max": "300000 100000\n"},
            "0::/a/b\n",
            0.5,
            id="v2 tightest of group and parent",
        ),
        pytest.param(
            {"cpu.max": "200000 100000\n"},
            "0::/system.slice/docker-1234.scope\n",
            2.0,
            id="v2 host path not shown in the container",
        ),
        pytest.param({"cpu.max": "max 100000\n"}, "0::/\n", None, id="v2 no quota"),
        pytest.param(
            {"cpu/cpu.cfs_quota_us": "100000\n", "cpu/cpu.cfs_period_us": "100000\n"},
            "9:pids:/docker/abc\n4:cpu,cpuacct:/docker/abc\n0::/\n",
            1.0,
            id="v1 container",
        ),
        pytest.param(
            {
                "cpu,cpuacct/cpu.cfs_quota_us": "150000\n",
                "cpu,cpuacct/cpu.cfs_period_us": "100000\n",
            },
            "4:cpuacct,cpu:/\n",
            1.5,
            id="v1 tree named for both controllers",
        ),
        pytest.param(
            {
                "cpu/kube/pod/cpu.cfs_quota_us": "-1\n",
                "cpu/kube/pod/cpu.cfs_period_us": "100000\n",
                "cpu/kube/cpu.cfs_quota_us": "300000\n",
                "cpu/kube/cpu.cfs_period_us": "100000\n",
            },
            "3:cpu:/kube/pod\n",
            3.0,
            id="v1 quota set on a parent",
        ),
        pytest.param(
            {"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"},
            "3:cpu:/\n",
            None,
            id="v1 no quota",
        ),
        pytest.param(
            {"cpu/cpu.cfs_quota_us": "100000\n"}, "3:cpu:/\n", None, id="v1 period missing"
        ),
        pytest.param(
            {"cpu/cpu.cfs_quota_us": "100000\n", "cpu/cpu.cfs_period_us": "100000\n"},
            "3:memory:/\n",
            None,
            id="v1 cpu tree this process is not in",
        ),
        pytest.param({"cpu.max": "100000 100000\n"}, "0::/../elsewhere\n", None, id="outside"),
        pytest.param({"cpu.max": "a lot\n"}, "0::/\n", None, id="unreadable quota"),
        pytest.param({}, "", None, id="no control groups"),
    ],
)
def test_the_tightest_quota_over_the_process_counts(
    tmp_path: Path, files: dict[str, str], memberships: str, expected: float | None
) -> None:
    root = tmp_path / "cgroup"
    own = _tree(root, files, memberships)

    assert cpu_quota(root, own) == expected


def test_no_memberships_file_is_no_quota(tmp_path: Path) -> None:
    assert cpu_quota(tmp_path, tmp_path / "missing") is None


def test_without_a_quota_every_runnable_processor_is_used(tmp_path: Path) -> None:
    own = _tree(tmp_path / "cgroup", {"cpu.max": "max 100000\n"}, "0::/\n")

    assert processors(tmp_path / "cgroup", own) == RUNNABLE


@given(
    quota=st.integers(min_value=1_000, max_value=10_000_000),
    period=st.integers(min_value=1_000, max_value=1_000_000),
)
def test_a_quota_caps_the_processors_rounded_up(quota: int, period: int) -> None:
    """A folder per example: pytest's tmp_path would be shared between them."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "cgroup"
        own = _tree(root, {"cpu.max": f"{quota} {period}\n"}, "0::/\n")

        count = processors(root, own)

    assert count == max(1, min(RUNNABLE, math.ceil(quota / period)))
    assert 1 <= count <= RUNNABLE
