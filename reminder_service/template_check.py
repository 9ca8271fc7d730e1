"""`check`'s rendering of every template for every pair, spread over the machine's processors.

Rendering every kind of email a pair can get takes about 3 ms of CPU a pair, so a program of
100,000 pairs takes minutes on one processor. Worker processes forked from this one share the
program and the compiled templates already in memory (nothing is copied to them), and each
renders runs of consecutive pairs. Their problems are put back together in the program's
order, so the report names the same first pair, and counts the same others, as rendering in
one process would.
"""

from __future__ import annotations

import gc
import multiprocessing
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from datetime import datetime

from reminder_service.compose import Composer, Found, problem_lines
from reminder_service.core.model import Program
from reminder_service.errors import ConfigError

PAIRS_PER_RUN = 250
"""Pairs a worker renders before taking the next run: under a second of work, so the
processors finish together, and few enough runs that handing them out costs nothing."""

_work: tuple[Composer, Program, datetime] | None = None
"""What a worker renders from: set once in each worker as it starts, inherited by fork."""


def processes_for(pairs: int, jobs: int) -> int:
    """How many processes render `pairs` when `jobs` are allowed: one when one is asked
    for, the pairs make a single run, or the system cannot fork."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(jobs, -(-pairs // PAIRS_PER_RUN)))


def template_problems(
    composer: Composer,
    program: Program,
    *,
    now: datetime,
    jobs: int,
    started: Callable[[int], object] | None = None,
) -> list[str]:
    """Every template problem for every pair and the digest, as `Composer.problems` gives
    them, rendered by as many processes as `processes_for` gives: this one alone, or
    workers. `started` is called with that number once they are at work (`check` says so).
    ConfigError if a worker is killed."""
    pairs = len(program.pairs)
    processes = processes_for(pairs, jobs)
    if processes == 1:
        if started is not None:
            started(1)
        return composer.problems(program, now=now)
    runs = [
        range(start, min(start + PAIRS_PER_RUN, pairs)) for start in range(0, pairs, PAIRS_PER_RUN)
    ]
    # Objects made before the fork stay out of the collector's passes in the workers, which
    # would otherwise write to, and so copy, every page holding the program.
    gc.freeze()
    try:
        with ProcessPoolExecutor(
            processes,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_start_worker,
            initargs=(composer, program, now),
        ) as workers:
            try:
                with _ctrl_c_held():
                    rendered = workers.map(_render, runs)
                    if started is not None:
                        started(processes)
                found = list(rendered)
            except BrokenProcessPool as exc:
                raise ConfigError(
                    "A process rendering the templates stopped before it finished (killed, or"
                    " out of memory?); run `reminder-service check --jobs 1` to render them in"
                    " one process."
                ) from exc
            except BaseException:
                workers.shutdown(cancel_futures=True)
                raise
    finally:
        gc.unfreeze()
    return problem_lines(*found, composer.digest_problems(program, now=now))


@contextmanager
def _ctrl_c_held() -> Iterator[None]:
    """Hold back Ctrl-C (SIGINT) while the workers start and the runs are handed out, and
    deliver it after: stopped halfway, the pool could not tell the workers it had started
    to stop, and they would wait for work for ever."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _start_worker(composer: Composer, program: Program, now: datetime) -> None:
    """Keep what to render from; leave Ctrl-C to the parent, which stops the workers."""
    global _work  # noqa: PLW0603 - the worker's own copy, set once as it starts
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _work = (composer, program, now)


def _render(run: range) -> Found:
    assert _work is not None, "a worker renders only after _start_worker"
    composer, program, now = _work
    return composer.pair_problems(program, program.pairs[run.start : run.stop], now=now)
