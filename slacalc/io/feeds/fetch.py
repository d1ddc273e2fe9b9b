"""Download a public feed (Statuspage, Google Cloud status) or Graph issues with the user's token.

``fetch(url)`` returns the bytes :func:`slacalc.io.feeds.read_feed` reads. It never waits longer
than ``timeout`` seconds for the server, never reads more than ``max_bytes`` (a feed is JSON text;
a bigger answer is refused), and follows Graph's ``@odata.nextLink`` pages, writing the pages one
after another as the importers expect. A Statuspage address with no path (``https://www.
githubstatus.com``) gets the public ``/api/v2/incidents.json``. A token is sent only to Microsoft
Graph and is never stored.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import httpx

from slacalc.errors import InputError

#: Most bytes one feed download may hold (all pages together): 50 MiB.
MAX_FEED_BYTES = 50 * 1024 * 1024
#: Most pages followed for one Graph download.
MAX_PAGES = 100
_GRAPH = "graph.microsoft.com"


def feed_url(url: str) -> str:
    """The address to download: a bare Statuspage site gets its incidents endpoint."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"{url!r}: give an http(s) address, such as https://www.githubstatus.com")
    if parts.path in ("", "/") and parts.netloc != _GRAPH:
        return f"{parts.scheme}://{parts.netloc}/api/v2/incidents.json"
    return url.strip()


def fetch(
    url: str,
    *,
    token: str | None = None,
    timeout: float = 30.0,
    max_bytes: int = MAX_FEED_BYTES,
    transport: httpx.BaseTransport | None = None,
) -> bytes:
    """The feed at ``url`` as bytes (Graph pages one after another)."""
    address = feed_url(url)
    graph = urlsplit(address).netloc == _GRAPH
    if graph and not token:
        raise InputError(
            "Microsoft Graph needs your access token: pass --token or set SLACALC_GRAPH_TOKEN"
        )
    headers = {"Accept": "application/json"}
    if graph and token:
        headers["Authorization"] = f"Bearer {token}"
    pages: list[bytes] = []
    total = 0
    with httpx.Client(
        timeout=timeout, follow_redirects=True, transport=transport, headers=headers
    ) as client:
        next_url: str | None = address
        while next_url is not None:
            if len(pages) >= MAX_PAGES:
                raise InputError(f"{address}: more than {MAX_PAGES} pages; narrow the request")
            body = _get(client, next_url, max_bytes - total, max_bytes)
            total += len(body)
            pages.append(body)
            next_url = _next_link(body) if graph else None
    return b"\n".join(pages)


def _get(client: httpx.Client, url: str, allowance: int, limit: int) -> bytes:
    try:
        with client.stream("GET", url) as response:
            if response.status_code >= 400:
                raise InputError(f"{url}: the server answered {response.status_code}")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > allowance:
                    raise InputError(f"{url}: larger than the limit of {limit:,} bytes")
                chunks.append(chunk)
    except httpx.TimeoutException:
        raise InputError(f"{url}: no answer in time") from None
    except httpx.HTTPError as exc:
        raise InputError(f"{url}: cannot download it: {exc}") from None
    return b"".join(chunks)


def _next_link(body: bytes) -> str | None:
    try:
        document = json.loads(body)
    except ValueError:
        raise InputError("Graph answered with something that is not JSON") from None
    link = document.get("@odata.nextLink") if isinstance(document, dict) else None
    return str(link) if link else None
