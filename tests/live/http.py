"""A small HTTP client for the live servers, on the standard library: one connection per request (so threads never
share one), JSON, forms, multipart uploads and a cookie jar for the pages."""

import json as jsonlib
import uuid
from dataclasses import dataclass, field
from http.client import HTTPConnection, HTTPMessage
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from tests.factories import PASSWORD

API = "/api/v1"


@dataclass
class Response:
    status: int
    headers: HTTPMessage
    body: bytes

    def json(self):
        return jsonlib.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode()


@dataclass
class Client:
    """Requests to one server, with this client's headers (a bearer token, X-Forwarded-For) and cookies."""

    base_url: str
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    timeout: float = 60

    def request(self, method: str, path: str, *, json=None, form=None, files=None, headers=None) -> Response:
        body, sent = None, {"Connection": "close"} | self.headers | (headers or {})
        if json is not None:
            body, sent["Content-Type"] = jsonlib.dumps(json).encode(), "application/json"
        elif files is not None:
            body, sent["Content-Type"] = _multipart(files)
        elif form is not None:
            body, sent["Content-Type"] = urlencode(form).encode(), "application/x-www-form-urlencoded"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        address = urlsplit(self.base_url)
        connection = HTTPConnection(address.hostname, address.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=sent)
            raw = connection.getresponse()
            response = Response(raw.status, raw.headers, raw.read())
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> Response:
        return self.request("POST", path, **kwargs)

    def on(self, server) -> "Client":
        """The same user (token, headers, cookies) talking to another server."""
        return Client(server.url, dict(self.headers), dict(self.cookies), self.timeout)


def api_user(server, username: str, password: str = PASSWORD, **headers) -> Client:
    """A client of `server`'s API holding the bearer token that POST /api/v1/tokens gave `username`."""
    client = Client(server.url, headers)
    response = client.post(f"{API}/tokens", json={"username": username, "password": password})
    assert response.status == 201, (response.status, response.text)
    client.headers["Authorization"] = f"Bearer {response.json()['token']}"
    return client


def _multipart(files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, (filename, data, content_type) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"
