"""Careful HTTP fetching of originals (statement pages, snapshots, caption files) with httpx.

Owns how a URL becomes bytes, and nothing about what the bytes mean (see verifier.archive.fetch.web):

- ``Guard``: only http and https; unless ``allow_private``, only hosts whose *every* address is
  public (not loopback, private, link-local, multicast, reserved, unspecified or otherwise
  non-global). It is asked before each hop (redirects included) and again when a connection is
  made, and the connection goes to the address it approved (no DNS rebinding in between).
- ``Fetcher.get(url)``: redirects followed by hand (at most ``max_redirects``, each hop checked
  and rate-limited per host), retries with exponential backoff on connection errors, timeouts,
  429 and 5xx (``Retry-After`` in seconds or as an HTTP date is honoured up to ``max_wait``),
  only text, HTML, caption and JSON content types, downloads streamed and stopped at
  ``max_bytes``, and an HTTP cache (hishel, SQLite under ``$VERIFIER_CACHE/http``) keyed by the
  requested URL, so a second fetch of the same URL does not touch the network. ``offline``
  answers from the cache only. Only complete downloads are ever cached.

Every failure is a ``FetchError``: one line naming the URL, what went wrong and what to try.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import hashlib
import ipaddress
import os
import socket
import time
import urllib.parse
from dataclasses import dataclass, field, replace
from pathlib import Path

import httpcore
import httpx

from verifier import __version__
from verifier.errors import VerifierError

MAX_BYTES_ENV = "VERIFIER_MAX_FETCH_BYTES"
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
SCHEMES = ("http", "https")
REDIRECTS = (301, 302, 303, 307, 308)
IMMUTABLE_TTL = 365 * 86400.0      # cache lifetime of resources that never change (snapshots)
FINAL_URL_HEADER = "x-verifier-final-url"    # set on the final response, so they survive the cache
RETRIEVED_HEADER = "x-verifier-retrieved"
ACCEPT = ("text/html, application/xhtml+xml;q=0.9, text/plain;q=0.8, text/vtt;q=0.8, "
          "application/x-subrip;q=0.8, application/json;q=0.7, */*;q=0.1")
TEXT_TYPES = frozenset({
    "text/html", "application/xhtml+xml", "text/plain", "text/markdown", "text/x-markdown",
    "text/vtt", "application/x-subrip", "text/srt", "application/srt", "text/x-srt",
    "application/json", "text/json"})
# served as application/octet-stream (or untyped) by many servers; accepted for these only
UNTYPED_EXTENSIONS = (".srt", ".vtt", ".txt", ".md", ".json")
ENV = {"timeout": "VERIFIER_FETCH_TIMEOUT", "retries": "VERIFIER_FETCH_RETRIES",
       "interval": "VERIFIER_FETCH_INTERVAL", "max_bytes": MAX_BYTES_ENV,
       "cache_ttl": "VERIFIER_FETCH_CACHE_TTL"}


# ----------------------------------------------------------------------------- errors

class FetchError(VerifierError):
    """A URL that could not be fetched: ``url``, ``reason`` and a ``hint`` (what to try)."""

    def __init__(self, url: str, reason: str, hint: str | None = None):
        self.url, self.reason, self.hint = url, reason, hint
        super().__init__(f"{url}: {reason}" + (f"; {hint}" if hint else ""))


class Gone(FetchError):
    """The server says the page is not there (404) or no longer there (410)."""

    def __init__(self, url: str, status: int, hint: str | None = "try --wayback"):
        self.status = status
        super().__init__(url, f"{'gone' if status == 410 else 'not found'} ({status})", hint)


class Refused(FetchError):
    """The guard refused a URL: a scheme other than http(s), or a non-public address."""


class OfflineMiss(FetchError):
    """``offline`` and the URL is not in the cache."""


class _Retry(Exception):
    """An attempt that may succeed later: the error to raise if not, and the wait asked for."""

    def __init__(self, error: FetchError, delay: float | None = None):
        self.error, self.delay = error, delay


# ----------------------------------------------------------------------------- configuration

@dataclass
class FetchConfig:
    """How careful to be. ``FetchConfig.from_env()`` reads the VERIFIER_FETCH_* variables."""

    timeout: float = 20.0            # seconds to connect, and between two reads
    total_timeout: float = 180.0     # seconds for a whole fetch, retries included
    retries: int = 3                 # further attempts after a retryable failure
    backoff: float = 1.0             # first wait between attempts; doubles each time
    max_wait: float = 60.0           # longest wait a Retry-After may ask for
    interval: float = 1.0            # seconds between two requests to the same host
    max_bytes: int = DEFAULT_MAX_BYTES
    max_redirects: int = 5
    cache_dir: str | None = field(default_factory=lambda: default_cache_dir())
    cache_ttl: float = 7 * 86400.0   # how long a fetched page is served from the cache
    offline: bool = False            # the cache only; a miss is an error
    refresh: bool = False            # download again even when cached (and cache the new copy)
    user_agent: str = field(default_factory=lambda: default_user_agent())

    @classmethod
    def from_env(cls, **changes) -> "FetchConfig":
        values = {name: _env_number(var, int if name in ("retries", "max_bytes") else float)
                  for name, var in ENV.items()}
        return replace(cls(), **{**{k: v for k, v in values.items() if v is not None}, **changes})


def _env_number(name: str, kind):
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    try:
        number = kind(value)
    except ValueError:
        number = -1
    if number < 0:
        raise VerifierError(f"{name}={value!r} is not a number (0 or more)")
    return number


def default_cache_dir() -> str:
    """``$VERIFIER_CACHE/http``, default ``~/.cache/verifier/http``."""
    root = os.environ.get("VERIFIER_CACHE") or Path.home() / ".cache" / "verifier"
    return str(Path(root) / "http")


def default_user_agent() -> str:
    """``$VERIFIER_USER_AGENT``, else ``verifier/VERSION (+project URL)`` (the URL from the
    package's metadata, ``[project.urls]``; without one, ``verifier/VERSION`` alone)."""
    url = _project_url()
    return os.environ.get("VERIFIER_USER_AGENT") or f"verifier/{__version__}" + (f" (+{url})" if url else "")


def _project_url() -> str | None:
    try:
        from importlib.metadata import metadata

        meta = metadata("verifier")
    except Exception:  # not installed as a distribution: no URL to give
        return None
    urls = [u.split(",", 1)[1].strip() for u in meta.get_all("Project-URL") or [] if "," in u]
    return (urls or [meta.get("Home-page")])[0] or None


# ----------------------------------------------------------------------------- the guard

class Guard:
    """Which URLs may be fetched. ``resolver`` is ``socket.getaddrinfo`` (injectable)."""

    def __init__(self, allow_private: bool = False, resolver=None):
        self.allow_private = allow_private
        self.resolver = resolver or socket.getaddrinfo

    def check_url(self, url: str) -> None:
        """Raise Refused unless ``url`` is http(s) and (unless allowed) its host is public."""
        host, port = check_scheme(url)
        if not self.allow_private:
            self.addresses(host, port, url)

    def addresses(self, host: str, port: int, url: str | None = None) -> list[str]:
        """The addresses of ``host``, every one of them checked (unless private ones are allowed)."""
        url = url or f"{host}:{port}"
        found = self._resolve(host, port, url)
        for address in found if not self.allow_private else ():
            problem = address_problem(address)
            if problem:
                what = f"{address} is" if address == host else f"host {host} resolves to {address},"
                raise Refused(url, f"refused: {what} {problem}", "use --allow-private for an intranet server")
        if not found:
            raise FetchError(url, f"cannot resolve host {host}", "check the address")
        return found


    def _resolve(self, host: str, port: int, url: str) -> list[str]:
        try:
            ipaddress.ip_address(host.strip("[]"))
            return [host.strip("[]")]        # an address already
        except ValueError:
            pass
        try:
            infos = self.resolver(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise FetchError(url, f"cannot resolve host {host} ({exc})",
                             "check the address, or your network") from None
        return list(dict.fromkeys(info[4][0] for info in infos))


def check_scheme(url: str) -> tuple[str, int]:
    """(host, port) of an http(s) URL; Refused for any other scheme or a URL without a host."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchError(url, f"not a valid URL ({exc})", "check the address") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        what = f"{scheme}: URLs are" if scheme else "a URL without http:// or https:// is"
        raise Refused(url, f"{what} not fetched (only http and https)", "give an http(s) URL")
    if not parts.hostname:
        raise FetchError(url, "no host in the URL", "check the address")
    return parts.hostname, port or (443 if scheme == "https" else 80)


def address_problem(address: str) -> str | None:
    """What makes an address non-public ("a loopback address", ...), or None if it is public."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    for attribute, name in (("is_loopback", "a loopback"), ("is_link_local", "a link-local"),
                            ("is_multicast", "a multicast"), ("is_unspecified", "an unspecified"),
                            ("is_reserved", "a reserved"), ("is_private", "a private")):
        if getattr(ip, attribute):
            return f"{name} address"
    return None if ip.is_global else "a non-public address"


class _GuardedBackend(httpcore.NetworkBackend):
    """Connects to the addresses the guard approved when the connection is made."""

    def __init__(self, guard: Guard):
        self.guard = guard
        self.inner = httpcore.SyncBackend()

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        error = None
        for address in self.guard.addresses(host, port):
            try:
                return self.inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                error = exc
        raise error

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise httpcore.ConnectError("Unix sockets are not used")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class _PinnedTransport(httpx.HTTPTransport):
    """httpx's HTTP transport whose connections go through the guard (no proxies from the
    environment: a proxy would resolve names itself)."""

    def __init__(self, guard: Guard):
        super().__init__(trust_env=False)
        self._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(trust_env=False),
                                             network_backend=_GuardedBackend(guard))


