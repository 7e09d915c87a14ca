"""The errors that the command line turns into a one-line message and exit status 2."""
from __future__ import annotations


class VerifierError(Exception):
    """A problem the user can fix: bad input, a missing file, a broken archive.

    ``str(error)`` is the whole one-line message; the CLI prints it after ``verifier: ``.
    """

    def __reduce__(self):
        """Raised again as it was in another process (a worker's, a desk's checker): rebuilt with
        its message and attributes, whatever its own ``__init__`` asks for."""
        return _rebuilt, (type(self), self.args, self.__dict__)


def _rebuilt(cls: type, args: tuple, state: dict) -> VerifierError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class InputError(VerifierError):
    """An input file that cannot be read or understood; the message names the file."""

    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")
