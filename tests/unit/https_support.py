"""A local HTTPS server for the remote-source tests and bench: a certificate authority made here with the
`openssl` command, a server certificate for 127.0.0.1, and a static server with ETag and
Last-Modified that can also misbehave on purpose (redirects, errors, huge or dripping answers)."""

from __future__ import annotations

import contextlib
import hashlib
import http.server
import socket
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from pathlib import Path

from app.library.remote import write_index


@dataclass(frozen=True)
class Authority:
    ca: Path
    cert: Path
    key: Path

    def client(self) -> ssl.SSLContext:
        """A client context that trusts only this authority (and checks the name as the app does)."""
        return ssl.create_default_context(cafile=str(self.ca))


def make_authority(folder: Path) -> Authority:
    """A throwaway CA and a server certificate for 127.0.0.1 signed by it."""
    folder.mkdir(parents=True, exist_ok=True)

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

    ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=Test CA", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    openssl("req", *ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1")
    (folder / "ext.cnf").write_text(
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
        "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
        "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid,issuer\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf")
    return Authority(folder / "ca.pem", folder / "server.pem", folder / "server.key")


@dataclass
class Behaviour:
    """What the server does besides serving files: by request path."""

    routes: dict[str, tuple[str, object]] = field(default_factory=dict)
    """"/index.json" -> ("status", 500) | ("redirect", "http://…") | ("huge", bytes) | ("drip", seconds)."""
    requests: list[tuple[str, int]] = field(default_factory=list)
    """(path, status) of every request answered."""


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        behaviour = self.server.behaviour
        path = self.path.split("?", 1)[0]
        kind, value = behaviour.routes.get(path, ("file", None))
        try:
            if kind == "status":
                self._answer(int(str(value)), b"no\n")
            elif kind == "redirect":
                self._answer(302, b"", {"Location": str(value)})
            elif kind == "huge":
                self._record(200)
                self.send_response(200)
                self.send_header("Connection", "close")  # no Content-Length: the body ends at close
                self.end_headers()
                chunk = b"x" * 65536
                for _ in range(int(str(value)) // len(chunk)):
                    self.wfile.write(chunk)
                self.close_connection = True
            elif kind == "drip":
                self._record(200)
                self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                self.wfile.flush()
                for _ in range(200):  # 200 bytes, one per `value` seconds: far past any deadline
                    time.sleep(float(str(value)))
                    self.wfile.write(b"a")
                    self.wfile.flush()
                self.close_connection = True
            else:
                self._file(path)
        except OSError:  # the client hung up (a refused answer): nothing to tell it
            self.close_connection = True

    def _file(self, path: str) -> None:
        root = self.server.root
        target = (root / path.lstrip("/")).resolve()
        if root.resolve() not in target.parents or not target.is_file():
            self._answer(404, b"not found\n")
            return
        data = target.read_bytes()
        etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self._answer(304, None, {"ETag": etag})
            return
        self._answer(200, data, {"ETag": etag, "Last-Modified": formatdate(target.stat().st_mtime,
                                                                            usegmt=True)})

    def _answer(self, status: int, body: bytes | None, headers: dict[str, str] | None = None) -> None:
        self._record(status)
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if body is not None:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def _record(self, status: int) -> None:
        self.server.behaviour.requests.append((self.path, status))


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    root: Path
    behaviour: Behaviour

    def get_request(self) -> tuple[socket.socket, object]:
        """As nginx does (tcp_nodelay): a response's header and body writes are not held back waiting
        for the client's delayed ACK (40 ms a request otherwise)."""
        connection, address = super().get_request()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection, address


class HttpsServer:
    """Serves `root` on 127.0.0.1 over HTTPS until `stop`; `start` again reuses the port."""

    def __init__(self, root: Path, authority: Authority, port: int = 0) -> None:
        self.root = root
        self.behaviour = Behaviour()
        self._authority = authority
        self.port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}/"

    def publish(self) -> None:
        """(Re)write the index of the served folder."""
        write_index(self.root)

    def start(self) -> HttpsServer:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(self._authority.cert), str(self._authority.key))
        server = _Server(("127.0.0.1", self.port), _Handler)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        server.root, server.behaviour = self.root, self.behaviour
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def paths(self) -> list[str]:
        """The paths requested so far."""
        return [path for path, _ in self.behaviour.requests]

    def __enter__(self) -> HttpsServer:
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(OSError):
            self.stop()