# ----------------------------------------------------------------------------- hops

class RateLimiter:
    """At most one request per ``interval`` seconds to each host."""

    def __init__(self, interval: float, clock=time.monotonic, sleep=time.sleep):
        self.interval, self.clock, self.sleep = interval, clock, sleep
        self.ready: dict[str, float] = {}

    def wait(self, host: str) -> None:
        now = self.clock()
        ready = self.ready.get(host, now)
        if ready > now:
            self.sleep(ready - now)
            now = ready
        self.ready[host] = now + self.interval


class _RedirectingTransport(httpx.BaseTransport):
    """Follows redirects by hand: each hop is checked by the guard and rate-limited. The final
    response carries its URL and retrieval time in headers (kept by the cache)."""

    def __init__(self, inner: httpx.BaseTransport, guard: Guard, limiter: RateLimiter, max_redirects: int):
        self.inner, self.guard, self.limiter, self.max_redirects = inner, guard, limiter, max_redirects

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        hop = request
        for _ in range(self.max_redirects + 1):
            self._check(request, hop)
            self.limiter.wait(hop.url.host)
            response = self.inner.handle_request(hop)
            location = response.headers.get("location") if response.status_code in REDIRECTS else None
            if not location:
                response.headers[FINAL_URL_HEADER] = str(hop.url)
                response.headers[RETRIEVED_HEADER] = _now()
                return response
            response.close()
            hop = _next_hop(request, hop, location)
        raise FetchError(str(request.url), f"more than {self.max_redirects} redirects", "check the address")

    def _check(self, request: httpx.Request, hop: httpx.Request) -> None:
        try:
            self.guard.check_url(str(hop.url))
        except FetchError as exc:
            if hop is request:
                raise
            raise type(exc)(str(request.url), f"redirected to {hop.url}: {exc.reason}", exc.hint) from None

    def close(self) -> None:
        self.inner.close()


