"""Run ``slacalc`` in a child process under a CPU limit, and measure its peak memory.

A hostile input must be refused in bounded time and memory, never killed: the tests run the real
command line (``python -m slacalc ...``) in a child with ``RLIMIT_CPU`` set, so a runaway parse
ends in SIGXCPU instead of hanging the suite (``RLIMIT_CPU``, the ``setrlimit`` limit, set on
the child with ``prlimit``), and read the child's own peak resident set size
from ``wait4`` (the rusage of exactly that child, not the largest of all children so far, which
``getrusage(RUSAGE_CHILDREN)`` would give).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: One gigabyte: the most a refusal may take (the interpreter and its libraries take ~0.2 GB).
GIGABYTE = 1024**3


def run_limited(argv: Sequence[str], cpu_seconds: int = 30) -> tuple[int, str, str, int]:
    """``python -m slacalc *argv`` from the project's folder with at most ``cpu_seconds`` of CPU.

    Returns ``(exit_code, stdout, stderr, peak_rss_bytes)``; a child killed by a signal has the
    negative signal number as its exit code (``-signal.SIGXCPU`` when it ran out of CPU).
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "slacalc", *argv],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
        )
        # set from here rather than in a preexec_fn (which forks a threaded process): the child
        # has had microseconds of CPU by now
        resource.prlimit(process.pid, resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        return (
            process.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            usage.ru_maxrss * 1024,  # kilobytes on Linux
        )
