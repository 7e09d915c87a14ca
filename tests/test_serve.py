"""`verifier serve`: the copy desk's pages and JSON API, through Starlette's TestClient (no network:
the fetcher is a mock transport, and private addresses are refused before any connection)."""
from __future__ import annotations

import io
import json
import re
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import warnings

import httpx
import pytest

with warnings.catch_warnings():  # Starlette 1.x prefers httpx2 for its TestClient; httpx still works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from verifier.archive.store import Archive
from verifier.article.load import parse_article
from verifier.verify.check import ArticleResult, check_article
from verifier.errors import VerifierError
from verifier.archive.fetch.client import FetchConfig, Fetcher, Guard
from verifier.archive.reviews import article_hash
from verifier.web import create_app
from verifier.web.security import NAME_COOKIE, SESSION_COOKIE, host_name, is_loopback

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

FIXTURES = Path(__file__).parent.parent / "fixtures"
BASE = "http://127.0.0.1:8000"
TOKEN = "s3cret-token-for-the-desk"
STORY = """\
The minister defended her plan on Wednesday.

“We are choosing between cheap power and clean power,” Mara Voss said.

“If the turbines are late, we will buy power from our neighbours for a winter or two,” said Ruben Achterberg.

“[The city] did not take our nerve,” Ilse Kartano said.
"""
STATEMENT_PAGE = b"""<!DOCTYPE html><html><head><title>Harbour statement</title>
<meta name="author" content="Orla Venn"></head><body><article><h1>Harbour statement</h1>
<p>We will reopen the north quay on the first of May, and not one ship will be turned away.</p>
</article></body></html>"""


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("VERIFIER_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("VERIFIER_TOKEN", raising=False)


@pytest.fixture
def db(tmp_path) -> str:
    path = str(tmp_path / "desk.db")
    with Archive.open(path, create=True) as archive:
        _, errors = archive.add_paths([str(FIXTURES / "archive")])
        assert not errors
    return path


def _mock_fetcher():
    """A Fetcher whose 'network' is a mock transport; news.example resolves to a public address."""
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "news.example" and request.url.path == "/statement":
            return httpx.Response(200, content=STATEMENT_PAGE, headers={"content-type": "text/html; charset=utf-8"})
        if request.url.host == "news.example" and request.url.path == "/story.md":
            return httpx.Response(200, content=STORY.encode(), headers={"content-type": "text/markdown"})
        return httpx.Response(404, content=b"not here", headers={"content-type": "text/plain"})

    def resolver(host, port, type=0):  # noqa: A002 - the getaddrinfo signature
        return [(2, 1, 6, "", ("93.184.216.34", port))]

    config = FetchConfig(cache_dir=None, interval=0.0, retries=0, timeout=5.0)
    return Fetcher(config, guard=Guard(resolver=resolver), transport=httpx.MockTransport(handler))


@pytest.fixture
def app(db):
    return create_app(db, fetcher_factory=_mock_fetcher)


@pytest.fixture
def client(app):
    with TestClient(app, base_url=BASE, follow_redirects=False) as c:
        yield c


def _csrf(client, path="/") -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)


def _expected_record(db: str, text: str, fmt: str = "txt") -> dict:
    article = parse_article(text.encode(), "article", fmt)
    with Archive.open(db) as archive:
        record = ArticleResult("article", article, check_article(article, archive)).record()
    record.pop("path")
    return record


# --------------------------------------------------------------------------- POST /api/check

def test_api_check_returns_the_check_object(client, db):
    r = client.post("/api/check", json={"text": STORY, "format": "txt"})
    assert r.status_code == 200
    body = r.json()
    assert "path" not in body
    assert [q["verdict"] for q in body["quotes"]] == ["misquote", "misattributed", "verified"]
    assert body["summary"] == {"verified": 1, "minor": 0, "unverified": 0, "misquote": 1, "misattributed": 1}
    misquote = body["quotes"][0]
    assert misquote["speaker"] == "Mara Voss"
    assert misquote["source"]["title"] == "Press briefing on the Northern Grid plan"
    assert misquote["differences"][0]["note"].startswith("negation removed")
    assert body == _expected_record(db, STORY)


