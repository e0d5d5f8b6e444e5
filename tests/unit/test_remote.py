"""HTTPS sources with an offline copy, and network shares polled behind inotify's back: a local HTTPS server
(a certificate authority made in the test) serving a wizard folder and misbehaving on purpose."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from app.library.copies import SourceStatus, Store
from app.library.remote import INDEX, Limits, RemoteError, RemoteSource, index_for, parse_index
from app.library.share import ShareSource, folder_digest, is_network, mount_of, network_digest
from tests.unit.https_support import Authority, HttpsServer, make_authority

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")

WIZARD = "wayguide: 1\nid: demo.{name}\ntitle: {title}\nsteps:\n  - id: one\n    title: One\n"


@pytest.fixture(scope="module")
def authority(tmp_path_factory: pytest.TempPathFactory) -> Authority:
    return make_authority(tmp_path_factory.mktemp("ca"))


def _folder(root: Path) -> Path:
    (root / "billing").mkdir(parents=True)
    (root / "hello.yaml").write_text(WIZARD.format(name="hello", title="Hello"))
    (root / "billing" / "refund.yaml").write_text(WIZARD.format(name="refund", title="Refund"))
    (root / "MANIFEST.sig").write_bytes(b"signature bytes")
    return root


@pytest.fixture
def server(tmp_path: Path, authority: Authority) -> Iterator[HttpsServer]:
    served = HttpsServer(_folder(tmp_path / "served"), authority)
    served.publish()
    with served.start():
        yield served


def _source(server: HttpsServer, cache: Path, authority: Authority, **kwargs: object) -> RemoteSource:
    return RemoteSource(server.url, cache, context=authority.client(), **kwargs)  # type: ignore[arg-type]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_first_fetch_copies_every_listed_file(server: HttpsServer, tmp_path: Path,
                                              authority: Authority) -> None:
    source = _source(server, tmp_path / "cache", authority)
    assert source.folder() is None

    assert source.refresh() is True

    copy = source.folder()
    assert copy is not None
    expected = _files(server.root)
    del expected[INDEX]
    assert _files(copy) == expected
    assert sorted(server.paths()) == ["/MANIFEST.sig", "/billing/refund.yaml", "/hello.yaml", "/index.json"]
    status = source.status()
    assert status.error is None and status.reached_at is not None and not status.offline
    assert "up to date" in status.describe()


def test_unchanged_source_costs_one_conditional_request(server: HttpsServer, tmp_path: Path,
                                                        authority: Authority) -> None:
    source = _source(server, tmp_path / "cache", authority)
    source.refresh()
    copy = source.folder()
    server.behaviour.requests.clear()

    assert source.refresh() is False

    assert server.behaviour.requests == [("/index.json", 304)]
    assert source.folder() == copy


def test_a_changed_file_is_fetched_alone_and_swapped_in(server: HttpsServer, tmp_path: Path,
                                                        authority: Authority) -> None:
    source = _source(server, tmp_path / "cache", authority)
    source.refresh()
    old = source.folder()
    assert old is not None
    (server.root / "hello.yaml").write_text(WIZARD.format(name="hello", title="Hello again"))
    (server.root / "new.yaml").write_text(WIZARD.format(name="new", title="New"))
    (server.root / "billing" / "refund.yaml").unlink()
    server.publish()
    server.behaviour.requests.clear()

    assert source.refresh() is True

    assert sorted(server.paths()) == ["/hello.yaml", "/index.json", "/new.yaml"]
    copy = source.folder()
    assert copy is not None and copy != old
    assert b"Hello again" in (copy / "hello.yaml").read_bytes()
    assert sorted(_files(copy)) == ["MANIFEST.sig", "hello.yaml", "new.yaml"]
    assert b"Hello again" not in (old / "hello.yaml").read_bytes()  # an old copy's reader: undisturbed


def test_offline_keeps_the_copy_and_says_since_when_then_comes_back(server: HttpsServer, tmp_path: Path,
                                                                    authority: Authority) -> None:
    source = _source(server, tmp_path / "cache", authority)
    source.refresh()
    copy = source.folder()
    reached = source.status().reached_at
    server.stop()

    assert source.refresh() is False

    status = source.status()
    assert status.offline and status.folder == copy and status.reached_at == reached
    assert "connection refused" in (status.error or "")
    assert status.describe().startswith(f"{server.url}: offline since ")
    assert copy is not None and "hello.yaml" in _files(copy)

    (server.root / "hello.yaml").write_text(WIZARD.format(name="hello", title="Back"))
    server.publish()
    server.start()  # the same port
    assert source.refresh() is True
    status = source.status()
    assert not status.offline and status.reached_at is not None and reached is not None
    assert status.reached_at >= reached
    assert status.folder is not None and b"Back" in (status.folder / "hello.yaml").read_bytes()


def test_never_fetched_and_offline_says_so(tmp_path: Path, authority: Authority, server: HttpsServer) -> None:
    source = _source(server, tmp_path / "cache", authority)
    server.stop()
    assert source.refresh() is False
    assert source.folder() is None
    assert "not fetched yet" in source.status().describe()


@pytest.mark.parametrize("location", ["http://127.0.0.1:{port}/index.json", "https://localhost:{port}/index.json"])
def test_a_redirect_off_https_or_the_host_is_refused(server: HttpsServer, tmp_path: Path,
                                                     authority: Authority, location: str) -> None:
    source = _source(server, tmp_path / "cache", authority)
    source.refresh()
    copy = source.folder()
    (server.root / "hello.yaml").write_text(WIZARD.format(name="hello", title="Changed"))
    server.publish()
    server.behaviour.routes["/index.json"] = ("redirect", location.format(port=server.port))

    assert source.refresh() is False

    assert "refused (only HTTPS on the same host)" in (source.status().error or "")
    assert source.folder() == copy
    assert server.paths()[-1] == "/index.json"  # the redirect was not followed


def test_a_redirect_on_the_same_host_is_followed(server: HttpsServer, tmp_path: Path,
                                                 authority: Authority) -> None:
    server.behaviour.routes["/old/index.json"] = ("redirect", "/index.json")
    source = RemoteSource(server.url + "old/index.json", tmp_path / "cache", context=authority.client())
    assert source.refresh() is True  # the files are relative to where the index was found
    assert server.paths()[:2] == ["/old/index.json", "/index.json"]
    assert "/hello.yaml" in server.paths()


def test_a_server_error_keeps_the_copy(server: HttpsServer, tmp_path: Path, authority: Authority) -> None:
    source = _source(server, tmp_path / "cache", authority)
    source.refresh()
    copy = source.folder()
    (server.root / "hello.yaml").write_text(WIZARD.format(name="hello", title="Half"))
    server.publish()
    server.behaviour.routes["/hello.yaml"] = ("status", 500)

    assert source.refresh() is False

    assert "/hello.yaml: HTTP 500" in (source.status().error or "")
    assert source.folder() == copy
    assert copy is not None and b"Half" not in (copy / "hello.yaml").read_bytes()
    assert not list((tmp_path / "cache").rglob("staging-*"))


def test_a_huge_body_is_cut_off(server: HttpsServer, tmp_path: Path, authority: Authority) -> None:
    server.behaviour.routes["/hello.yaml"] = ("huge", 8 << 20)
    source = _source(server, tmp_path / "cache", authority)

    assert source.refresh() is False

    assert "bytes allowed" in (source.status().error or "")
    assert source.folder() is None


def test_a_huge_index_is_cut_off(server: HttpsServer, tmp_path: Path, authority: Authority) -> None:
    server.behaviour.routes["/index.json"] = ("huge", 8 << 20)
    source = RemoteSource(server.url, tmp_path / "cache", context=authority.client(),
                          limits=Limits(index_bytes=1 << 20))
    assert source.refresh() is False
    assert f"more than the {1 << 20} bytes allowed" in (source.status().error or "")


def test_a_file_not_matching_its_hash_is_refused(server: HttpsServer, tmp_path: Path,
                                                 authority: Authority) -> None:
    (server.root / "hello.yaml").write_text(WIZARD.format(name="hello", title="Tampered"))  # index not redone
    source = _source(server, tmp_path / "cache", authority)
    assert source.refresh() is False
    assert source.folder() is None
    assert "hello.yaml" in (source.status().error or "")


@pytest.mark.parametrize("path", ["../evil.yaml", "a/../../evil.yaml", "/etc/evil.yaml", "a\\..\\evil.yaml",
                                  "c:evil.yaml", "", "a//b.yaml", INDEX])
def test_an_index_path_leaving_the_folder_is_refused(server: HttpsServer, tmp_path: Path,
                                                     authority: Authority, path: str) -> None:
    index = json.loads((server.root / INDEX).read_text())
    index["files"].append({"path": path, "size": 4, "sha256": "0" * 64})
    (server.root / INDEX).write_text(json.dumps(index))
    source = _source(server, tmp_path / "cache", authority)

    assert source.refresh() is False

    assert "unsafe path" in (source.status().error or "")
    assert server.paths() == ["/index.json"]
    assert not (tmp_path / "evil.yaml").exists() and not (tmp_path / "cache" / "evil.yaml").exists()


def test_a_dripping_server_is_cut_off_at_the_deadline(server: HttpsServer, tmp_path: Path,
                                                      authority: Authority) -> None:
    server.behaviour.routes["/index.json"] = ("drip", 0.1)  # each byte well within the read timeout
    source = RemoteSource(server.url, tmp_path / "cache", context=authority.client(),
                          limits=Limits(connect_timeout=2.0, request_deadline=0.5))
    assert source.refresh() is False
    assert "no complete answer within 0.5 s" in (source.status().error or "")


def test_an_untrusted_certificate_is_refused(server: HttpsServer, tmp_path: Path) -> None:
    source = RemoteSource(server.url, tmp_path / "cache")  # the system's authorities: not the test's
    assert source.refresh() is False
    assert "certificate is not trusted" in (source.status().error or "")


def test_the_validator_sees_the_complete_copy_before_it_is_used(server: HttpsServer, tmp_path: Path,
                                                                authority: Authority) -> None:
    seen: list[list[str]] = []

    def validator(folder: Path) -> str | None:
        seen.append(sorted(_files(folder)))
        return "MANIFEST.sig: bad signature" if b"Evil" in (folder / "hello.yaml").read_bytes() else None

    source = _source(server, tmp_path / "cache", authority, validator=validator)
    assert source.refresh() is True
    good = source.folder()
    (server.root / "hello.yaml").write_text(WIZARD.format(name="hello", title="Evil"))
    server.publish()

    assert source.refresh() is False

    assert seen == [["MANIFEST.sig", "billing/refund.yaml", "hello.yaml"]] * 2
    assert source.folder() == good and source.status().error == "MANIFEST.sig: bad signature"


def test_a_folder_signed_with_the_cli_is_served_as_it_is_and_its_copy_loads_signed(
        tmp_path: Path, authority: Authority) -> None:
    """`wayguide sign` writes index.json after the manifest and signature: a plain static server serves the
    folder untouched, the copy verifies with the publisher's key, and its wizards are signed."""
    from app.library.layers import Layer, Library
    from app.library.signing import MANIFEST, SIGNATURE, parse_key, verifier_for, verify
    from tests.unit.cli_support import run

    key = tmp_path / "keys" / "publisher.key"
    key.parent.mkdir()
    public = parse_key(run("keygen", "--out", str(key))[1].strip())
    folder = tmp_path / "publish"
    (folder / "billing").mkdir(parents=True)
    (folder / "hello.yaml").write_text(WIZARD.format(name="hello", title="Hello"))
    (folder / "billing" / "refund.yaml").write_text(WIZARD.format(name="refund", title="Refund"))

    code, _, err = run("sign", str(folder), "--key", str(key))

    assert code == 0 and err.splitlines()[-1].startswith(f"wrote {folder / INDEX}: ")
    listed = [entry.path for entry in parse_index((folder / INDEX).read_bytes())]
    assert listed == ["billing/refund.yaml", "hello.yaml", MANIFEST, SIGNATURE]
    assert (folder / INDEX).stat().st_mode & 0o444 == 0o444  # the web server may read it
    with HttpsServer(folder, authority).start() as server:  # no publish(): served as signed
        source = RemoteSource(server.url, tmp_path / "cache", context=authority.client(),
                              validator=lambda copy: None if verify(copy, (public,)).trusted else "untrusted")
        assert source.refresh() is True
    copy = source.folder()
    assert copy is not None and source.status().error is None
    library = Library([Layer("policy", copy)], verifier=verifier_for((public,)))
    library.refresh()
    assert {entry.id: entry.trust for entry in library} == {"demo.hello": "signed", "demo.refund": "signed"}


