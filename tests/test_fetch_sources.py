"""verifier.webarchive: statement pages, caption files, Wayback snapshots (CDX API) and TV News
Archive broadcasts as Documents, served by the fake web (on 127.0.0.1, or as a MockTransport for
made-up public host names)."""
from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "data" / "fetch"))
from fakeweb import FakeWeb, Reply, cdx_json, data_file, html  # noqa: E402

from verifier.archive.store import Archive  # noqa: E402
from verifier.errors import InputError  # noqa: E402
from verifier.archive.fetch.client import FetchConfig, FetchError, Fetched, Fetcher, Gone, Guard  # noqa: E402
from verifier.archive.fetch.web import (Endpoints, fetch_source, page_meta, parse_cdx, pick_caption,  # noqa: E402
                                 source_format, tv_identifier)

TV_ID = "ENT_20250311_190000_Evening_News"
PUBLIC = "93.184.215.14"     # a stand-in public address: only ever "reached" through MockTransport


@pytest.fixture
def web():
    with FakeWeb() as fake:
        yield fake


def endpoints(web) -> Endpoints:
    return Endpoints(wayback=web.url("/web"), cdx=web.url("/cdx/search/cdx"), archive_org=web.origin)


def local_fetcher(tmp_path) -> Fetcher:
    config = FetchConfig(cache_dir=str(tmp_path / "http"), interval=0.0, retries=1, backoff=0.01)
    return Fetcher(config, Guard(allow_private=True))


def public_fetcher(web, tmp_path) -> Fetcher:
    """Every name resolves to a public address; the fake web answers through MockTransport."""
    def getaddrinfo(host, port, type=0, **_):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC, port))]

    config = FetchConfig(cache_dir=str(tmp_path / "http"), interval=0.0, retries=1, backoff=0.01)
    return Fetcher(config, Guard(resolver=getaddrinfo), transport=web.transport())


def test_a_statement_page_becomes_a_document(web, tmp_path):
    web.routes["/news/grid-timetable"] = html(data_file("statement.html"))
    url = web.url("/news/grid-timetable")
    with local_fetcher(tmp_path) as f:
        source = fetch_source(f, url, endpoints=endpoints(web))
    doc = source.document
    assert (doc.title, doc.date, doc.speaker, doc.kind) == (
        "Minister Voss on the Northern Grid timetable", "2025-03-04", "Mara Voss", "statement")
    assert doc.outlet == "Ministry of Energy, Republic of Estmark" and doc.url == url and doc.source_path == url
    assert doc.segments[0].text.startswith("We are not choosing between cheap power and clean power.")
    assert "Home" not in doc.text and "Ministry of Energy" not in doc.text      # page chrome left out
    meta = doc.metadata
    assert meta["origin"] == "live" and meta["author"] == "Mara Voss" and meta["final_url"] == url
    assert meta["content_type"] == "text/html; charset=utf-8" and meta["retrieved"].endswith("Z")
    assert source.origin == "live" and source.describe() == "live page"
    with Archive.open(tmp_path / "a.db", create=True) as archive:
        assert archive.add_document(doc, path=url).status == "added"
        best = archive.search("not one crown of the cost will be added to household electricity bills")[0]
        assert best.document["url"] == url and best.speaker == "Mara Voss"


def test_flags_win_over_the_page(web, tmp_path):
    web.routes["/s"] = html(data_file("statement.html"))
    overrides = {"speaker": "Ruben Achterberg", "title": "Grid", "kind": "press release", "outlet": None}
    with local_fetcher(tmp_path) as f:
        doc = fetch_source(f, web.url("/s"), overrides, auto_wayback=False).document
    assert (doc.speaker, doc.title, doc.kind) == ("Ruben Achterberg", "Grid", "press release")
    assert doc.metadata["author"] == "Mara Voss"


def test_page_meta_reads_json_ld_authors_and_publisher():
    page = b"""<html><head><script type="application/ld+json">
      [{"@type": "WebPage"}, {"@type": "NewsArticle", "author": [{"@type": "Person", "name": "Mara Voss"},
       {"@type": "Person", "name": "Ruben  Achterberg"}], "publisher": {"name": "Estmark Energy"}}]
      </script></head><body><p>Text.</p></body></html>"""
    assert page_meta(page, "x") == {"speaker": ["Mara Voss", "Ruben Achterberg"], "outlet": "Estmark Energy",
                                    "author": "Mara Voss, Ruben Achterberg"}
    assert page_meta(b'<meta name="author" content="https://x.example/me"><p>x</p>', "x") == {}