def test_api_check_format_is_optional_and_markdown_and_html_work(client, db):
    assert client.post("/api/check", json={"text": STORY}).json() == _expected_record(db, STORY)
    md = "---\ntitle: Grid\ndate: 2025-03-12\n---\n" + STORY
    r = client.post("/api/check", json={"text": md, "format": "md"})
    assert r.status_code == 200 and r.json() == _expected_record(db, md, "md")
    html = "<html><body><article>" + "".join(f"<p>{p}</p>" for p in STORY.split("\n\n")) + "</article></body></html>"
    r = client.post("/api/check", json={"text": html, "format": "html"})
    assert r.status_code == 200
    assert [q["verdict"] for q in r.json()["quotes"]] == ["misquote", "misattributed", "verified"]


@pytest.mark.parametrize("body, content_type, message", [
    (b'{"text": "unclosed', "application/json", "malformed JSON"),
    (b"", "application/json", "empty body"),
    (b'["a list"]', "application/json", "expected a JSON object"),
    (b'{"format": "txt"}', "application/json", 'missing "text"'),
    (b'{"text": 42}', "application/json", '"text" must be a string'),
    (b'{"text": "   "}', "application/json", '"text" is empty'),
    (b'{"text": "Hi.", "format": "docx"}', "application/json", '"format" must be one of txt, md, html'),
    (b'{"text": "Hi."}', "text/plain", "Content-Type: application/json"),
    (b'\xff\xfe{"text"', "application/json", "malformed JSON"),
])
def test_api_check_rejects_malformed_requests_with_400_and_a_message(client, body, content_type, message):
    r = client.post("/api/check", content=body, headers={"content-type": content_type})
    assert r.status_code == 400
    assert message in r.json()["error"]


def test_oversize_bodies_get_413(db):
    app = create_app(db, max_body=2_000)
    with TestClient(app, base_url=BASE) as client:
        r = client.post("/api/check", json={"text": "x" * 5_000})
        assert r.status_code == 413 and "too large" in r.json()["error"]

        def chunks():  # no Content-Length: the limit is enforced while reading
            for _ in range(10):
                yield b"x" * 500
        r = client.post("/api/check", content=chunks(), headers={"content-type": "application/json"})
        assert r.status_code == 413 and "too large" in r.json()["error"]

        csrf = _csrf(client)
        r = client.post("/check", data={"csrf": csrf}, files={"file": ("big.txt", b"y" * 5_000, "text/plain")})
        assert r.status_code == 413 and "too large" in r.text
        r = client.post("/api/archive/add", files={"file": ("big.txt", b"y" * 5_000, "text/plain")})
        assert r.status_code == 413
        assert client.post("/api/check", json={"text": STORY}).status_code == 200  # under the limit


def test_concurrent_checks_all_succeed(client, db):
    expected = _expected_record(db, STORY)
    results, errors = [], []
    barrier = threading.Barrier(8)

    def post(i: int):
        try:
            barrier.wait(timeout=10)
            text = STORY if i % 2 == 0 else STORY.replace("Wednesday", f"Wednesday {i}")
            r = client.post("/api/check", json={"text": text})
            results.append((i, r.status_code, r.json()))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=post, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    assert len(results) == 8
    for i, status, body in results:
        assert status == 200
        assert body["summary"] == expected["summary"]
        if i % 2 == 0:
            assert body == expected


# --------------------------------------------------------------------------- archive API

def test_api_archive_search(client):
    r = client.get("/api/archive/search", params={"q": "We are not choosing between cheap power and clean power"})
    assert r.status_code == 200
    passages = r.json()
    assert passages and passages[0]["document"]["title"] == "Press briefing on the Northern Grid plan"
    assert {"document", "speaker", "text", "start", "end", "timecode", "score"} <= set(passages[0])
    assert len(client.get("/api/archive/search", params={"q": "power", "limit": "2"}).json()) <= 2
    assert client.get("/api/archive/search").json()["error"].startswith('missing "q"')
    assert client.get("/api/archive/search", params={"q": "power", "limit": "0"}).status_code == 400
    assert client.get("/api/archive/search", params={"q": "power", "limit": "x"}).status_code == 400


