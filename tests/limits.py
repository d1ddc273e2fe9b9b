"""Run ``slacalc`` in a child process under a CPU limit, and measure its peak memory.

A hostile input must be refused in bounded time and memory, never killed: the tests run the real
command line (``python -m slacalc``'s module, with the same arguments) in a child with
``RLIMIT_CPU`` set (the ``setrlimit`` limit, applied to the child with ``prlimit``), so a runaway
parse ends in SIGXCPU instead of hanging the suite.

The peak is the child's ``VmHWM`` (high-water resident set of its own address space), written by
the child as it exits. ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` (or ``wait4``'s) would not do:
Linux starts a child's ``ru_maxrss`` at its parent's resident size when it forks, so under a
test runner of 300 MB every child would seem to use at least 300 MB. It is the fallback only for
a child killed before it could write its own figure.
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

# Runs slacalc's __main__ as ``python -m slacalc`` would (or a test's own script with the same
# arguments), and writes VmHWM (kB) at exit.
_CHILD = """
import atexit, runpy, sys

def _peak(path=sys.argv[1]):
    with open("/proc/self/status") as status:
        kb = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(path, "w") as out:
        out.write(kb)

atexit.register(_peak)
script = sys.argv[2]
sys.argv = ["slacalc", *sys.argv[3:]]
if script:
    exec(compile(script, "<test script>", "exec"), {"__name__": "__main__"})
else:
    runpy.run_module("slacalc", run_name="__main__", alter_sys=True)
"""


def run_limited(
    argv: Sequence[str], cpu_seconds: int = 30, *, script: str = ""
) -> tuple[int, str, str, int]:
    """``python -m slacalc *argv`` from the project's folder with at most ``cpu_seconds`` of CPU;
    with ``script``, that Python source instead of slacalc's command line, ``argv`` its arguments.

    Returns ``(exit_code, stdout, stderr, peak_rss_bytes)``; a child killed by a signal has the
    negative signal number as its exit code (``-signal.SIGXCPU`` when it ran out of CPU).
    """
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.TemporaryDirectory() as folder,
    ):
        peak_file = Path(folder) / "peak"
        process = subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(peak_file), script, *argv],
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
        own = peak_file.read_text() if peak_file.exists() else ""
        return (
            process.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            int(own or usage.ru_maxrss) * 1024,  # kilobytes on Linux
        )