def test_caption_and_transcript_files_by_url(web, tmp_path):
    srt = data_file(f"{TV_ID}.cc5.srt")
    web.routes["/captions/evening.srt"] = Reply(200, srt, {"Content-Type": "text/plain"})
    web.routes["/captions/interview"] = Reply(200, b"WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n"
                                              b"<v Ruben Achterberg>The date is firm, I am told.\n",
                                              {"Content-Type": "text/plain; charset=utf-8"})
    with local_fetcher(tmp_path) as f:
        broadcast = fetch_source(f, web.url("/captions/evening.srt"), auto_wayback=False).document
        interview = fetch_source(f, web.url("/captions/interview"), auto_wayback=False).document
    assert broadcast.format == "srt" and broadcast.kind == "broadcast"
    assert broadcast.segments[0].start == 13.945 and "Helga Sorenstam" in broadcast.speakers
    assert interview.format == "vtt" and interview.speaker == "Ruben Achterberg"


def test_source_format():
    def fetched(content_type, url="https://x.example/a", body=b"text"):
        return Fetched(url, url, 200, content_type, body, "2025-01-01T00:00:00Z")

    assert source_format(fetched("application/xhtml+xml")) == "html"
    assert source_format(fetched("application/ld+json")) == "json"
    assert source_format(fetched("text/plain", "https://x.example/a.vtt")) == "vtt"
    assert source_format(fetched("text/plain", body=b"1\n00:00:01,000 --> 00:00:02,000\nHi\n")) == "srt"
    assert source_format(fetched("text/plain", "https://x.example/a.cc5.txt")) == "txt"


def test_wayback_snapshot_closest_to_a_date(web, tmp_path):
    url = "http://campaign.example/pledges/trees"
    web.routes["/cdx/search/cdx"] = cdx_json(("20250116093000", url), ("20250301120000", url))
    web.routes[f"/web/20250116093000id_/{url}"] = html(data_file("snapshot-2025-01.html"))
    with local_fetcher(tmp_path) as f:
        source = fetch_source(f, url, {"date": "2025-01-15"}, wayback=True, endpoints=endpoints(web))
    query = web.requests[0].query
    assert query == {"url": url, "output": "json", "fl": "timestamp,original,statuscode,mimetype",
                     "filter": "statuscode:200", "closest": "20250115", "sort": "closest", "limit": "3"}
    doc, view = source.document, web.url(f"/web/20250116093000/{url}")
    assert source.origin == "wayback" and doc.url == view and doc.source_path == view
    assert doc.title == "Campaign pledge: ten thousand trees" and doc.date == "2025-01-15"
    assert doc.metadata["original_url"] == url and doc.metadata["wayback_timestamp"] == "20250116093000"
    assert doc.metadata["wayback_captured"] == "2025-01-16T09:30:00Z"
    assert doc.metadata["final_url"] == web.url(f"/web/20250116093000id_/{url}")
    assert source.describe() == "Wayback snapshot 2025-01-16T09:30:00Z"
    assert web.count(url.replace("http://campaign.example", "")) == 0       # the live page was not asked


def test_a_failing_snapshot_gives_way_to_the_next(web, tmp_path):
    url = "http://campaign.example/pledges/trees"
    web.routes["/cdx/search/cdx"] = cdx_json(("20250116093000", url), ("20250120000000", url))
    web.routes[f"/web/20250116093000id_/{url}"] = Reply(502)
    web.routes[f"/web/20250120000000id_/{url}"] = html(data_file("snapshot-2025-01.html"))
    with local_fetcher(tmp_path) as f:
        source = fetch_source(f, url, wayback=True, endpoints=endpoints(web))
    assert source.document.metadata["wayback_timestamp"] == "20250120000000"


def test_no_snapshot_with_wayback_is_an_error(web, tmp_path):
    web.routes["/cdx/search/cdx"] = cdx_json()
    with local_fetcher(tmp_path) as f, pytest.raises(FetchError) as err:
        fetch_source(f, "http://campaign.example/x", {"date": "2024-05-01"}, wayback=True, endpoints=endpoints(web))
    assert str(err.value) == ("http://campaign.example/x: the Wayback Machine has no snapshot of it near "
                              "2024-05-01; check the address")


