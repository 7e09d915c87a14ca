"""The `junit` report of `verifier check`: JUnit XML for CI test dashboards.

``<testsuites>`` holds one ``<testsuite name=PATH>`` per article and one ``<testcase
classname=PATH name="LINE:COL Speaker: quote start…">`` per checked quote. A quote fails
(``<failure type=VERDICT message=ONE-LINE-MESSAGE>`` with the quote, its differences, the judge's
notes and the source) when its verdict is at or above ``--fail-on`` (``verifier.verify.check.fails``)
and it is not suppressed; a suppressed quote is ``<skipped>`` with the reason; every other quote
is a plain, passing testcase. An article that could not be read is a testsuite with one testcase
holding an ``<error>``. ``tests``, ``failures``, ``errors`` and ``skipped`` add up on every suite
and on ``<testsuites>``.

Built with ``xml.etree.ElementTree``, which escapes text and attribute values; characters that
XML 1.0 forbids (control characters other than tab, LF and CR) are removed first.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from verifier.report.formats.common import clip, display_path, failing, message, source_text, speaker_of, suppressed

_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text) -> str:
    """``text`` without the characters XML 1.0 cannot hold."""
    return _NOT_XML.sub("", str(text))


def render(results, context: dict) -> str:
    fail_on = context.get("fail_on", "misquote")
    root = ET.Element("testsuites", name="verifier")
    for result in results:
        root.append(_error_suite(result) if result.error is not None else _suite(result, fail_on))
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(sum(int(s.get(key)) for s in root)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _suite(result, fail_on: str) -> ET.Element:
    path = xml_text(display_path(result.path))
    suite = ET.Element("testsuite", name=path)
    failures = skipped = 0
    for checked in result.checked:
        q, j = checked.quote, checked.judgement
        name = f"{q.line}:{q.column} {speaker_of(q)}: {clip(q.text, 60)}"
        case = ET.SubElement(suite, "testcase", classname=path, name=xml_text(name))
        reason = suppressed(checked)
        if reason is not None:
            skipped += 1
            ET.SubElement(case, "skipped", message=xml_text(f"{j.verdict}, suppressed: {reason}"))
        elif failing(checked, fail_on):
            failures += 1
            failure = ET.SubElement(case, "failure", type=j.verdict, message=xml_text(message(checked)))
            failure.text = xml_text(_details(checked))
    _counts(suite, tests=len(result.checked), failures=failures, errors=0, skipped=skipped)
    return suite


def _error_suite(result) -> ET.Element:
    path = xml_text(display_path(result.path))
    suite = ET.Element("testsuite", name=path)
    case = ET.SubElement(suite, "testcase", classname=path, name="read the article")
    error = ET.SubElement(case, "error", type="unreadable", message=xml_text(result.error))
    error.text = xml_text(f"{path}: {result.error}")
    _counts(suite, tests=1, failures=0, errors=1, skipped=0)
    return suite


def _counts(suite: ET.Element, **numbers: int) -> None:
    for key, n in numbers.items():
        suite.set(key, str(n))


def _details(checked) -> str:
    q, j = checked.quote, checked.judgement
    lines = [f"{j.verdict} (score {j.score:.2f}) at line {q.line}, column {q.column}",
             f"Speaker: {q.speaker or '(unknown)'}", f"Quote: “{q.text}”"]
    lines += [f"- {d.kind}: {d.note}" for d in j.differences if d.kind != "ignored"]
    lines += [f"- {note}" for note in j.notes]
    source = source_text(checked)
    if source:
        lines.append(source)
    return "\n".join(lines)
