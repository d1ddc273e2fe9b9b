"""The engine: pure computation from validated tables and contracts to results.

``sweep`` turns windows into downtime per period, with ``timeline`` its compiled pass over each
subscription; ``maintenance`` lays the contract's scheduled maintenance on it; ``credits`` picks
tiers and amounts; ``deadlines`` dates the claims;
``calculate`` ties them together into ``results``; ``scenarios`` reruns them with changes.
Imports :mod:`slacalc.model` and :mod:`slacalc.io`; never a front end, streamlit or openpyxl.
"""
