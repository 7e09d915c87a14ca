"""Tests for verifier.article: formats, encodings, the offset map back to the file, bad input."""
from __future__ import annotations

import codecs
import html
import io
import os
import re
import string
import time
import types
from pathlib import Path

import pytest

# hypothesis keeps caches in .hypothesis/ of the working directory: keep the checkout clean
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(__import__("tempfile").gettempdir(),
                                                                  "verifier-hypothesis"))
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import verifier.article.load as article_module
from verifier.article.load import Article, load_article, parse_article
from verifier.errors import InputError

DATA = Path(__file__).parent / "data" / "articles"
ROOT = Path(__file__).resolve().parent.parent
QUOTE_CHARS = "\"'“”‘’«»„"
PUNCTUATION = set(string.punctuation)
ENTITY = re.compile(r"&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]*;?)")


# --------------------------------------------------------------------------- helpers


def offset_of(source: str, line: int, column: int) -> int:
    """Turn a 1-based (line, column) back into an offset in ``source``."""
    starts = _line_starts(source)
    assert 1 <= line <= len(starts)
    end = starts[line] - 1 if line < len(starts) else len(source)
    assert 1 <= column <= end - starts[line - 1] + 1
    return starts[line - 1] + column - 1


_STARTS: dict[int, tuple[str, list[int]]] = {}


def _line_starts(source: str) -> list[int]:
    cached = _STARTS.get(id(source))
    if cached is None or cached[0] is not source:
        cached = _STARTS[id(source)] = (source, [0] + [m.end() for m in re.finditer("\n", source)])
    return cached[1]


def source_of(art: Article) -> str:
    return art.original if art.original is not None else art.text


def char_at_position(art: Article, i: int) -> str:
    """The character that ``art.position(i)`` points at, with entities and escapes decoded."""
    source = source_of(art)
    at = offset_of(source, *art.position(i))
    if source[at] == "&" and art.format != "txt":
        entity = ENTITY.match(source, at)
        if entity:
            return html.unescape(entity.group())[:1] or "&"
    if source[at] == "\\" and art.format == "md" and source[at + 1:at + 2] in PUNCTUATION:
        return source[at + 1]
    return source[at]


def assert_maps_back(art: Article, chars: str | None = None) -> int:
    """Every (chosen) non-blank character of the text points at itself in the original."""
    checked = 0
    for i, ch in enumerate(art.text):
        if ch.isspace() or (chars is not None and ch not in chars):
            continue
        assert char_at_position(art, i) == ch, (i, ch, art.position(i))
        checked += 1
    return checked


def write(tmp_path: Path, name: str, data: bytes | str) -> str:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return str(path)


def reason(excinfo) -> str:
    return excinfo.value.reason


def fake_stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr("sys.stdin", types.SimpleNamespace(buffer=io.BytesIO(data)))


# --------------------------------------------------------------------------- plain text

ARTICLE = "The mayor said “we will not resign” at the café 😀 today.\n\nIn a second paragraph, ‘Renée’ replied: \"No.\"\n"


def test_plain_text_is_exactly_read_text(tmp_path):
    path = write(tmp_path, "story.txt", ARTICLE)
    art = load_article(path)
    assert art.format == "txt"
    assert art.text == Path(path).read_text(encoding="utf-8")
    assert art.original is None and art.title is None and art.date is None
    assert art.anchors == []


def test_plain_text_positions_after_multibyte_characters(tmp_path):
    art = load_article(write(tmp_path, "story.txt", ARTICLE))
    assert art.position(0) == (1, 1)
    assert art.position(art.text.index("“")) == (1, 16)
    after_emoji = art.text.index("today")
    assert art.position(after_emoji) == (1, after_emoji + 1)  # columns count code points
    second = art.text.index("In a second")
    assert art.position(second) == (3, 1)
    assert art.position(art.text.index("‘Renée")) == (3, 24)
    assert assert_maps_back(art, QUOTE_CHARS) == 6