def test_api_archive_documents(client):
    docs = client.get("/api/archive/documents").json()
    assert len(docs) == 6
    one = client.get(f"/api/archive/documents/{docs[0]['id']}").json()
    assert one["id"] == docs[0]["id"] and one["segments"]
    assert client.get("/api/archive/documents/ffffffffffff").status_code == 404
    assert client.get("/api/archive/documents/..%2f..%2fetc").status_code == 404


def test_api_archive_add_uploads_in_memory(client):
    source = ("---\ntitle: Quay statement\ndate: 2025-04-02\n---\n"
              "We will reopen the north quay on the first of May, and not one ship will be turned away.\n")
    r = client.post("/api/archive/add", data={"speaker": "Orla Venn", "kind": "statement"},
                    files={"file": ("../../etc/quay.md", source.encode(), "text/markdown")})
    assert r.status_code == 200, r.text
    result = r.json()["results"][0]
    assert result["status"] == "added" and result["title"] == "Quay statement"
    doc = client.get(f"/api/archive/documents/{result['id']}").json()
    assert doc["source_path"] == "upload:quay.md" and doc["speaker"] == "Orla Venn"
    hits = client.get("/api/archive/search", params={"q": "reopen the north quay"}).json()
    assert hits[0]["document"]["id"] == result["id"]
    # the same file again: unchanged
    again = client.post("/api/archive/add", data={"speaker": "Orla Venn", "kind": "statement"},
                        files={"file": ("quay.md", source.encode(), "text/markdown")})
    assert again.json()["results"][0]["status"] == "unchanged"


def test_api_archive_add_errors(client):
    r = client.post("/api/archive/add", files={"file": ("tool.exe", b"MZ\x00\x00", "application/octet-stream")})
    assert r.status_code == 400 and "unsupported file type" in r.json()["error"]
    r = client.post("/api/archive/add", data={"speaker": "X"})
    assert r.status_code == 400 and 'missing "file"' in r.json()["error"]
    r = client.post("/api/archive/add", files={"file": ("a.txt", b"Words here.", "text/plain")},
                    data={"date": "yesterday"})
    assert r.status_code == 400
    r = client.post("/api/archive/add", content=b"not a form", headers={"content-type": "text/plain"})
    assert r.status_code == 400


