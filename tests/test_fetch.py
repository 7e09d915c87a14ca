"""verifier.fetch against a fake web on 127.0.0.1: retries, Retry-After, backoff, rate limit,
timeouts, size cap, content types, redirects and the HTTP cache. Nothing here leaves the machine."""
from __future__ import annotations

import email.utils
import sys
import threading
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "data" / "fetch"))
from fakeweb import FakeWeb, Reply, html  # noqa: E402

from verifier.archive.fetch.client import (FetchConfig, FetchError, Fetcher, Gone, Guard, RateLimiter,  # noqa: E402
                            acceptable_type, default_user_agent, retry_after)

PAGE = "<html><head><title>T</title></head><body><p>We are not choosing.</p></body></html>"


@pytest.fixture
def web():
    with FakeWeb() as fake:
        yield fake


def fetcher(tmp_path, sleeps=None, **changes) -> Fetcher:
    config = FetchConfig(**{"cache_dir": str(tmp_path / "http"), "interval": 0.0, "backoff": 0.5,
                            "retries": 2, "timeout": 2.0, **changes})
    sleep = sleeps.append if sleeps is not None else time.sleep
    return Fetcher(config, Guard(allow_private=True), sleep=sleep)


def test_fetches_a_page_with_its_final_url_type_and_retrieval_time(web, tmp_path):
    web.routes["/statement"] = html(PAGE)
    with fetcher(tmp_path) as f:
        got = f.get(web.url("/statement"))
    assert got.status == 200 and got.body == PAGE.encode() and got.media_type == "text/html"
    assert got.final_url == web.url("/statement") and not got.from_cache
    assert got.retrieved.endswith("Z") and got.retrieved[:4].isdigit()
    request = web.requests[0]
    assert request.headers["user-agent"] == default_user_agent()
    assert request.headers["user-agent"].startswith("verifier/")


def test_second_fetch_is_served_from_the_cache(web, tmp_path):
    web.routes["/statement"] = html(PAGE)
    with fetcher(tmp_path) as f:
        first = f.get(web.url("/statement"))
    with fetcher(tmp_path) as f:          # a new process would see the same cache
        second = f.get(web.url("/statement"))
    assert web.count("/statement") == 1
    assert second.from_cache and second.body == first.body and second.retrieved == first.retrieved
    with fetcher(tmp_path, refresh=True) as f:
        third = f.get(web.url("/statement"))
    assert web.count("/statement") == 2 and not third.from_cache


def test_offline_uses_the_cache_only(web, tmp_path):
    web.routes["/statement"] = html(PAGE)
    with fetcher(tmp_path) as f:
        f.get(web.url("/statement"))
    with fetcher(tmp_path, offline=True) as f:
        assert f.get(web.url("/statement")).from_cache
        with pytest.raises(FetchError) as miss:
            f.get(web.url("/other"))
    assert str(miss.value) == (f"{web.url('/other')}: not in the cache (offline); "
                               "fetch it once without --offline")
    assert web.count("/other") == 0 and len(web.requests) == 1


def test_redirects_are_followed_and_recorded(web, tmp_path):
    web.routes["/old"] = Reply(301, headers={"Location": "/moved"})
    web.routes["/moved"] = Reply(302, headers={"Location": web.url("/statement")})
    web.routes["/statement"] = html(PAGE)
    with fetcher(tmp_path) as f:
        got = f.get(web.url("/old"))
        assert got.final_url == web.url("/statement")
        assert f.get(web.url("/old")).from_cache      # the whole chain is cached under /old
    assert [r.path for r in web.requests] == ["/old", "/moved", "/statement"]


def test_redirect_loops_stop(web, tmp_path):
    web.routes["/loop"] = Reply(302, headers={"Location": "/loop"})
    with fetcher(tmp_path) as f, pytest.raises(FetchError) as err:
        f.get(web.url("/loop"))
    assert "more than 5 redirects" in str(err.value) and web.count("/loop") == 6


@pytest.mark.parametrize("status, reason", [(404, "not found (404)"), (410, "gone (410)")])
def test_missing_pages_are_gone(web, tmp_path, status, reason):
    web.routes["/deleted"] = Reply(status, b"<h1>Gone</h1>", {"Content-Type": "text/html"})
    with fetcher(tmp_path) as f, pytest.raises(Gone) as err:
        f.get(web.url("/deleted"))
    assert err.value.status == status and str(err.value) == f"{web.url('/deleted')}: {reason}; try --wayback"
    assert web.count("/deleted") == 1        # not retried


def test_server_errors_are_retried_with_exponential_backoff(web, tmp_path):
    web.routes["/flaky"] = [Reply(500), Reply(503), html(PAGE)]
    sleeps = []
    with fetcher(tmp_path, sleeps) as f:
        assert f.get(web.url("/flaky")).body == PAGE.encode()
    assert sleeps == [0.5, 1.0] and web.count("/flaky") == 3


def test_persistent_server_errors_give_up(web, tmp_path):
    web.routes["/down"] = Reply(500)
    sleeps = []
    with fetcher(tmp_path, sleeps) as f, pytest.raises(FetchError) as err:
        f.get(web.url("/down"))
    assert str(err.value) == f"{web.url('/down')}: server error (500) after 3 attempts; try again later"
    assert web.count("/down") == 3 and sleeps == [0.5, 1.0]


def test_429_honours_retry_after_in_seconds_and_as_a_date(web, tmp_path):
    later = email.utils.formatdate(time.time() + 30, usegmt=True)
    web.routes["/busy"] = [Reply(429, headers={"Retry-After": "7"}),
                           Reply(429, headers={"Retry-After": later}), html(PAGE)]
    sleeps = []
    with fetcher(tmp_path, sleeps) as f:
        f.get(web.url("/busy"))
    assert sleeps[0] == 7.0 and 27 <= sleeps[1] <= 31