def test_sign_refuses_a_private_key_inside_the_folder_it_publishes(tmp_path: Path) -> None:
    from tests.unit.cli_support import run

    folder = tmp_path / "publish"
    folder.mkdir()
    (folder / "hello.yaml").write_text(WIZARD.format(name="hello", title="Hello"))
    run("keygen", "--out", str(folder / "publisher.key"))

    code, _, err = run("sign", str(folder), "--key", str(folder / "publisher.key"))

    assert code == 1 and err.count("\n") == 1 and "the private key lies in the folder to sign" in err
    assert sorted(p.name for p in folder.iterdir()) == ["hello.yaml", "publisher.key", "publisher.key.pub"]


def test_only_https_urls() -> None:
    with pytest.raises(RemoteError, match="not an https:// URL"):
        RemoteSource("http://intranet.example/wizards/", Path("/nonexistent"))


def test_index_round_trip(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "f")
    (folder / ".git").mkdir()
    (folder / ".git" / "HEAD").write_text("ref")
    entries = parse_index(index_for(folder))
    assert [e.path for e in entries] == ["MANIFEST.sig", "billing/refund.yaml", "hello.yaml"]
    with pytest.raises(RemoteError, match="not a Wayguide index"):
        parse_index(b'{"files": []}')
    with pytest.raises(RemoteError, match="not JSON"):
        parse_index(b"\xff")


