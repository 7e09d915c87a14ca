"""Quotation marks: find the quoted spans of a text, whatever the quotation-mark style.

Owns the one linear scan over the text that pairs opening and closing marks: “…”, "…", ‘…’,
'…' (told apart from apostrophes), «…», »…«, „…“, ‚…‘, 「…」, 『…』, with nesting, quotes that
run over several paragraphs (an opening mark on each paragraph, the closing one only at the end)
and recovery from an unbalanced mark at the end of its paragraph. It knows nothing of speakers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

DOUBLE, SINGLE, GUILLEMET, CORNER, WHITE_CORNER = "double", "single", "guillemet", "corner", "white-corner"

# Marks that can only open, or only close, and the family they belong to.
OPENERS = {"“": DOUBLE, "„": DOUBLE, "‟": DOUBLE, "«": GUILLEMET, "‹": GUILLEMET,
           "「": CORNER, "『": WHITE_CORNER, "‘": SINGLE, "‚": SINGLE}
CLOSERS = {"”": DOUBLE, "»": GUILLEMET, "›": GUILLEMET, "」": CORNER, "』": WHITE_CORNER, "’": SINGLE}
# Three apostrophes after a word close a single quote, then a double one (…,''' he said): the
# first is the single quote's; before a word the double quote's two come first ('''Sir …).
MARK = re.compile(r"(?<=[^\s'])'(?='')|''|[\"'“”„‟«»‹›「」『』‘’‚]")
# Markup that may sit in plain text (e.g. <tweet id="...">): its quotation marks are not quotes.
TAG = re.compile(r"<[A-Za-z/!][^<>\n]{0,500}>")
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
# Words that start with an apostrophe: 'tis, 'em, '90s, 'n', rock 'n' roll.
ELISIONS = re.compile(r"(?:tis|twas|em|til|till|cause|bout|round|n|s|d|ll|re|ve|m|t|\d+s?)\b", re.I)
MAX_DEPTH = 8  # quotes nested deeper than this are not real quotes; ignoring them keeps the scan linear
OPEN_BEFORE = set(" \t\n([{—–-/:;…\u00a0") | set(OPENERS)
WORD_CHARS = re.compile(r"\w")


@dataclass
class QuotedSpan:
    """The words between one pair of quotation marks (without the marks)."""

    start: int
    end: int
    open_mark: str
    close_mark: str  # "" when the quote was not closed before its paragraph ended
    continues: bool = False  # the quote goes on in the next paragraph
    continued: bool = False  # this piece goes on from the previous paragraph
    depth: int = 0  # 0 for an outermost quote, 1 for a quote within a quote, ...

    @property
    def closed(self) -> bool:
        return bool(self.close_mark)


@dataclass
class _Open:
    pos: int
    mark: str
    family: str


def find_quoted_spans(text: str, *, nested: bool = False, double_apostrophes: bool = False) -> list[QuotedSpan]:
    """All quoted spans in ``text`` in order; only the outermost ones unless ``nested``.

    Two apostrophes ('') stand for a double quotation mark in some archives' ASCII text; they
    are read as one only with ``double_apostrophes`` (otherwise they are no quotation mark).
    """
    masked = _masked_positions(text)
    spans: list[QuotedSpan] = []
    for para_start, para_end in paragraphs(text):
        spans.extend(_scan_paragraph(text, para_start, para_end, masked, double_apostrophes))
    _link_continuations(text, spans)
    spans.sort(key=lambda s: (s.start, s.depth))
    return spans if nested else [s for s in spans if s.depth == 0]


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: blank-line separated, or line by line when no blank lines."""
    breaker = PARAGRAPH_BREAK if "\n\n" in text or re.search(r"\n[ \t]+\n", text) else re.compile(r"\n+")
    out, pos = [], 0
    for m in breaker.finditer(text):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        out.append((pos, len(text)))
    return out


def _masked_positions(text: str) -> set[int]:
    """Positions of quotation marks inside markup tags, which never pair as quotes."""
    if "<" not in text:
        return set()
    masked = set()
    for m in TAG.finditer(text):
        masked.update(i for i in range(m.start(), m.end()) if text[i] in "\"'")
    return masked


def _role(text: str, i: int, stack: list[_Open]) -> tuple[str, str] | None:
    """('open'|'close', family) for the mark at ``i``, or None for an apostrophe or stray mark."""
    ch = text[i]
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if ch in ("\"", "'"):
        return _straight_role(text, i, ch, before, after, stack)
    if ch == "’":
        return _right_single_role(before, after, stack)
    if ch == "‘" and _is_open(stack, SINGLE, "‚"):
        return "close", SINGLE  # ‚German‘ style
    if ch == "‘" and before.isalnum():
        return None  # a mis-typed apostrophe inside a word
    if ch == "‘" and after.isdigit():
        return None  # ‘90s
    if ch == "“" and _is_open(stack, DOUBLE) and before.strip() and not after.isalnum():
        return "close", DOUBLE  # “It's unusual,“ said … — an opening mark typed for a closing one
    if ch in "“‘" and _is_open(stack, DOUBLE if ch == "“" else SINGLE, "„‚"):
        return "close", DOUBLE if ch == "“" else SINGLE  # „German“ and ‚German‘ style
    if ch == "»" and _is_open(stack, GUILLEMET, "»") :
        return "close", GUILLEMET  # »Swedish» style
    if ch == "»" and not _is_open(stack, GUILLEMET) and after.strip() and not before.strip():
        return "open", GUILLEMET  # »Danish/German« style
    if ch == "«" and _is_open(stack, GUILLEMET, "»"):
        return "close", GUILLEMET
    if ch == "”" and not _is_open(stack, DOUBLE) and not before.strip() and after.strip():
        return "open", DOUBLE  # ”Swedish” style, or a mis-typed opening mark
    if ch in OPENERS:
        return "open", OPENERS[ch]
    return "close", CLOSERS[ch]


