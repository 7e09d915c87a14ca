"""Stage 2, the quotes: find every quotation in an article's text and who it is attributed to.

Takes an article's text; hands on ``Quote`` objects (the words, their offsets, the speaker, the
cue, the speaker's mention). ``quotemarks`` pairs quotation marks, ``sentences`` splits and
tokenises, ``people`` finds names, ``phrases`` finds where a subject phrase starts and ends,
``attribution`` holds the cue rules, ``entities`` is the article's table of people and bodies,
``resolve`` ranks them for a pronoun or description, ``lexicon`` the word lists, ``speakers``
tells whether two names are one person, ``listing`` is the output of `verifier quotes`. Imports only the article stage.
"""
from __future__ import annotations

from verifier.lazy import exports

PUBLIC = {
    "extract_quotes": "extract",
    "Quote": "extract",
    "STATEMENT": "extract",
    "SpeakerMatcher": "speakers",
}
__all__ = list(PUBLIC)
__getattr__, __dir__ = exports(__name__, PUBLIC)