def test_api_archive_fetch_through_the_guarded_fetcher(client):
    r = client.post("/api/archive/fetch", json={"url": "https://news.example/statement", "kind": "statement"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "added" and body["origin"] == "live" and body["url"] == "https://news.example/statement"
    assert client.post("/api/archive/fetch", json={"url": "https://news.example/missing"}).status_code == 502
    assert client.post("/api/archive/fetch", json={}).status_code == 400
    assert client.post("/api/archive/fetch", json={"url": "file:///etc/passwd"}).status_code == 400


def test_private_addresses_are_refused_without_a_connection(db):
    app = create_app(db)   # the real fetcher and guard: refused before anything is sent
    with TestClient(app, base_url=BASE) as client:
        for url in ("http://127.0.0.1:8000/api/archive/documents", "http://10.0.0.1/statement",
                    "http://[::1]/x", "file:///etc/passwd"):
            r = client.post("/api/archive/fetch", json={"url": url})
            assert r.status_code == 400, url
            assert "refused" in r.json()["error"] or "http" in r.json()["error"]
        csrf = _csrf(client)
        r = client.post("/check", data={"csrf": csrf, "url": "http://169.254.169.254/latest/meta-data/"},
                        files={"file": ("", b"", "application/octet-stream")})
        assert r.status_code == 400 and "refused" in r.text


def test_openapi_describes_the_api(client):
    spec = client.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert {"/api/check", "/api/archive/search", "/api/archive/add", "/api/archive/fetch"} <= set(spec["paths"])
    assert spec["paths"]["/api/check"]["post"]["requestBody"]["content"]["application/json"]


# --------------------------------------------------------------------------- safety

def test_a_non_loopback_host_needs_a_token(db):
    with pytest.raises(VerifierError, match="VERIFIER_TOKEN"):
        create_app(db, host="0.0.0.0")
    with pytest.raises(VerifierError, match="too short"):
        create_app(db, host="0.0.0.0", token="short")
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5") and not is_loopback("desk.example")


def test_token_by_bearer_header_or_login_cookie(db):
    app = create_app(db, host="0.0.0.0", token=TOKEN)
    with TestClient(app, base_url="http://desk.example:8000", follow_redirects=False) as client:
        r = client.post("/api/check", json={"text": STORY})
        assert r.status_code == 401 and "token" in r.json()["error"]
        assert r.headers["www-authenticate"].startswith("Bearer")
        assert client.get("/api/archive/search", params={"q": "power"},
                          headers={"authorization": "Bearer wrong-token-wrong-token"}).status_code == 401
        ok = client.post("/api/check", json={"text": STORY}, headers={"authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 200
        assert client.get("/openapi.json").status_code == 401
        # pages send the browser to the login form
        r = client.get("/archive")
        assert r.status_code == 303 and r.headers["location"] == "/login"
        login = client.get("/login")
        assert login.status_code == 200
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', login.text).group(1)
        bad = client.post("/login", data={"csrf": csrf, "token": "not the token at all"})
        assert bad.status_code == 401
        r = client.post("/login", data={"csrf": csrf, "token": TOKEN})
        assert r.status_code == 303
        cookie = r.headers["set-cookie"]
        assert "verifier_auth=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
        assert TOKEN not in cookie
        assert client.get("/archive").status_code == 200
        assert client.post("/api/check", json={"text": STORY}).status_code == 200


def test_loopback_desk_answers_only_to_loopback_host_names(client):
    assert client.get("/", headers={"host": "localhost:8000"}).status_code == 200
    assert client.get("/", headers={"host": "[::1]:8000"}).status_code == 200
    r = client.get("/api/archive/documents", headers={"host": "rebind.attacker.example"})
    assert r.status_code == 400 and "host name" in r.json()["error"]
    assert host_name("[::1]:8000") == "::1" and host_name("Localhost:80") == "localhost"


def test_cross_site_form_posts_are_refused(client):
    csrf = _csrf(client)
    form = {"text": STORY, "csrf": csrf}
    # no CSRF token (a forged form on another site)
    r = client.post("/check", data={"text": STORY})
    assert r.status_code == 403 and "expired" in r.text
    # a wrong token
    assert client.post("/check", data={"text": STORY, "csrf": "0" * 64}).status_code == 403
    # the right token, but the browser says the request comes from another site
    r = client.post("/check", data=form, headers={"origin": "https://evil.example"})
    assert r.status_code == 403 and "cross-site" in r.text
    r = client.post("/check", data=form, headers={"sec-fetch-site": "cross-site"})
    assert r.status_code == 403
    r = client.post("/api/check", json={"text": STORY}, headers={"origin": "https://evil.example"})
    assert r.status_code == 403 and "cross-site" in r.json()["error"]
    # the same form from this desk goes through
    r = client.post("/check", data=form, headers={"origin": BASE, "sec-fetch-site": "same-origin"})
    assert r.status_code == 303


def test_security_headers(client):
    r = client.get("/")
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp and "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"
    session = r.headers["set-cookie"]
    assert SESSION_COOKIE in session and "HttpOnly" in session and "SameSite=strict" in session
    assert client.get("/static/desk.css").headers["content-type"].startswith("text/css")


class _Markup(HTMLParser):
    """Everything live in a page: script elements, event-handler attributes, javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.live = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed", "img", "svg"):
            self.live.append(tag)
        for key, value in attrs:
            if key.startswith("on"):
                self.live.append(f"{tag}[{key}]")
            if key in ("href", "src", "action", "formaction") and value and \
                    urlsplit(value.strip()).scheme.lower() not in ("", "http", "https"):
                self.live.append(f"{tag}[{key}={value}]")


def _live(html: str) -> list:
    parser = _Markup()
    parser.feed(html)
    return parser.live


HOSTILE = """\
Harbour <script>alert('pwned')</script> news

"We are not choosing between cheap power and clean power," <img src=x onerror="alert('pwned')"> Mara Voss said.

"<a href="javascript:alert('pwned')">click</a> is our motto," said Mara <b onmouseover="alert(1)">Voss</b>.
"""


@pytest.mark.parametrize("fmt", ["txt", "html"])
def test_hostile_article_text_is_escaped(client, fmt):
    csrf = _csrf(client)
    r = client.post("/check", data={"text": HOSTILE, "format": fmt, "csrf": csrf})
    assert r.status_code == 303, r.text
    page = client.get(r.headers["location"])
    assert page.status_code == 200
    assert _live(page.text) == []
    if fmt == "txt":
        assert "&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt;" in page.text
        assert "onerror=&quot;alert" in page.text and "javascript:alert" in page.text
    assert "<script" not in page.text.lower()
    report = client.get(r.headers["location"] + "/report")
    assert report.status_code == 200 and "attachment" in report.headers["content-disposition"]
    assert _live(report.text) == []


def test_hostile_source_metadata_is_escaped(client):
    hostile = json.dumps({"title": "Radio <script>alert('pwned')</script>", "date": "2025-04-03",
                          "url": "javascript:alert('pwned')",
                          "segments": [{"start": 61.5, "end": 66.0, "speaker": "Kit <i onclick=alert(1)>Marrow</i>",
                                        "text": "The tide gates will be closed every night <img src=x onerror=alert(1)>."}]})
    added = client.post("/api/archive/add", files={"file": ("radio.json", hostile.encode(), "application/json")})
    assert added.status_code == 200, added.text
    doc_id = added.json()["results"][0]["id"]
    page = client.get(f"/archive/doc/{doc_id}")
    assert page.status_code == 200 and _live(page.text) == []
    assert "00:01:01" in page.text and "&lt;script&gt;" in page.text
    listing = client.get("/archive", params={"q": "tide gates closed every night"})
    assert listing.status_code == 200 and _live(listing.text) == []
    csrf = _csrf(client)
    r = client.post("/check", data={"csrf": csrf, "text": '"The tide gates will be closed every night," '
                                                        'said Kit Marrow.\n'})
    article = client.get(r.headers["location"])
    assert _live(article.text) == [] and "javascript:alert" in article.text


# --------------------------------------------------------------------------- pages and reviews

def test_check_page_and_review_decision_shown_again(client, app):
    csrf = _csrf(client)
    r = client.post("/check", data={"text": STORY, "csrf": csrf})
    assert r.status_code == 303
    location = r.headers["location"]
    digest = location.rsplit("/", 1)[1]
    assert digest == article_hash(parse_article(STORY.encode(), "x", "txt").text)
    page = client.get(location)
    assert page.status_code == 200
    assert page.text.count('class="hl v-') == 3
    assert 'class="hl v-misquote"' in page.text and 'class="hl v-misattributed"' in page.text
    assert "Press briefing on the Northern Grid plan" in page.text
    assert "<del" in page.text and "negation removed" in page.text
    quote_id = re.search(r'name="quote_id" value="([0-9a-f]{12})"', page.text).group(1)
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)
    r = client.post(f"{location}/review", data={"csrf": csrf, "quote_id": quote_id, "decision": "corrected",
                                                "comment": "Fixed: <b>not</b> restored", "reviewer": "Ana Ruiz"})
    assert r.status_code == 303 and r.headers["location"].startswith(location)
    assert NAME_COOKIE in r.headers["set-cookie"]
    page = client.get(location)
    assert "Ana Ruiz" in page.text and "corrected" in page.text
    assert "Fixed: &lt;b&gt;not&lt;/b&gt; restored" in page.text
    assert 'name="reviewer" value="Ana Ruiz"' in page.text   # the name is remembered

    # the same article, uploaded as a file by another editor in a fresh session: the decision is there
    with TestClient(app, base_url=BASE, follow_redirects=False) as other:
        csrf2 = _csrf(other)
        r = other.post("/check", data={"csrf": csrf2}, files={"file": ("story.txt", STORY.encode(), "text/plain")})
        assert r.headers["location"] == location
        page = other.get(location)
        assert "Ana Ruiz" in page.text and "Fixed: &lt;b&gt;not&lt;/b&gt; restored" in page.text
    reviews = client.get(f"/api/reviews/{digest}").json()["reviews"]
    assert reviews[quote_id]["decision"] == "corrected" and reviews[quote_id]["reviewer"] == "Ana Ruiz"
    assert reviews[quote_id]["verdict"] == "misquote" and reviews[quote_id]["created"]
    # a later decision replaces it, the earlier one stays in the history
    r = client.post(f"{location}/review", data={"csrf": csrf, "quote_id": quote_id, "decision": "ask-reporter",
                                                "comment": "", "reviewer": "Ben Ode"})
    current = client.get(f"/api/reviews/{digest}").json()["reviews"][quote_id]
    assert current["decision"] == "ask-reporter" and len(current["history"]) == 2
    # bad decisions are refused
    assert client.post(f"{location}/review", data={"csrf": csrf, "quote_id": quote_id, "decision": "ignore",
                                                   "reviewer": "X"}).status_code == 400
    assert client.post(f"{location}/review", data={"csrf": csrf, "quote_id": quote_id, "decision": "accepted",
                                                   "reviewer": " "}).status_code == 400
    assert client.post(f"{location}/review", data={"csrf": csrf, "quote_id": "0" * 12, "decision": "accepted",
                                                   "reviewer": "X"}).status_code == 400
    # the home page lists the article
    assert location in client.get("/").text


def test_report_export_and_article_json(client):
    csrf = _csrf(client)
    location = client.post("/check", data={"text": STORY, "csrf": csrf}).headers["location"]
    report = client.get(location + "/report")
    assert report.status_code == 200
    assert report.headers["content-type"].startswith("text/html")
    assert "Quote check: 1 article, 3 quotes" in report.text
    data = client.get(location + "/json").json()
    assert data["summary"]["misquote"] == 1 and data["hash"] == location.rsplit("/", 1)[1]
    assert client.get("/article/" + "0" * 64).status_code == 404
    assert client.get("/article/../../etc/passwd").status_code == 404


def test_check_form_errors_are_shown(client):
    csrf = _csrf(client)
    r = client.post("/check", data={"text": "   ", "csrf": csrf})
    assert r.status_code == 400 and "paste an article" in r.text
    r = client.post("/check", data={"csrf": csrf}, files={"file": ("bin.txt", b"\x00\x01\x02" * 100, "text/plain")})
    assert r.status_code == 400 and "binary" in r.text


def test_check_a_docx_upload(client):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for paragraph in STORY.split("\n\n"):
        document.add_paragraph(paragraph.strip())
    buffer = io.BytesIO()
    document.save(buffer)
    csrf = _csrf(client)
    r = client.post("/check", data={"csrf": csrf}, files={
        "file": ("story.docx", buffer.getvalue(),
                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document")})
    assert r.status_code == 303, r.text
    page = client.get(r.headers["location"])
    assert page.text.count('class="hl v-') == 3 and 'class="hl v-misquote"' in page.text
    r = client.post("/check", data={"csrf": csrf}, files={"file": ("broken.docx", b"PK\x03\x04 broken", "x/y")})
    assert r.status_code == 400 and "Word" in r.text


def test_check_an_article_by_url(client):
    csrf = _csrf(client)
    r = client.post("/check", data={"csrf": csrf, "url": "https://news.example/story.md"})
    assert r.status_code == 303, r.text
    page = client.get(r.headers["location"])
    assert 'class="hl v-misattributed"' in page.text and "https://news.example/story.md" in page.text


def test_archive_pages(client):
    page = client.get("/archive")
    assert page.status_code == 200 and "Press briefing on the Northern Grid plan" in page.text
    results = client.get("/archive", params={"q": "the date is firm"})
    assert "passages for" in results.text and "/archive/doc/" in results.text
    doc_id = re.search(r'href="/archive/doc/([0-9a-f]+)#s\d+"', results.text).group(1)
    doc = client.get(f"/archive/doc/{doc_id}")
    assert doc.status_code == 200 and 'class="list segments"' in doc.text
    srt = client.get("/api/archive/documents", params={"kind": "broadcast"}).json()
    srt_page = client.get(f"/archive/doc/{srt[0]['id']}")
    assert re.search(r"\d\d:\d\d:\d\d–\d\d:\d\d:\d\d", srt_page.text)
    assert client.get("/archive/doc/zzz").status_code == 404
    # adding by upload and by URL, through the forms
    csrf = _csrf(client, "/archive/add")
    r = client.post("/archive/add", data={"csrf": csrf, "speaker": "Orla Venn"},
                    files={"file": ("quay.txt", b"We will reopen the north quay on the first of May.\n", "text/plain")})
    assert r.status_code == 200 and "added" in r.text
    r = client.post("/archive/fetch", data={"csrf": csrf, "url": "https://news.example/statement"})
    assert r.status_code == 200 and "Harbour statement" in r.text
    r = client.post("/archive/fetch", data={"csrf": csrf, "url": "http://192.168.0.1/x"})
    assert r.status_code == 400 and "refused" in r.text
    assert client.post("/archive/add", data={"speaker": "X"},
                       files={"file": ("a.txt", b"Words.", "text/plain")}).status_code == 403


def test_serve_command_refuses_a_public_host_without_a_token(db, capsys):
    from verifier.cli import main

    assert main(["serve", "--archive", db, "--host", "0.0.0.0"]) == 2
    assert "VERIFIER_TOKEN" in capsys.readouterr().err


def test_checks_run_at_most_check_threads_at_once_and_the_rest_wait(app, client):
    """Checks are CPU-bound: more at once in one process only share its GIL (#14). The others wait
    in the event loop, so a page that is not a check is still answered meanwhile."""
    from verifier.web import service

    desk, running, peak, lock = app.state.desk, [0], [0], threading.Lock()
    real_check = desk.check

    def slow_check(*args, **kwargs):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        try:
            threading.Event().wait(0.3)
            return real_check(*args, **kwargs)
        finally:
            with lock:
                running[0] -= 1

    desk.check = slow_check
    statuses = []
    threads = [threading.Thread(target=lambda: statuses.append(
        client.post("/api/check", json={"text": STORY}).status_code)) for _ in range(6)]
    for t in threads:
        t.start()
    threading.Event().wait(0.1)
    assert client.get("/api/archive/documents").status_code == 200 and peak[0] <= service.CHECK_THREADS
    for t in threads:
        t.join(30)
    assert statuses == [200] * 6 and peak[0] == service.CHECK_THREADS


def test_the_desk_on_a_postgresql_archive_checks_alike_and_keeps_reviews_locally(db, pg_url, tmp_path, monkeypatch):
    """`verifier serve --archive postgresql://…` (#15): the same check object as on SQLite; review
    decisions in the local SQLite file $VERIFIER_REVIEWS."""
    with Archive.open(pg_url, create=True) as archive:
        _, errors = archive.add_paths([str(FIXTURES / "archive")])
        assert not errors
    monkeypatch.setenv("VERIFIER_REVIEWS", str(tmp_path / "reviews.db"))
    with TestClient(create_app(pg_url, fetcher_factory=_mock_fetcher), base_url=BASE, follow_redirects=False) as c:
        r = c.post("/api/check", json={"text": STORY, "format": "txt"})
        assert r.status_code == 200 and r.json() == _expected_record(db, STORY)
        csrf = _csrf(c)
        location = c.post("/check", data={"text": STORY, "csrf": csrf}).headers["location"]
        page = c.get(location)
        quote_id = re.search(r'name="quote_id" value="([0-9a-f]{12})"', page.text).group(1)
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)
        r = c.post(f"{location}/review", data={"csrf": csrf, "quote_id": quote_id, "decision": "accepted",
                                               "comment": "", "reviewer": "Ana Ruiz"})
        assert r.status_code == 303
        digest = location.rsplit("/", 1)[1]
        assert c.get(f"/api/reviews/{digest}").json()["reviews"][quote_id]["decision"] == "accepted"
    import sqlite3
    with sqlite3.connect(tmp_path / "reviews.db") as conn:
        assert conn.execute("SELECT decision FROM review_decisions").fetchall() == [("accepted",)]


def test_an_upload_is_dated_as_check_dates_a_file():
    """The desk reads an upload's date as `check` reads a file's: its own, else its name's."""
    from verifier.web.service import read_article

    text = "“We will reopen the north quay,” Ilse Marten said.\n".encode()
    assert read_article(text, "2025-03-01-quay.md", None)[0].date == "2025-03-01"
    assert read_article(b"---\ndate: 2025-04-05\n---\n" + text, "2025-03-01-quay.md", None)[0].date == "2025-04-05"
    assert read_article(text, "quay.txt", None)[0].date is None