@pytest.mark.parametrize("status, reason", [(404, "not found (404)"), (410, "gone (410)")])
def test_a_page_that_is_gone_falls_back_to_the_wayback_machine(web, tmp_path, status, reason):
    url = "https://campaign.example/pledges/trees"
    web.routes["/pledges/trees"] = Reply(status, b"<h1>Gone</h1>", {"Content-Type": "text/html"})
    web.routes["/cdx/search/cdx"] = cdx_json(("20250116093000", url))
    web.routes[f"/web/20250116093000id_/{url}"] = html(data_file("snapshot-2025-01.html"))
    cdx = Endpoints(cdx="https://web.archive.test/cdx/search/cdx", wayback="https://web.archive.test/web")
    with public_fetcher(web, tmp_path) as f:
        source = fetch_source(f, url, endpoints=cdx)
    assert source.origin == "wayback" and source.notes == [f"live page {reason}"]
    assert [(r.host, r.path) for r in web.requests] == [
        ("campaign.example", "/pledges/trees"), ("web.archive.test", "/cdx/search/cdx"),
        ("web.archive.test", f"/web/20250116093000id_/{url}")]
    assert web.requests[1].query["closest"].isdigit()          # today: the latest snapshot


def test_a_page_that_is_gone_without_a_snapshot(web, tmp_path):
    url = "https://campaign.example/deleted"
    web.routes["/deleted"] = Reply(410)
    web.routes["/cdx/search/cdx"] = cdx_json()
    cdx = Endpoints(cdx="https://web.archive.test/cdx/search/cdx")
    with public_fetcher(web, tmp_path) as f:
        with pytest.raises(FetchError) as err:
            fetch_source(f, url, endpoints=cdx)
        assert str(err.value) == (f"{url}: gone (410), and the Wayback Machine has no snapshot of it; "
                                  "check the address")
        with pytest.raises(Gone) as gone:
            fetch_source(f, url, auto_wayback=False, endpoints=cdx)
        assert str(gone.value) == f"{url}: gone (410); try --wayback"


def test_intranet_pages_are_not_sent_to_the_wayback_machine_unasked(web, tmp_path):
    web.routes["/deleted"] = Reply(404)
    with local_fetcher(tmp_path) as f, pytest.raises(Gone, match="not found"):
        fetch_source(f, web.url("/deleted"), {"date": "2025-01-01"}, endpoints=endpoints(web))
    assert [r.path for r in web.requests] == ["/deleted"]


def test_a_date_asks_for_the_version_of_that_date(web, tmp_path):
    url = "https://ministry.example/news/grid"
    web.routes["/news/grid"] = html(data_file("statement.html"))
    web.routes["/cdx/search/cdx"] = [cdx_json(("20250304170000", url)), cdx_json()]
    web.routes[f"/web/20250304170000id_/{url}"] = html(data_file("statement.html"))
    cdx = Endpoints(cdx="https://web.archive.test/cdx/search/cdx", wayback="https://web.archive.test/web")
    with public_fetcher(web, tmp_path) as f:
        then = fetch_source(f, url, {"date": "2025-03-04"}, endpoints=cdx)
        assert then.origin == "wayback" and web.requests[0].query["closest"] == "20250304"
        live = fetch_source(f, url, {"date": "2025-03-05"}, endpoints=cdx)     # no snapshot: the live page
    assert live.origin == "live" and live.notes == ["no Wayback snapshot of 2025-03-05 found"]
    assert live.document.date == "2025-03-05"


def test_parse_cdx_shapes():
    rows = b'[["timestamp","original","statuscode","mimetype"],["20250101000000","http://a/","200","text/html"],' \
           b'["2025","http://a/","200","image/png"],[],["resumekey"]]'
    assert [s.timestamp for s in parse_cdx(rows, "http://a/")] == ["20250101000000"]
    assert parse_cdx(b"[]", "http://a/") == []
    with pytest.raises(FetchError, match="the CDX answer is not JSON"):
        parse_cdx(b"<html>busy</html>", "http://a/")