# ------------------------------------------------------------------ shares

MOUNTINFO = """\
22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
40 22 0:35 / /srv rw,relatime shared:20 - ext4 /dev/sdb1 rw
41 40 0:36 / /srv/wizards rw,relatime shared:21 - nfs4 files:/export/wizards rw,vers=4.2
42 22 0:37 / /mnt/my\\040share rw,relatime - cifs //nas/share rw
"""


def test_network_folders_are_found_in_the_mount_table(tmp_path: Path) -> None:
    assert mount_of(Path("/srv/wizards/billing"), MOUNTINFO) is not None
    assert is_network(Path("/srv/wizards"), MOUNTINFO)
    assert is_network(Path("/srv/wizards/billing"), MOUNTINFO)
    assert not is_network(Path("/srv/wizards-local"), MOUNTINFO)
    assert not is_network(Path("/srv"), MOUNTINFO)
    assert is_network(Path("/mnt/my share/x"), MOUNTINFO)
    assert not is_network(Path("/home/a"), MOUNTINFO)
    mount = mount_of(Path("/mnt/my share"), MOUNTINFO)
    assert mount is not None and mount.fstype == "cifs" and mount.source == "//nas/share"
    assert isinstance(is_network(tmp_path), bool)  # the real table reads without error


def test_a_share_changed_behind_inotifys_back_is_noticed_by_the_poll(tmp_path: Path) -> None:
    share = _folder(tmp_path / "srv" / "wizards")
    table = f"22 1 8:1 / / rw - ext4 /dev/sda1 rw\n41 22 0:36 / {tmp_path / 'srv'} rw - nfs host:/export rw\n"
    assert is_network(share, table)
    source = ShareSource(share, tmp_path / "cache")

    assert source.poll() is True
    copy = source.folder()
    assert copy is not None and _files(copy) == _files(share)
    assert source.poll() is False and source.folder() == copy  # nothing changed: one stat per file

    hello = share / "hello.yaml"
    before = folder_digest(share)
    hello.write_text(WIZARD.format(name="hello", title="Hellx"))  # same size: only the mtime tells
    stat = hello.stat()
    os.utime(hello, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert folder_digest(share) != before

    assert source.poll() is True
    copy = source.folder()
    assert copy is not None and b"Hellx" in (copy / "hello.yaml").read_bytes()
    assert (copy / "billing" / "refund.yaml").read_bytes() == (share / "billing" / "refund.yaml").read_bytes()


def test_an_unreachable_share_keeps_its_copy(tmp_path: Path) -> None:
    share = _folder(tmp_path / "share")
    source = ShareSource(share, tmp_path / "cache")
    source.poll()
    copy = source.folder()
    share.rename(tmp_path / "gone")

    assert source.poll() is False

    status: SourceStatus = source.status()
    assert status.offline and status.folder == copy
    assert copy is not None and "hello.yaml" in _files(copy)
    assert "offline since" in status.describe()


def test_offline_since_is_the_first_failure_and_ends_with_an_answer(tmp_path: Path) -> None:
    share = _folder(tmp_path / "share")
    source = ShareSource(share, tmp_path / "cache")
    source.poll()
    copied = source.status()
    assert copied.offline_since is None and copied.changed_at is not None
    assert source.status().describe().startswith(f"{share}: up to date (checked ")
    share.rename(tmp_path / "gone")
    source.poll()
    first = source.status().offline_since
    source.poll()

    status = source.status()
    assert first is not None and status.offline_since == first == status.since
    assert status.label == str(share) and status.changed_at == copied.changed_at
    assert status.describe().endswith(
        f"; working from the copy of {datetime.fromtimestamp(copied.changed_at).strftime('%Y-%m-%d %H:%M')}")
    (tmp_path / "gone").rename(share)
    source.poll()
    assert source.status().offline_since is None and not source.status().offline


def test_a_source_the_app_never_looked_at_is_not_fetched_yet(tmp_path: Path) -> None:
    status = Store(tmp_path / "nothing", "https://intranet.example/wizards/").status()
    assert status.describe() == ("https://intranet.example/wizards/: not fetched yet "
                                 "(the app fetches it when it runs)")
    assert status.label == "intranet.example/wizards" and not status.offline


def test_network_digest_follows_links_going_up_and_down(tmp_path: Path) -> None:
    net = tmp_path / "net"
    (net / "eth0").mkdir(parents=True)
    (net / "eth0" / "operstate").write_text("up\n")
    up = network_digest(net)
    (net / "eth0" / "operstate").write_text("down\n")
    assert network_digest(net) != up
    assert network_digest(tmp_path / "nothing") == ""
