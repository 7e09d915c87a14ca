"""The five verdicts, their order of severity, which of them fail a run (``--fail-on``), and the
order reports list them in.

Kept apart from the judging so that the command line and the reports can name verdicts without
loading the matcher or the archive.
"""
from __future__ import annotations

VERIFIED, MINOR, MISQUOTE, MISATTRIBUTED, UNVERIFIED = (
    "verified", "minor", "misquote", "misattributed", "unverified")
VERDICTS = (VERIFIED, MINOR, MISQUOTE, MISATTRIBUTED, UNVERIFIED)

# Verdicts by severity: --fail-on LEVEL fails on that verdict and every more severe one.
SEVERITY = {VERIFIED: 0, MINOR: 1, UNVERIFIED: 2, MISQUOTE: 3, MISATTRIBUTED: 4}
FAIL_LEVELS = (*SEVERITY, "never")
# The order reports list quotes in: words the archive shows to be wrong (the most serious first)
# before words it could not find, then the quotes that check out.
REPORT_ORDER = (MISATTRIBUTED, MISQUOTE, MINOR, UNVERIFIED, VERIFIED)


def fails(verdict: str, fail_on: str) -> bool:
    return fail_on != "never" and SEVERITY[verdict] >= SEVERITY[fail_on]