def _straight_role(text: str, i: int, ch: str, before: str, after: str, stack: list[_Open]):
    family = DOUBLE if ch == "\"" else SINGLE
    open_now = _is_open(stack, family)
    can_open = before in OPEN_BEFORE or i == 0 or (before in "\"'“‘" and after.strip())
    can_close = bool(before.strip()) and (not after.isalnum() or after in "s" and not open_now)
    if family == SINGLE:
        if before.isalnum() and after.isalnum():
            return None  # don't, it's
        if after.isdigit() and ELISIONS.match(text, i + 1):
            return None  # '90s
        if can_open and ELISIONS.match(text, i + 1) and not open_now:
            return None  # '90s, 'em
        if before.isalnum() and not open_now:
            return None  # Jones' (a plural possessive)
    if open_now and can_close:
        return "close", family
    if open_now and family == DOUBLE and before == " " and not after.isalnum() and i >= 2 \
            and text[i - 2] in "'’,.?!":
        return "close", family  # "… 'Oh, this is important,' " he said
    if can_open and after.strip():
        return "open", family
    if open_now and bool(before.strip()):
        return "close", family
    return None


def _right_single_role(before: str, after: str, stack: list[_Open]):
    """’ is mostly an apostrophe; it closes a quote opened with ‘ (or ') when no letter follows."""
    if not _is_open(stack, SINGLE):
        return None
    if after.isalnum() or (before.isalnum() and after == "s"):
        return None
    if not before.strip():
        return None
    return "close", SINGLE


def _is_open(stack: list[_Open], family: str, marks: str = "") -> bool:
    return any(o.family == family and (not marks or o.mark in marks) for o in stack)


def _scan_paragraph(text: str, start: int, end: int, masked: set[int],
                    double_apostrophes: bool) -> list[QuotedSpan]:
    """The paragraph's quoted spans. Without ``double_apostrophes``, '' pairs are still read for
    what they enclose — a quote inside one is a quote within a quote, as ‘…’ inside “…” is — but
    their own spans are not reported. A '' left open at the paragraph's end, or pairing with
    another mark (“a 12'' pipe”), is read as no mark."""
    if double_apostrophes or "''" not in text[start:end]:
        return _scan(text, start, end, masked, double_apostrophes)[0]
    spans, unclosed = _scan(text, start, end, masked, True)
    if any(o.mark == "''" for o in unclosed) or any(s.closed and (s.open_mark == "''") != (s.close_mark == "''")
                                                   for s in spans):
        return _scan(text, start, end, masked, False)[0]   # (“It was a 12'' pipe,” Smith said)
    return [s for s in spans if s.open_mark != "''"]


def _scan(text: str, start: int, end: int, masked: set[int],
          double_apostrophes: bool) -> tuple[list[QuotedSpan], list[_Open]]:
    """The spans of one paragraph, and the marks left open at its end."""
    stack: list[_Open] = []
    spans: list[QuotedSpan] = []
    for m in MARK.finditer(text, start, end):
        i = m.start()
        if i in masked:
            continue
        width = len(m.group())
        if width == 2:
            if not double_apostrophes:
                continue
            role = _straight_role(text, i, "\"", text[i - 1] if i else " ", text[i + 2:i + 3] or " ", stack)
        else:
            role = _role(text, i, stack)
        if role is None:
            continue
        kind, family = role
        if kind == "open":
            if len(stack) < MAX_DEPTH:
                stack.append(_Open(i, m.group(), family))
            continue
        depth = _close_depth(stack, family)
        if depth is None:
            continue  # a closing mark with nothing to close: ignore it
        opened = stack[depth]
        del stack[depth:]
        spans.append(_span(text, opened.pos + len(opened.mark), i, opened.mark, m.group(), depth))
    if stack:
        opened = stack[0]  # unclosed at the end of the paragraph: recover here
        spans.append(_span(text, opened.pos + len(opened.mark), end, opened.mark, "", 0))
    return spans, stack


def _close_depth(stack: list[_Open], family: str) -> int | None:
    for depth in range(len(stack) - 1, -1, -1):
        if stack[depth].family == family:
            return depth
    return None


def _span(text: str, start: int, end: int, open_mark: str, close_mark: str, depth: int) -> QuotedSpan:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return QuotedSpan(start, end, open_mark, close_mark, depth=depth)


def _link_continuations(text: str, spans: list[QuotedSpan]) -> None:
    """Mark an unclosed quote followed by a paragraph opening with a mark of the same family."""
    by_start = {s.start: s for s in spans if s.depth == 0}
    for span in spans:
        if span.closed or span.depth:
            continue
        j = span.end
        while j < len(text) and text[j].isspace():
            j += 1
        if j == span.end or "\n" not in text[span.end:j] or j >= len(text):
            continue
        if _family(text[j]) != _family(span.open_mark):
            continue
        nxt = by_start.get(_skip_space(text, j + 1))
        if nxt is not None:
            span.continues = True
            nxt.continued = True


def _family(mark: str) -> str | None:
    if mark in ("\"", "''"):
        return DOUBLE
    if mark == "'":
        return SINGLE
    return OPENERS.get(mark) or CLOSERS.get(mark)


def _skip_space(text: str, j: int) -> int:
    while j < len(text) and text[j].isspace():
        j += 1
    return j
