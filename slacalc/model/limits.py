"""The sizes slacalc computes exactly, in one place: the readers refuse what is beyond them and
the engine relies on them (docs/limits.md lists them with their reasons)."""

from __future__ import annotations

MAX_LICENSED_USERS = 100_000_000
"""Licensed users of one tenant. The sweep counts users in 1/10,000 (exact for percents with two
decimals); 10^8 users × 10^4 × the 7,948,800 seconds of a 92-day quarter is 7.9 × 10^18, just
inside a 64-bit integer, so no user-second sum can overflow."""
