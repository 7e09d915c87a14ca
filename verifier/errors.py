"""The errors that the command line turns into a one-line message and exit status 2."""
from __future__ import annotations


class VerifierError(Exception):
    """A problem the user can fix: bad input, a missing file, a broken archive.

    ``str(error)`` is the whole one-line message; the CLI prints it after ``verifier: ``.
    """


class InputError(VerifierError):
    """An input file that cannot be read or understood; the message names the file."""

    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")

    def __reduce__(self):   # raised again as it was in another process (a desk's checker)
        return type(self), (self.path, self.reason)