def _next_hop(request: httpx.Request, hop: httpx.Request, location: str) -> httpx.Request:
    try:
        url = hop.url.join(location.strip())
    except httpx.InvalidURL:
        raise FetchError(str(request.url), f"redirected to an invalid URL {location!r}",
                         "check the address") from None
    if url.scheme not in SCHEMES:
        raise Refused(str(request.url), f"redirected to {location!r}: only http and https are fetched")
    headers = [(k, v) for k, v in hop.headers.multi_items() if k.lower() != "host"]
    return httpx.Request("GET", url, headers=headers, extensions=request.extensions)


class _OfflineTransport(httpx.BaseTransport):
    """Behind the cache when offline: whatever reaches it was not cached."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        raise OfflineMiss(str(request.url), "not in the cache (offline)",
                          "fetch it once without --offline")


# ----------------------------------------------------------------------------- fetching

@dataclass
class Fetched:
    """A complete download: the ``body`` of ``url`` as served from ``final_url``."""

    url: str
    final_url: str
    status: int
    content_type: str
    body: bytes
    retrieved: str        # when it was downloaded (UTC, ISO 8601); earlier than now if cached
    from_cache: bool = False

    @property
    def media_type(self) -> str:
        return self.content_type.split(";", 1)[0].strip().lower()


class Fetcher:
    """Fetches URLs carefully (see the module docstring). Use as a context manager, or close().

    ``guard``, ``transport`` (e.g. httpx.MockTransport), ``sleep``, ``clock`` and ``wall`` (the
    time of day, for Retry-After dates) can be injected; a given ``transport`` replaces the
    network (and its connect-time guard), not the per-hop guard, redirects or cache.
    """

    def __init__(self, config: FetchConfig | None = None, guard: Guard | None = None,
                 transport: httpx.BaseTransport | None = None, sleep=time.sleep,
                 clock=time.monotonic, wall=time.time):
        self.config = config or FetchConfig.from_env()
        self.guard = guard or Guard()
        self.sleep, self.clock, self.wall = sleep, clock, wall
        self.storage = self._storage()
        self.client = httpx.Client(transport=self._transport(transport), follow_redirects=False,
                                   timeout=self.config.timeout, trust_env=False,
                                   headers={"User-Agent": self.config.user_agent, "Accept": ACCEPT})

    def _storage(self):
        if not self.config.cache_dir:
            return None
        import hishel

        try:
            os.makedirs(self.config.cache_dir, exist_ok=True)
        except OSError as exc:
            raise VerifierError(f"{self.config.cache_dir}: cannot create the HTTP cache "
                                f"({exc.strerror or exc}); set VERIFIER_CACHE") from None
        return hishel.SqliteStorage(database_path=Path(self.config.cache_dir) / "cache.db",
                                    default_ttl=self.config.cache_ttl, max_stream_size=self.config.max_bytes)

    def _transport(self, network: httpx.BaseTransport | None) -> httpx.BaseTransport:
        if self.config.offline:
            chain = _OfflineTransport()
        else:
            limiter = RateLimiter(self.config.interval, self.clock, self.sleep)
            chain = _RedirectingTransport(network or _PinnedTransport(self.guard), self.guard, limiter,
                                          self.config.max_redirects)
        if self.storage is None:
            return chain
        from hishel.httpx import CacheTransport

        return CacheTransport(chain, storage=self.storage)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def get(self, url: str, immutable: bool = False) -> Fetched:
        """Download ``url`` (see the module docstring); ``immutable``: cache it for a year."""
        check_scheme(url)
        deadline = self.clock() + self.config.total_timeout
        for attempt in range(self.config.retries + 1):
            try:
                return self._attempt(url, immutable, deadline)
            except _Retry as retry:
                self._before_retry(retry, attempt, deadline)
        raise AssertionError("unreachable")

    def _before_retry(self, retry: _Retry, attempt: int, deadline: float) -> None:
        error, delay = retry.error, retry.delay
        if delay is not None and delay > self.config.max_wait:
            raise FetchError(error.url, f"{error.reason}, and the server asks to wait {delay:.0f}s",
                             "try again later") from None
        delay = self.config.backoff * 2 ** attempt if delay is None else delay
        if attempt >= self.config.retries or self.clock() + delay > deadline:
            tries = f" after {attempt + 1} attempts" if attempt else ""
            raise FetchError(error.url, error.reason + tries, error.hint) from None
        self.sleep(delay)

    def _attempt(self, url: str, immutable: bool, deadline: float) -> Fetched:
        request = self.client.build_request("GET", url, extensions=self._cache_options(url, immutable))
        with _network_errors(url):
            response = self.client.send(request, stream=True)
        try:
            self._check_response(url, response)
            with _network_errors(url):
                body = self._read(url, response, deadline)
        finally:
            response.close()
        caching = response.extensions.get("caching")
        return Fetched(url, response.headers.get(FINAL_URL_HEADER, url), response.status_code,
                       response.headers.get("content-type", ""), body,
                       response.headers.get(RETRIEVED_HEADER) or _now(),
                       bool(caching and caching.get("from_cache")))

    def _cache_options(self, url: str, immutable: bool) -> dict:
        if self.storage is None:
            return {}
        key = hashlib.sha256(f"verifier GET {url}".encode()).hexdigest()
        if self.config.refresh and not self.config.offline:
            for entry in self.storage.get_entries(key):
                self.storage.remove_entry(entry.id)
        return {"caching": {"key": key, "ttl": IMMUTABLE_TTL if immutable else None}}

    def _check_response(self, url: str, response: httpx.Response) -> None:
        status = response.status_code
        if status in (404, 410):
            raise Gone(url, status)
        if status == 429 or status >= 500:
            what = "rate limited" if status == 429 else "server error"
            delay = retry_after(response.headers.get("retry-after"), self.wall())
            raise _Retry(FetchError(url, f"{what} ({status})", "try again later"), delay)
        if not 200 <= status < 300:
            raise FetchError(url, f"refused by the server ({status} {response.reason_phrase})".strip(),
                             "check the address")
        media = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if not acceptable_type(media, response.headers.get(FINAL_URL_HEADER, url)):
            raise FetchError(url, f"not a text document (content type {media or 'missing'})",
                             "only HTML, text, captions (.srt, .vtt) and JSON are fetched")

    def _read(self, url: str, response: httpx.Response, deadline: float) -> bytes:
        limit = self.config.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise _too_large(url, limit)
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise _too_large(url, limit)
            if self.clock() > deadline:
                raise FetchError(url, "download took too long", "try again later")
            chunks.append(chunk)
        if not size:
            raise FetchError(url, "empty response", "check the address")
        return b"".join(chunks)


@contextlib.contextmanager
def _network_errors(url: str):
    """httpx's network errors as retryable FetchErrors naming the URL."""
    try:
        yield
    except httpx.TimeoutException:
        raise _Retry(FetchError(url, "timed out", "try again later, or raise VERIFIER_FETCH_TIMEOUT")) from None
    except httpx.TransportError as exc:
        raise _Retry(FetchError(url, f"connection failed ({_one_line(exc)})",
                                "check the address, or try again later")) from None
    except httpx.DecodingError as exc:
        raise FetchError(url, f"cannot decode the response ({_one_line(exc)})", "try again later") from None
    except httpx.InvalidURL as exc:
        raise FetchError(url, f"not a valid URL ({_one_line(exc)})", "check the address") from None


def acceptable_type(media_type: str, url: str) -> bool:
    """Whether a response of this media type is fetched: text, HTML, captions, JSON (and an
    untyped or application/octet-stream file whose name says it is one of those)."""
    if media_type in TEXT_TYPES or media_type.endswith("+json"):
        return True
    path = urllib.parse.urlsplit(url).path.lower()
    return media_type in ("", "application/octet-stream") and path.endswith(UNTYPED_EXTENSIONS)


def retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header (seconds, or an HTTP date); None if absent."""
    value = (value or "").strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return max(0.0, when.timestamp() - now)


def _too_large(url: str, limit: int) -> FetchError:
    size = f"{limit / 1048576:.1f} MB" if limit >= 1048576 else f"{limit} bytes"
    return FetchError(url, f"larger than {size}, download stopped", f"set {MAX_BYTES_ENV} to raise the limit")


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _one_line(exc: BaseException) -> str:
    return (" ".join(str(exc).split()) or type(exc).__name__)[:160]
