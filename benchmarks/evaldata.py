"""Where the evaluation data of the project workspace is, for the benchmarks.

The PolNeAR texts and the real transcripts live beside the project (``../shared/data``), not in
it; a fresh clone may sit elsewhere. ``shared_data(name)`` looks in ``$VERIFIER_SHARED_DATA``,
then in ``shared/data`` in the working directory, beside the project, and in each of their parents.
"""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def shared_data(name: str) -> Path | None:
    """The folder ``name`` (e.g. "polnear-train/text") of the shared data, or None."""
    roots = [Path(os.environ["VERIFIER_SHARED_DATA"])] if os.environ.get("VERIFIER_SHARED_DATA") else []
    for start in (Path.cwd().resolve(), ROOT):
        roots += [parent / "shared" / "data" for parent in (start, *start.parents)]
    return next((root / name for root in roots if (root / name).is_dir()), None)
