"""The private-address guard: schemes, every resolved address, each redirect hop, and the
address actually connected to. Fake names resolve through an injected resolver; no request
goes anywhere but 127.0.0.1 (and the refused ones go nowhere at all)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "data" / "fetch"))
from fakeweb import FakeWeb, Reply, html  # noqa: E402

from verifier.archive.fetch.client import FetchConfig, FetchError, Fetcher, Guard, Refused, address_problem  # noqa: E402

PUBLIC = "93.184.215.14"      # stands for a public address; never connected to (MockTransport)


def resolver(table: dict, calls: list | None = None):
    """A getaddrinfo that knows only ``table`` (name -> address or list of addresses)."""

    def getaddrinfo(host, port, type=0, **_):
        if calls is not None:
            calls.append(host)
        answer = table.get(host)
        if answer is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        answer = answer.pop(0) if isinstance(answer, list) and isinstance(answer[0], list) else answer
        family = lambda a: socket.AF_INET6 if ":" in a else socket.AF_INET  # noqa: E731
        return [(family(a), socket.SOCK_STREAM, 6, "", (a, port)) for a in ([answer] if isinstance(answer, str) else answer)]

    return getaddrinfo


def config(**changes) -> FetchConfig:
    return FetchConfig(**{"cache_dir": None, "interval": 0.0, "retries": 0, "timeout": 2.0, **changes})


@pytest.mark.parametrize("url, problem", [
    ("http://127.0.0.1/", "127.0.0.1 is a loopback address"),
    ("http://127.8.9.10:8080/x", "127.8.9.10 is a loopback address"),
    ("http://[::1]/", "::1 is a loopback address"),
    ("http://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1 is a loopback address"),
    ("http://10.20.30.40/", "10.20.30.40 is a private address"),
    ("http://172.16.0.1/", "172.16.0.1 is a private address"),
    ("http://192.168.1.1/", "192.168.1.1 is a private address"),
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
    ("http://[fe80::1]/", "fe80::1 is a link-local address"),
    ("http://224.0.0.1/", "224.0.0.1 is a multicast address"),
    ("http://0.0.0.0/", "0.0.0.0 is an unspecified address"),
    ("http://240.0.0.1/", "240.0.0.1 is a reserved address"),
    ("http://100.64.0.1/", "100.64.0.1 is a non-public address"),
])
def test_non_public_addresses_are_refused(url, problem):
    with pytest.raises(Refused) as err:
        Guard().check_url(url)
    assert str(err.value) == f"{url}: refused: {problem}; use --allow-private for an intranet server"


def test_hostnames_resolving_to_loopback_are_refused():
    with pytest.raises(Refused, match="host localhost resolves to (127.0.0.1|::1), a loopback address"):
        Guard().check_url("http://localhost:8080/statement")


def test_every_address_of_a_host_is_checked():
    guard = Guard(resolver=resolver({"mixed.example": [PUBLIC, "10.0.0.8"], "news.example": PUBLIC}))
    guard.check_url("https://news.example/statement")          # public: fine
    with pytest.raises(Refused, match="host mixed.example resolves to 10.0.0.8, a private address"):
        guard.check_url("https://mixed.example/statement")
    assert Guard(allow_private=True, resolver=guard.resolver).check_url("https://mixed.example/") is None


@pytest.mark.parametrize("url, scheme", [("file:///etc/passwd", "file"), ("ftp://ftp.example/a.txt", "ftp"),
                                         ("javascript:alert(1)", "javascript"), ("gopher://x/", "gopher")])
def test_only_http_and_https(url, scheme):
    for guard in (Guard(), Guard(allow_private=True)):
        with pytest.raises(Refused) as err:
            guard.check_url(url)
        assert str(err.value) == f"{url}: {scheme}: URLs are not fetched (only http and https); give an http(s) URL"


def test_unresolvable_hosts_are_one_line_errors():
    with pytest.raises(FetchError) as err:
        Guard(resolver=resolver({})).check_url("https://gone.example/")
    assert str(err.value).startswith("https://gone.example/: cannot resolve host gone.example")
    assert str(err.value).endswith("; check the address, or your network")


def test_address_problem():
    assert address_problem("8.8.8.8") is None and address_problem("2606:4700::1111") is None
    assert address_problem("fd00::1") == "a private address"


def test_a_redirect_from_a_public_host_to_a_private_one_is_refused():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(302, headers={"Location": "http://intranet.example/secrets"})

    guard = Guard(resolver=resolver({"news.example": PUBLIC, "intranet.example": "10.1.2.3"}))
    with Fetcher(config(), guard, transport=httpx.MockTransport(handler)) as f, pytest.raises(Refused) as err:
        f.get("https://news.example/statement")
    assert str(err.value) == ("https://news.example/statement: redirected to http://intranet.example/secrets: "
                              "refused: host intranet.example resolves to 10.1.2.3, a private address; "
                              "use --allow-private for an intranet server")
    assert seen == ["https://news.example/statement"]       # the private hop was never requested


def test_a_redirect_to_a_private_address_literal_or_another_scheme_is_refused():
    for location, message in (("http://169.254.169.254/latest/", "169.254.169.254 is a link-local address"),
                              ("file:///etc/passwd", "only http and https are fetched")):
        transport = httpx.MockTransport(lambda r, loc=location: httpx.Response(301, headers={"Location": loc}))
        guard = Guard(resolver=resolver({"news.example": PUBLIC}))
        with Fetcher(config(), guard, transport=transport) as f, pytest.raises(Refused, match=message):
            f.get("https://news.example/statement")


def test_connections_go_to_the_checked_address():
    """A name the system cannot resolve reaches the test server only through the guard's own
    answer: the connection is made to the address the guard approved, not resolved again."""
    with FakeWeb() as web:
        web.routes["/statement"] = html("<p>Hello.</p>")
        guard = Guard(allow_private=True, resolver=resolver({"news.example": "127.0.0.1"}))
        with Fetcher(config(), guard) as f:
            got = f.get(f"http://news.example:{web.port}/statement")
        assert got.body == b"<p>Hello.</p>"
        assert web.requests[0].headers["host"] == f"news.example:{web.port}"


def test_dns_rebinding_between_check_and_connect_is_refused():
    """The name is public when the hop is checked and private when connecting: refused before
    any connection is made."""
    with FakeWeb() as web:
        web.routes["/statement"] = html("<p>Hello.</p>")
        calls = []
        table = {"rebind.example": [[PUBLIC], ["127.0.0.1"]]}
        with Fetcher(config(), Guard(resolver=resolver(table, calls))) as f, pytest.raises(Refused) as err:
            f.get(f"http://rebind.example:{web.port}/statement")
        assert "resolves to 127.0.0.1, a loopback address" in str(err.value)
        assert calls == ["rebind.example", "rebind.example"] and web.requests == []


def test_the_command_refuses_private_addresses_unless_allowed(tmp_path):
    with FakeWeb() as web:
        web.routes["/statement"] = html("<h1>Statement</h1><p>We are not choosing between cheap power and clean power.</p>")
        env = {**os.environ, "VERIFIER_CACHE": str(tmp_path / "cache"), "VERIFIER_FETCH_INTERVAL": "0"}
        cmd = [sys.executable, "-m", "verifier", "archive", "fetch", "--db", str(tmp_path / "a.db")]
        refused = subprocess.run([*cmd, web.url("/statement")], capture_output=True, text=True, env=env, timeout=60)
        assert refused.returncode == 2 and web.requests == []
        assert refused.stderr.strip().splitlines() == [
            f"verifier: {web.url('/statement')}: refused: 127.0.0.1 is a loopback address; "
            "use --allow-private for an intranet server"]
        allowed = subprocess.run([*cmd, "--allow-private", web.url("/statement")], capture_output=True,
                                 text=True, env=env, timeout=60)
        assert allowed.returncode == 0, allowed.stderr
        assert allowed.stdout.startswith("added") and web.count("/statement") == 1


def test_a_redirect_from_an_allowed_host_on_the_test_server_to_a_private_one(monkeypatch):
    """The same over a real connection: a made-up public name resolves to the test server (whose
    address counts as public here), which redirects to a name on a private network."""
    import verifier.archive.fetch.client as fetch

    real = fetch.address_problem
    monkeypatch.setattr(fetch, "address_problem", lambda a: None if a == "127.0.0.1" else real(a))
    with FakeWeb() as web:
        web.routes["/statement"] = Reply(302, headers={"Location": f"http://intranet.example:{web.port}/secrets"})
        web.routes["/secrets"] = html("<p>Salaries.</p>")
        guard = Guard(resolver=resolver({"news.example": "127.0.0.1", "intranet.example": "192.168.0.20"}))
        with Fetcher(config(), guard) as f, pytest.raises(Refused) as err:
            f.get(f"http://news.example:{web.port}/statement")
        assert "redirected to http://intranet.example" in str(err.value)
        assert "resolves to 192.168.0.20, a private address" in str(err.value)
        assert [r.path for r in web.requests] == ["/statement"]