def test_retry_after_beyond_the_cap_is_not_waited_for(web, tmp_path):
    web.routes["/busy"] = Reply(429, headers={"Retry-After": "3600"})
    sleeps = []
    with fetcher(tmp_path, sleeps) as f, pytest.raises(FetchError) as err:
        f.get(web.url("/busy"))
    assert str(err.value) == (f"{web.url('/busy')}: rate limited (429), and the server asks to wait "
                              "3600s; try again later")
    assert sleeps == [] and web.count("/busy") == 1


def test_retry_after_parsing():
    assert retry_after("120", 0) == 120.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412460.0) == 20.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412500.0) == 0.0
    assert retry_after("soon", 0) is None and retry_after(None, 0) is None


def test_slow_responses_time_out_and_are_retried(web, tmp_path):
    web.routes["/slow"] = [Reply(200, PAGE.encode(), {"Content-Type": "text/html"}, delay=1.5), html(PAGE)]
    with fetcher(tmp_path, [], timeout=0.3) as f:
        assert f.get(web.url("/slow")).body == PAGE.encode()
    web.routes["/slower"] = Reply(200, PAGE.encode(), {"Content-Type": "text/html"}, delay=1.0)
    with fetcher(tmp_path, [], timeout=0.3, retries=0) as f, pytest.raises(FetchError) as err:
        f.get(web.url("/slower"))
    assert str(err.value) == (f"{web.url('/slower')}: timed out; try again later, or raise "
                              "VERIFIER_FETCH_TIMEOUT")


def test_oversize_bodies_are_stopped_and_not_cached(web, tmp_path):
    chunk = b"<p>" + b"x" * 65530 + b"</p>"
    web.routes["/declared"] = Reply(200, chunk, {"Content-Type": "text/html"}, repeat=100)
    web.routes["/streamed"] = Reply(200, chunk, {"Content-Type": "text/html"}, repeat=100, length=False)
    with fetcher(tmp_path, max_bytes=100_000) as f:
        for path in ("/declared", "/streamed"):
            with pytest.raises(FetchError) as err:
                f.get(web.url(path))
            assert str(err.value) == (f"{web.url(path)}: larger than 100000 bytes, download stopped; "
                                      "set VERIFIER_MAX_FETCH_BYTES to raise the limit")
    with fetcher(tmp_path, offline=True) as f, pytest.raises(FetchError, match="not in the cache"):
        f.get(web.url("/streamed"))


def test_max_bytes_from_the_environment(monkeypatch):
    monkeypatch.setenv("VERIFIER_MAX_FETCH_BYTES", "1234")
    assert FetchConfig.from_env().max_bytes == 1234
    monkeypatch.setenv("VERIFIER_MAX_FETCH_BYTES", "lots")
    with pytest.raises(Exception, match="VERIFIER_MAX_FETCH_BYTES='lots' is not a number"):
        FetchConfig.from_env()


def test_only_text_html_caption_and_json_types_are_fetched(web, tmp_path):
    web.routes["/photo.png"] = Reply(200, b"\x89PNG....", {"Content-Type": "image/png"})
    web.routes["/captions.srt"] = Reply(200, b"1\n00:00:01,000 --> 00:00:02,000\nHi.\n",
                                        {"Content-Type": "application/octet-stream"})
    web.routes["/blob"] = Reply(200, b"data", {"Content-Type": "application/octet-stream"})
    with fetcher(tmp_path) as f:
        with pytest.raises(FetchError) as err:
            f.get(web.url("/photo.png"))
        assert str(err.value) == (f"{web.url('/photo.png')}: not a text document (content type image/png); "
                                  "only HTML, text, captions (.srt, .vtt) and JSON are fetched")
        assert f.get(web.url("/captions.srt")).body.startswith(b"1\n")
        with pytest.raises(FetchError, match="content type application/octet-stream"):
            f.get(web.url("/blob"))
    assert acceptable_type("text/vtt", "x") and acceptable_type("application/ld+json", "x")
    assert not acceptable_type("application/pdf", "https://x/a.txt")


def test_per_host_rate_limit():
    now, sleeps = [0.0], []

    def sleep(s):
        sleeps.append(s)
        now[0] += s

    limiter = RateLimiter(1.0, clock=lambda: now[0], sleep=sleep)
    limiter.wait("a.example")
    limiter.wait("b.example")           # another host: no wait
    now[0] += 0.25
    limiter.wait("a.example")           # same host 0.25 s later: waits the rest of the second
    assert sleeps == [0.75]


def test_rate_limit_spaces_requests_to_one_host(web, tmp_path):
    web.routes["/a"] = html(PAGE)
    web.routes["/b"] = html(PAGE)
    with fetcher(tmp_path, interval=0.4) as f:
        start = time.monotonic()
        f.get(web.url("/a"))
        f.get(web.url("/b"))
        assert time.monotonic() - start >= 0.4


def test_a_stalled_download_is_not_cached(web, tmp_path):
    release = threading.Event()
    web.routes["/stall"] = [Reply(200, PAGE.encode(), {"Content-Type": "text/html"}, stall=release), html(PAGE)]
    with fetcher(tmp_path, [], timeout=0.5, retries=0) as f:
        with pytest.raises(FetchError, match="timed out"):
            f.get(web.url("/stall"))
        release.set()
        assert not f.get(web.url("/stall")).from_cache      # the partial body was not kept
    assert web.count("/stall") == 2