def test_crlf_and_lone_cr_become_newlines(tmp_path):
    raw = "First “line”\r\nSecond line\rThird ‘line’\r\n"
    path = write(tmp_path, "crlf.txt", raw)
    art = load_article(path)
    assert art.text == "First “line”\nSecond line\nThird ‘line’\n"
    assert art.text == Path(path).read_text(encoding="utf-8")
    assert art.position(art.text.index("‘")) == (3, 7)
    assert assert_maps_back(art) == len(art.text.replace(" ", "").replace("\n", ""))


def test_txt_extension_is_not_sniffed(tmp_path):
    art = load_article(write(tmp_path, "notes.txt", "<p>Not parsed as HTML</p>"))
    assert art.format == "txt" and art.text == "<p>Not parsed as HTML</p>"


# --------------------------------------------------------------------------- encodings

ENCODED = "The minister said “we will not resign” at the café.\nSecond line: ‘Zoë’.\n"


@pytest.mark.parametrize(
    "bom, codec, read_as",
    [
        (b"", "utf-8", "utf-8"),
        (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
        (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    ],
)
def test_unicode_encodings_with_and_without_bom(tmp_path, bom, codec, read_as):
    path = write(tmp_path, "story.txt", bom + ENCODED.replace("\n", "\r\n").encode(codec))
    art = load_article(path)
    assert art.text == ENCODED
    assert art.text == Path(path).read_text(encoding=read_as)
    assert not art.text.startswith("\ufeff")
    assert art.position(art.text.index("“")) == (1, 19)
    assert art.position(art.text.index("‘")) == (2, 14)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_detected(tmp_path, codec):
    art = load_article(write(tmp_path, "story.txt", ENCODED.encode(codec)))
    assert art.text == ENCODED


def test_cp1252_curly_quotes_and_accent(tmp_path):
    data = ENCODED.encode("cp1252")
    assert b"\x93" in data and b"\x94" in data and b"\xe9" in data
    path = write(tmp_path, "story.txt", data)
    art = load_article(path)
    assert art.text == ENCODED == Path(path).read_text(encoding="cp1252")
    assert "“we will not resign”" in art.text and "café" in art.text


def test_short_cp1252_german_prefers_cp1252(tmp_path):
    text = "Der Bürgermeister sagte: „Wir geben nicht auf.“ Straße"
    art = load_article(write(tmp_path, "de.txt", text.encode("cp1252")))
    assert art.text == text


def test_latin1_french(tmp_path):
    text = "Le président a déclaré : « nous ne céderons pas », à l'été.\n"
    art = load_article(write(tmp_path, "fr.txt", text.encode("latin-1")))
    assert art.text == text
    assert assert_maps_back(art, "«»'") == 3


def test_other_legacy_code_pages_are_not_forced_to_cp1252(tmp_path):
    polish = "Minister powiedział, że nie ustąpi. Żółć gęślą jaźń."
    russian = "Министр сказал, что мы не уйдём в отставку. Это важно для всех."
    assert load_article(write(tmp_path, "pl.txt", polish.encode("cp1250"))).text == polish
    assert load_article(write(tmp_path, "ru.txt", russian.encode("cp1251"))).text == russian


def test_markdown_and_html_in_utf16(tmp_path):
    md = load_article(write(tmp_path, "a.md", codecs.BOM_UTF16_LE + "# T\n\n“Hi” *there*\n".encode("utf-16-le")))
    assert md.text == "T\n\n“Hi” there"
    page = load_article(write(tmp_path, "a.html", "<p>&ldquo;Hi&rdquo; caf\u00e9</p>".encode("utf-16")))
    assert page.text == "“Hi” café"
    assert assert_maps_back(page) == 8


# --------------------------------------------------------------------------- Markdown


@pytest.fixture
def md_article():
    return load_article(str(DATA / "council.md"))


def test_markdown_front_matter(md_article):
    assert md_article.format == "md"
    assert md_article.title == "Council rejects the harbour plan"
    assert md_article.date == "2024-03-05"
    assert "Jane Doe" not in md_article.text and "harbour]" not in md_article.text
    assert md_article.original == (DATA / "council.md").read_text(encoding="utf-8")


def test_markdown_text_is_stripped_of_markup(md_article):
    text = md_article.text
    assert text.startswith("Council rejects the harbour plan\n\nThe mayor, Renée Dubois, said:")
    assert "the\nvote was “a disgrace” & left the chamber. A *literal* asterisk stays." in text
    assert "Her deputy told the Gazette that ‘nothing’ was agreed 🙂 — then “walked out”." in text
    assert "“This is a café society,” said one councillor.\n“We’ll fight on,” said another." in text
    assert "Item with inline code and “quoted” words\n\nSecond item" in text
    assert "Dubois\n\n“No”" in text
    assert "Caption text after the image." in text
    assert "Final paragraph with a line break\nafter two trailing spaces and “the end.”" in text
    for gone in ("**", "https://", "said later", "print(", "editor's note", "harbour.jpg", "> ", "|", "#"):
        assert gone not in text, gone


def test_markdown_positions_point_into_the_file(md_article):
    art, source = md_article, md_article.original
    first = art.text.index("“We will")
    line, column = art.position(first)
    assert source.split("\n")[line - 1][column - 1:].startswith("“We will not back down.”")
    assert art.position(art.text.index("Council rejects")) == (8, 3)  # after front matter, "# "
    assert art.position(art.text.index("rejects")) == (8, 12)  # after the '*' marker
    second = art.text.index("“a disgrace”")
    assert art.position(second) == (11, 12)  # inside '**', on the paragraph's second line
    quote_line = source.split("\n").index("> “We’ll fight on,” said another.") + 1
    assert art.position(art.text.index("“We’ll")) == (quote_line, 3)
    assert assert_maps_back(art, QUOTE_CHARS) == 19
    assert assert_maps_back(art) > 400  # every visible character, not just the quotes


def test_markdown_escapes_and_entities_map_to_their_start(md_article):
    art, source = md_article, md_article.original
    amp = offset_of(source, *art.position(art.text.index("& left")))
    assert source.startswith("&amp;", amp)
    star = offset_of(source, *art.position(art.text.index("*literal")))
    assert source.startswith("\\*literal", star)
    after = offset_of(source, *art.position(art.text.index(" left the")))
    assert source.startswith(" left the", after)


def test_markdown_emoji_and_link_positions(md_article):
    art, source = md_article, md_article.original
    after_emoji = art.text.index("— then")
    at = offset_of(source, *art.position(after_emoji))
    assert source.startswith("— then “walked out”", at)
    after_link = offset_of(source, *art.position(art.text.index(" that ‘nothing’")))
    assert source.startswith(" that ‘nothing’", after_link)


def test_markdown_without_front_matter_uses_first_heading(tmp_path):
    art = load_article(write(tmp_path, "a.markdown", "Intro line\n\n# Big *News*\n\nBody “text”.\n"))
    assert art.format == "md" and art.title == "Big News" and art.date is None
    assert art.text == "Intro line\n\nBig News\n\nBody “text”."


def test_markdown_leading_rule_is_not_front_matter(tmp_path):
    art = load_article(write(tmp_path, "a.mdown", "---\nJust a heading\n---\n\n“Quote” here.\n"))
    assert art.title is None  # a rule and a level-2 setext heading, not YAML
    assert art.text == "Just a heading\n\n“Quote” here."
    assert assert_maps_back(art) == len("Justaheading“Quote”here.")


def test_markdown_front_matter_date_formats(tmp_path):
    art = load_article(write(tmp_path, "a.md", "---\ntitle: Hello\ndate: 2024-03-05T10:20:00Z\n---\nText.\n"))
    assert (art.title, art.date, art.text) == ("Hello", "2024-03-05", "Text.")
    art = load_article(write(tmp_path, "b.md", "---\ndate: March 5, 2024\n---\nText.\n"))
    assert art.date == "2024-03-05" and art.title is None
    art = load_article(write(tmp_path, "c.md", "---\ndate: not a date\n---\nText.\n"))
    assert art.date is None and art.text == "Text."


def test_markdown_html_blocks_and_inline_html(tmp_path):
    src = "<div>\nblock html dropped\n</div>\n\nText with <span class=\"x\">inline</span> “html”.\n"
    art = load_article(write(tmp_path, "a.md", src))
    assert art.text == "Text with inline “html”."
    assert assert_maps_back(art) == len("Textwithinline“html”.")


def test_markdown_format_forced_on_a_txt_file(tmp_path):
    art = load_article(write(tmp_path, "a.txt", "Some **bold** “words”\n"), fmt="md")
    assert art.format == "md" and art.text == "Some bold “words”"
    assert assert_maps_back(art) == len("Somebold“words”")


# --------------------------------------------------------------------------- HTML


@pytest.fixture
def html_article():
    return load_article(str(DATA / "council.html"))


def test_html_metadata(html_article):
    assert html_article.format == "html"
    assert html_article.title == "Council rejects the harbour plan"
    assert html_article.date == "2024-03-05"


def test_html_article_text_and_chrome_removed(html_article):
    text = html_article.text
    assert text.startswith("Council rejects the harbour plan\n\nThe mayor, Renée Dubois, said:")
    assert "said: “We won’t back down.” She called the vote “a disgrace” & left." in text
    assert "Her deputy said ‘nothing’ was agreed 🙂 and “walked out”.\nA new line after a break." in text
    assert "\n\n“This is a café society,” said one councillor.\n\n" in text
    assert "The harbour at dawn." in text
    assert text.endswith("First point\n\nSecond “point”")
    for chrome in ("Home", "navigation", "cookies", "Share", "Related", "Subscribe",
                   "Copyright", "not article text", "display", "datePublished"):
        assert chrome not in text, chrome


def test_html_positions_point_into_the_file(html_article):
    art, source = html_article, html_article.original
    assert source == (DATA / "council.html").read_text(encoding="utf-8")
    line_of = {text: n for n, text in enumerate(source.split("\n"), 1)}
    mayor = art.text.index("The mayor")
    assert art.position(mayor) == (line_of["      <p>The mayor, Renée Dubois, said: &ldquo;We won&rsquo;t back down.&rdquo;"], 10)
    apostrophe = art.text.index("’t back")
    at = offset_of(source, *art.position(apostrophe))
    assert source.startswith("&rsquo;t back", at)
    disgrace = art.text.index("“a disgrace”")
    assert source.startswith("“a disgrace”", offset_of(source, *art.position(disgrace)))
    amp = art.text.index("& left")
    assert source.startswith("&amp; left", offset_of(source, *art.position(amp)))
    walked = art.text.index("“walked out”")
    assert source.startswith("&#8220;walked out&#8221;", offset_of(source, *art.position(walked)))
    after_emoji = art.text.index("and “walked")
    assert source.startswith("and &#8220;", offset_of(source, *art.position(after_emoji)))
    café = art.text.index("café society")
    line, column = art.position(café)
    assert source.split("\n")[line - 1][column - 1:].startswith("café society")
    assert assert_maps_back(art, QUOTE_CHARS) == 13
    assert assert_maps_back(art) > 250


def test_html_whitespace_collapsed_and_breaks(tmp_path):
    src = "<body><p>  one\n\t two   <b>three</b>\n</p><div>direct <span>div</span> text<p>inner</p>tail</div>" \
          "<pre>  keep   this\nas is</pre><table><tr><td>cell 1</td><td>cell 2</td></tr></table></body>"
    art = load_article(write(tmp_path, "a.htm", src))
    assert art.text == "one two three\n\ndirect div text\n\ninner\n\ntail\n\nkeep   this\nas is\n\ncell 1\n\ncell 2"
    assert assert_maps_back(art) == len(art.text.replace(" ", "").replace("\n", ""))
    assert art.position(art.text.index("two")) == (2, 3)


def test_html_root_preference(tmp_path):
    main = "<body><div>outside</div><main><p>in main</p></main></body>"
    assert load_article(write(tmp_path, "a.html", main)).text == "in main"
    role = "<body><p>outside</p><div role=\"main\"><p>in role main</p></div></body>"
    assert load_article(write(tmp_path, "b.html", role)).text == "in role main"
    body = "<html><head><title>T</title></head><body><p>in body</p></body></html>"
    assert load_article(write(tmp_path, "c.html", body)).text == "in body"
    fragment = "<title>Only a title</title><p>just a fragment</p>"
    art = load_article(write(tmp_path, "d.html", fragment))
    assert art.text == "just a fragment" and art.title == "Only a title"
    cards = "<body><article><p>short teaser</p></article><article><p>the long main story text</p></article></body>"
    assert load_article(write(tmp_path, "e.html", cards)).text == "the long main story text"


@pytest.mark.parametrize(
    "head, expected",
    [
        ('<meta name="date" content="2024-02-03">', "2024-02-03"),
        ('<meta name="pubdate" content="20240203">', "2024-02-03"),
        ('<meta name="DC.date" content="2024/2/3">', "2024-02-03"),
        ('<meta property="article:published_time" content="5 March 2024">', "2024-03-05"),
        ('<script type="application/ld+json">not json</script>', "2024-01-09"),
        ("", "2024-01-09"),
    ],
)
def test_html_dates(tmp_path, head, expected):
    src = f"<html><head>{head}</head><body><article><p>Text <time datetime=\"2024-01-09T08:00\">Jan 9</time></p></article></body></html>"
    assert load_article(write(tmp_path, "a.html", src)).date == expected


def test_html_date_from_json_ld_and_only_inside_the_article(tmp_path):
    ld = '<script type="application/ld+json">{"@graph": [{"@type": "WebPage"}, {"datePublished": "2024-02-03T10:00:00Z"}]}</script>'
    src = f"<head>{ld}</head><body><time datetime=\"1999-01-01\">old</time><article><p>Text</p></article></body>"
    assert load_article(write(tmp_path, "a.html", src)).date == "2024-02-03"
    bad = "<body><article><time datetime=\"soon\">x</time><p>Text</p></article></body>"
    assert load_article(write(tmp_path, "b.html", bad)).date is None


def test_html_title_fallbacks(tmp_path):
    with_title = "<title>  Plain &amp; simple </title><h1>Heading</h1><p>x</p>"
    assert load_article(write(tmp_path, "a.html", with_title)).title == "Plain & simple"
    only_h1 = "<body><h1>The <em>heading</em></h1><p>x</p></body>"
    art = load_article(write(tmp_path, "b.html", only_h1))
    assert art.title == "The heading" and art.date is None


def test_html_malformed_still_gives_text(tmp_path):
    src = "<html><body><p>Unclosed <b>bold <i>italic<p>Next “para” </div></span> & more < 3 <a href='x>broken</body"
    art = load_article(write(tmp_path, "a.html", src))
    assert art.text.startswith("Unclosed bold italic\n\nNext “para” & more < 3")
    assert assert_maps_back(art, QUOTE_CHARS + "&<") == 4


def test_html_references_without_semicolons(tmp_path):
    src = "<p>AT&T &copy 2024 &#8217;s &notanentity; &madeup; &#x201C;x&#x201D;</p>"
    art = load_article(write(tmp_path, "a.html", src))
    assert art.text == "AT&T © 2024 ’s ¬anentity; &madeup; “x”"  # as browsers read it
    assert assert_maps_back(art) == len(art.text.replace(" ", ""))


def test_html_unclosed_head_and_hidden_parts(tmp_path):
    src = "<html><head><title>T</title><p>No body tag, “quote”</p><p hidden>secret</p>" \
          "<div aria-hidden=\"true\">icon</div><div role=\"navigation\">menu links</div></html>"
    art = load_article(write(tmp_path, "a.html", src))
    assert art.text == "No body tag, “quote”" and art.title == "T"


def test_html_labelled_wrapper_is_not_chrome(tmp_path):
    # WordPress-style classes on the article itself mention "social" and "comments".
    src = "<body><article class=\"post tag-social-media comments-open\"><p>The long story text, " \
          "“with a quote” in it.</p><div class=\"share\">Share this</div></article></body>"
    assert load_article(write(tmp_path, "a.html", src)).text == "The long story text, “with a quote” in it."


def test_html_chrome_filter_never_empties_the_page(tmp_path):
    src = "<body><div class=\"main-menu-wrapper\"><p>The whole story sits in a menu-classed div.</p></div></body>"
    assert load_article(write(tmp_path, "a.html", src)).text == "The whole story sits in a menu-classed div."


HOSTILE_HTML = {
    "deep nesting": lambda: "<div>" * 100_000 + "deep" + "</div>" * 100_000,
    "unclosed nesting": lambda: "<p>" + "<span>" * 100_000 + "deep" + "</b>" * 100_000,
    "huge attribute": lambda: '<p title="' + "a" * 3_000_000 + '">deep</p>',
    "unterminated attribute": lambda: '<p>deep</p><p title="' + "a" * 3_000_000,
    "unterminated tags": lambda: "<p>deep" + "<a" * 500_000,
    "comment openers": lambda: "<p>deep" + "<!--x>" * 200_000,  # quadratic in html.parser
    "end tag openers": lambda: "<p>deep" + "</" * 500_000,
    "deep JSON-LD": lambda: '<script type="application/ld+json">' + "[" * 200_000 + "</script><p>deep",
}


@pytest.mark.parametrize("name", list(HOSTILE_HTML))
def test_hostile_html_is_fast_and_safe(tmp_path, name):
    path = write(tmp_path, "hostile.html", HOSTILE_HTML[name]())
    started = time.monotonic()
    art = load_article(path)
    assert art.text.startswith("deep")
    assert time.monotonic() - started < 10, name


def test_nested_blockquotes_keep_their_text(tmp_path):
    art = load_article(write(tmp_path, "a.md", "> " * 30 + "deep “q”\n"))
    assert art.text == "deep “q”" and art.position(0) == (1, 61)


def test_hostile_markdown_is_safe(tmp_path):
    started = time.monotonic()
    src = "> " * 50_000 + "too deep\n\n" + "[" * 50_000 + "x\n\n" + "*" * 50_000 + "y" + "*" * 50_000 + "\n"
    art = load_article(write(tmp_path, "a.md", src))
    assert art.text == "[" * 50_000 + "x\n\ny"  # too-deep quotes are dropped, not recursed into
    assert art.position(len(art.text) - 1) == (5, 50_001)
    assert time.monotonic() - started < 20


# --------------------------------------------------------------------------- format detection, stdin


def test_stdin_plain_text(monkeypatch):
    fake_stdin(monkeypatch, ARTICLE.replace("\n", "\r\n").encode("utf-8"))
    art = load_article("-")
    assert art.path == "-" and art.format == "txt" and art.text == ARTICLE


@pytest.mark.parametrize(
    "src",
    ["<!DOCTYPE html><html><body><p>Sniffed “html”</p></body></html>",
     "\ufeff  \n<html><p>Sniffed “html”</p></html>",
     "<div class=x></div>\n<p>Sniffed “html”</p>"],
)
def test_stdin_html_is_sniffed(monkeypatch, src):
    fake_stdin(monkeypatch, src.encode("utf-8"))
    art = load_article("-")
    assert art.format == "html" and art.text == "Sniffed “html”"
    assert assert_maps_back(art) == len("Sniffed“html”")


def test_unknown_extension_is_sniffed(tmp_path):
    assert load_article(write(tmp_path, "page.php", "<body><p>hi</p></body>")).format == "html"
    assert load_article(write(tmp_path, "notes", "just words < 3")).format == "txt"


def test_explicit_format_wins(tmp_path):
    path = write(tmp_path, "page.html", "<p>*kept as is*</p>")
    assert load_article(path, fmt="txt").text == "<p>*kept as is*</p>"
    assert load_article(path, fmt="markdown").format == "md"
    with pytest.raises(InputError) as excinfo:
        load_article(path, fmt="pdf")
    assert "unknown format" in reason(excinfo)


def test_parse_article_works_on_bytes():
    art = parse_article("# Title\n\n“Quote”\n".encode("utf-8"), "upload.md")
    assert (art.path, art.format, art.title, art.text) == ("upload.md", "md", "Title", "Title\n\n“Quote”")
    assert parse_article(b"plain words", "-").text == "plain words"


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n  ", codecs.BOM_UTF8, codecs.BOM_UTF16_LE + " \n".encode("utf-16-le")])
def test_empty_files(tmp_path, data):
    with pytest.raises(InputError) as excinfo:
        load_article(write(tmp_path, "empty.txt", data))
    assert reason(excinfo) == "empty file"


def test_empty_stdin(monkeypatch):
    fake_stdin(monkeypatch, b"")
    with pytest.raises(InputError) as excinfo:
        load_article("-")
    assert str(excinfo.value) == "-: empty file"


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + b"\x00" * 64,
        bytes((i * 7919 + 13) % 255 + 1 for i in range(2000)),
        b"text with a stray NUL\x00 in the middle",
        codecs.BOM_UTF16_LE + "nul \x00 inside".encode("utf-16-le"),
    ],
)
def test_binary_files(tmp_path, data):
    with pytest.raises(InputError) as excinfo:
        load_article(write(tmp_path, "image.md", data))
    assert reason(excinfo) == "binary file, not text"


