"""Run a command in a child process under a CPU-time limit and report its peak memory.

A test of a size limit must fail by a clear assertion, not by exhausting the machine, and must
measure the memory of the one child it started (``os.wait4``), not of every child the test run
has waited for (``getrusage(RUSAGE_CHILDREN)``).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time


def run_limited(argv: list[str], cpu_seconds: int = 30) -> tuple[int, str, str, int]:
    """Run ``argv`` with at most ``cpu_seconds`` of CPU; return (exit code, stdout, stderr, peak
    resident memory in bytes). A child killed for its CPU time exits with ``-SIGXCPU`` or
    ``-SIGKILL``; one still running after four times its CPU budget of wall time is killed."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen(argv, stdout=out, stderr=err, preexec_fn=limit)
        deadline = time.monotonic() + 4 * cpu_seconds
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                child.kill()
            time.sleep(0.05)
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        # ru_maxrss is in kilobytes on Linux and in bytes on macOS.
        scale = 1 if sys.platform == "darwin" else 1024
        return (
            child.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            usage.ru_maxrss * scale,
        )