def test_a_tv_news_archive_broadcast(web, tmp_path):
    web.routes[f"/metadata/{TV_ID}"] = Reply(200, data_file("tv-metadata.json"), {"Content-Type": "application/json"})
    web.routes[f"/download/{TV_ID}/{TV_ID}.cc5.srt"] = Reply(302, headers={"Location": f"/items/{TV_ID}.cc5.srt"})
    web.routes[f"/items/{TV_ID}.cc5.srt"] = Reply(200, data_file(f"{TV_ID}.cc5.srt"),
                                                  {"Content-Type": "application/x-subrip"})
    with local_fetcher(tmp_path) as f:
        by_id = fetch_source(f, TV_ID, endpoints=endpoints(web))
        by_url = fetch_source(f, web.url(f"/details/{TV_ID}/start/60/end/120"), endpoints=endpoints(web))
    doc, details = by_id.document, web.url(f"/details/{TV_ID}")
    assert (doc.title, doc.outlet, doc.date, doc.kind, doc.url, doc.source_path) == (
        "Evening News : ENT : March 11, 2025 7:00pm-7:30pm CET", "ENT", "2025-03-11", "broadcast", details, details)
    assert doc.format == "srt" and doc.segments[0].start == 13.945 and doc.segments[0].speaker == "Helga Sorenstam"
    assert any("WE ARE NOT CHOOSING BETWEEN CHEAP POWER AND CLEAN POWER" in s.text for s in doc.segments)
    meta = doc.metadata
    assert (meta["identifier"], meta["caption_file"], meta["channel"], meta["aired"]) == (
        TV_ID, f"{TV_ID}.cc5.srt", "ENT", "2025-03-11 18:00:00")
    assert meta["final_url"] == web.url(f"/items/{TV_ID}.cc5.srt") and by_id.origin == "tv"
    assert by_url.document.text == doc.text and by_url.document.source_path == details
    assert by_url.from_cache and web.count(f"/metadata/{TV_ID}") == 1


def test_tv_items_that_are_missing_or_have_no_captions(web, tmp_path):
    web.routes["/metadata/NO_SUCH_ITEM"] = Reply(200, b"{}", {"Content-Type": "application/json"})
    web.routes["/metadata/SILENT_FILM"] = Reply(200, b'{"metadata": {"title": "Film"}, "files": '
                                                b'[{"name": "film.mp4", "format": "MPEG4"}]}',
                                                {"Content-Type": "application/json"})
    with local_fetcher(tmp_path) as f:
        with pytest.raises(FetchError) as missing:
            fetch_source(f, "NO_SUCH_ITEM", endpoints=endpoints(web))
        with pytest.raises(FetchError) as silent:
            fetch_source(f, "SILENT_FILM", endpoints=endpoints(web))
    assert str(missing.value) == "NO_SUCH_ITEM: no item NO_SUCH_ITEM in the Internet Archive; check the identifier"
    assert str(silent.value) == ("SILENT_FILM: item SILENT_FILM has no caption file (.srt, .vtt or .cc5.txt); "
                                 "check that it is a TV News Archive broadcast")


def test_tv_identifiers_and_caption_choice():
    ia = Endpoints()
    assert tv_identifier(TV_ID, ia) == TV_ID
    assert tv_identifier(f"https://archive.org/details/{TV_ID}/start/60/end/120", ia) == TV_ID
    assert tv_identifier("https://archive.org/web/", ia) is None
    assert tv_identifier("example.com/page", ia) is None and tv_identifier("https://example.com/details/x", ia) is None
    files = [{"name": "a.cc5.txt", "format": "Closed Caption Text"}, {"name": "a.vtt"},
             {"name": "a.align.srt", "format": "SubRip"}, {"name": "a.mp4"}]
    assert pick_caption(files) == "a.align.srt"
    assert pick_caption(files + [{"name": "a.cc5.srt"}]) == "a.cc5.srt"
    assert pick_caption(files[:2]) == "a.vtt" and pick_caption(files[:1]) == "a.cc5.txt"
    assert pick_caption([{"name": "a.mp4"}]) is None


def test_unreadable_downloads_are_input_errors_naming_the_url(web, tmp_path):
    web.routes["/data.json"] = Reply(200, b'{"not": "a transcript"}', {"Content-Type": "application/json"})
    with local_fetcher(tmp_path) as f, pytest.raises(InputError) as err:
        fetch_source(f, web.url("/data.json"), auto_wayback=False)
    assert str(err.value).startswith(web.url("/data.json") + ": JSON: expected a list of segments")