@pytest.mark.parametrize(
    "data, expected",
    [
        (codecs.BOM_UTF8 + b"caf\xc3\xa9 \xff\xfe broken", "invalid UTF-8 text at byte 6"),
        (codecs.BOM_UTF16_LE + "odd".encode("utf-16-le") + b"x", "invalid UTF-16 text at byte 6"),
        (codecs.BOM_UTF16_LE + b"\x00\xd8a\x00", "invalid UTF-16 text at byte 0"),
    ],
)
def test_invalid_bytes(tmp_path, data, expected):
    with pytest.raises(InputError) as excinfo:
        load_article(write(tmp_path, "bad.txt", data))
    assert reason(excinfo) == expected


def test_oversize_file_is_refused_before_reading(tmp_path, monkeypatch):
    path = write(tmp_path, "big.txt", "x" * 2000)
    monkeypatch.setenv("VERIFIER_MAX_ARTICLE_BYTES", "1000")

    def no_open(*args, **kwargs):
        raise AssertionError("the file should not be opened")

    monkeypatch.setattr(article_module, "open", no_open, raising=False)
    with pytest.raises(InputError) as excinfo:
        load_article(path)
    assert reason(excinfo) == "too large (2 kB; the limit is 1 kB)"


def test_oversize_message_in_megabytes(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:
        fh.truncate(52_400_000)  # sparse: costs no disk
    with pytest.raises(InputError) as excinfo:
        load_article(str(path))
    assert reason(excinfo) == "too large (52.4 MB; the limit is 10 MB)"


def test_oversize_stdin_and_bytes(monkeypatch):
    monkeypatch.setenv("VERIFIER_MAX_ARTICLE_BYTES", "100")
    fake_stdin(monkeypatch, b"y" * 5000)
    with pytest.raises(InputError) as excinfo:
        load_article("-")
    assert reason(excinfo) == "too large (over the 100 bytes limit)"
    assert sys_stdin_position() <= 101  # a bounded read, not the whole stream
    with pytest.raises(InputError) as excinfo:
        parse_article(b"z" * 101, "upload.txt")
    assert reason(excinfo) == "too large (101 bytes; the limit is 100 bytes)"
    assert parse_article(b"z" * 100, "upload.txt").text == "z" * 100


def sys_stdin_position() -> int:
    import sys

    return sys.stdin.buffer.tell()


def test_bad_size_setting_falls_back_to_default(monkeypatch):
    monkeypatch.setenv("VERIFIER_MAX_ARTICLE_BYTES", "lots")
    assert article_module.max_article_bytes() == 10_000_000
    monkeypatch.setenv("VERIFIER_MAX_ARTICLE_BYTES", "0")
    assert article_module.max_article_bytes() == 10_000_000


def test_missing_file(tmp_path):
    with pytest.raises(InputError) as excinfo:
        load_article(str(tmp_path / "nope.md"))
    assert reason(excinfo) == "no such file"
    assert str(excinfo.value) == f"{tmp_path / 'nope.md'}: no such file"
    with pytest.raises(InputError) as excinfo:
        load_article(str(tmp_path / "nope" / "deeper.md"))
    assert reason(excinfo) == "no such file"


def test_directory(tmp_path):
    with pytest.raises(InputError) as excinfo:
        load_article(str(tmp_path))
    assert reason(excinfo) == "is a directory"


def test_permission_denied(tmp_path, monkeypatch):
    path = write(tmp_path, "secret.txt", "hidden")
    if os.geteuid() != 0:  # a real unreadable file where the OS enforces it
        os.chmod(path, 0)
        with pytest.raises(InputError) as excinfo:
            load_article(path)
        assert reason(excinfo) == "permission denied"
        os.chmod(path, 0o600)

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(article_module, "open_regular", denied)
    with pytest.raises(InputError) as excinfo:
        load_article(path)
    assert reason(excinfo) == "permission denied"


def test_invalid_path():
    with pytest.raises(InputError) as excinfo:
        load_article("bad\x00name.txt")
    assert reason(excinfo) == "invalid path"


def test_position_clamps_past_the_end(tmp_path):
    art = load_article(write(tmp_path, "a.txt", "ab\ncd"))
    assert art.position(len(art.text)) == (2, 3)
    assert art.position(10_000) == (2, 3)


# --------------------------------------------------------------------------- HTML through beautifulsoup4 (#16)

HTML_PIECES = ["<p>", "</p>", "<b>", "</b>", "<br>", "&amp;", "&ldquo;", "&#8220;", "&copy", "&notit;", "<!-- c -->",
               "<!-- verifier: ignore -->", "<script>x<y</script>", "<style>p{}</style>", '<span class="a b">',
               "</span>", "“", "”", "Voss", " ", "\n", "<div>", "</div>", "&", "<", ">", "\t", "é", "&nbsp;",
               "<pre>", "</pre>", "</i>", "<a href='x>y'>", "</a>", "<nav>", "</nav>", "<article>", "</article>",
               "&#x201D;", "<title>T</title>", "<table><tr><td>", "</td></tr></table>", "<li>",
               "<img src=x alt='a>b'>", "\x0c", "AT&T", "<!DOCTYPE html>", "<!x>", "<?pi?>", "&#0;", "&lt;",
               "<textarea>a&amp;b</textarea>", "<![CDATA[x]]>", "<P>", "<SCRIPT>a</SCRIPT>", "<q>", "</q>",
               '<a title="x &amp; y">', "&#65", "&AMP;", "&amp", "<br/>", "<ul><li>a<li>b</ul>"]


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
@given(st.lists(st.sampled_from(HTML_PIECES) | st.text(max_size=4), max_size=60).map("".join))
def test_every_character_of_html_text_maps_back_to_itself(src):
    """Whatever the markup, the parser's text is found in the file: each character at its place
    (a reference's character at its ``&``)."""
    try:
        art = parse_article(src.encode("utf-8"), "a.html", "html")
    except InputError:
        return
    assert_maps_back(art)


def test_html_is_read_by_beautifulsoup_on_lxml(monkeypatch):
    """No HTML parser of our own: the page goes through beautifulsoup4 with the lxml parser."""
    import bs4

    from bs4.builder import LXMLTreeBuilder

    seen = []
    real = bs4.BeautifulSoup

    def spy(markup, *args, **kwargs):
        seen.append(kwargs.get("builder"))
        return real(markup, *args, **kwargs)

    monkeypatch.setattr(bs4, "BeautifulSoup", spy)
    art = parse_article(b"<p>Read by &ldquo;the library&rdquo;.</p>", "a.html")
    assert art.text == "Read by “the library”." and len(seen) == 1 and isinstance(seen[0], LXMLTreeBuilder)
    modules = {p.stem for p in (ROOT / "verifier" / "article").glob("*.py")}
    assert "html" in modules and all("html.parser" not in p.read_text(encoding="utf-8")
                                     for p in (ROOT / "verifier").rglob("*.py"))


def test_a_page_nested_too_deeply_is_read_as_its_text(tmp_path):
    src = "<p>Before, “a quote” &amp; more.</p>" + "<span>" * 5_000 + "deep &ldquo;words&rdquo;" + "</b>" * 5_000
    art = load_article(write(tmp_path, "deep.html", src))
    assert art.text == "Before, “a quote” & more. deep “words”"
    assert assert_maps_back(art) == len(art.text.replace(" ", ""))


def test_fetched_pages_meta_and_json_ld_come_from_the_same_reader():
    from verifier.article.html import page_facts

    metas, ld = page_facts('<head><meta name="Author" content=" Mara   Voss "><meta property="og:site_name" '
                           'content="Ministry"><script type="application/ld+json">{"a": 1}</script></head>')
    assert metas == {"author": "Mara Voss", "og:site_name": "Ministry"} and ld == ['{"a": 1}']
