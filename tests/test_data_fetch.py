"""fetch(): cache, checksums, mirror, download from a real local HTTP server, offline fallbacks."""

from __future__ import annotations

import gzip
import hashlib
import http.server
import importlib
import io
import os
import threading
import zipfile
import zlib
from pathlib import Path

import pytest
from gensim.test.utils import datapath

from dlnlp.data import (
    REGISTRY,
    ChecksumError,
    Dataset,
    DataUnavailable,
    embedded,
    fetch,
    last_source,
    sentences,
    words,
)

SHARED = Path(os.environ.get("DLNLP_SHARED_DATA") or Path(__file__).parents[1] / "../shared/data")


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


class Server:
    """A real http.server on 127.0.0.1 (free port, own thread) serving ``root``; logs requests."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.requests: list[str] = []
        log = self.requests

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(root), **kwargs)

            def log_message(self, *args):
                log.append(self.path)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "served"
    root.mkdir()
    srv = Server(root)
    yield srv
    if srv.thread.is_alive():
        srv.stop()


@pytest.fixture(autouse=True)
def env(tmp_path, monkeypatch):
    """A fresh cache per test, no mirror, network allowed (only to 127.0.0.1 in these tests)."""
    monkeypatch.setenv("DLNLP_DATA", str(tmp_path / "cache"))
    for var in ("DLNLP_MIRROR", "DLNLP_OFFLINE", "DLNLP_TRUST_UNVERIFIED"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path / "cache"


def dataset(request, url: str | None, content: bytes | None, **kw) -> Dataset:
    """A Dataset named after the test, expecting ``content`` (its hash and size) at ``url``."""
    kw = {
        "known_hash": sha256(content) if content is not None else None,
        "size": len(content) if content is not None else None,
        "filename": "file.txt",
        **kw,
    }
    return Dataset(
        name=f"test:{request.node.name}",
        url=url,
        license="test",
        citation="test",
        description="test",
        **kw,
    )


def cached_files(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.iterdir()) if cache.exists() else []


def announcements(out: str) -> list[str]:
    return [line for line in out.splitlines() if "is not available" in line]


TEXT = b"the quick brown fox jumps over the lazy dog\n" * 100


def test_download_is_verified_cached_and_reused_without_the_server(request, server, env):
    (server.root / "file.txt").write_bytes(TEXT)
    ds = dataset(request, server.url("file.txt"), TEXT)
    path = fetch(ds, progress=False)
    assert path == env / "file.txt" and path.read_bytes() == TEXT
    assert last_source[ds.name] == "download"
    assert (env / "file.txt.sha256").read_text().split()[0] == sha256(TEXT)[7:]
    assert server.requests == ["/file.txt"]
    server.stop()
    assert fetch(ds, progress=False) == path
    assert last_source[ds.name] == "cache"
    assert [p for p in cached_files(env) if p.endswith(".part")] == []


def test_wrong_checksum_is_an_error_and_leaves_nothing(request, server, env):
    (server.root / "file.txt").write_bytes(TEXT)
    ds = dataset(request, server.url("file.txt"), TEXT.upper())  # same size, other bytes
    with pytest.raises(ChecksumError) as err:
        fetch(ds, progress=False)
    msg = str(err.value)
    assert sha256(TEXT.upper())[7:] in msg and sha256(TEXT)[7:] in msg
    assert "expected" in msg and "got" in msg and server.url("file.txt") in msg
    assert cached_files(env) == []


def test_corrupted_or_unrecorded_cache_file_is_fetched_again(request, server, env, capsys):
    (server.root / "file.txt").write_bytes(TEXT)
    ds = dataset(request, server.url("file.txt"), TEXT)
    path = fetch(ds, progress=False)
    path.write_bytes(TEXT[:100])  # truncated
    assert fetch(ds, progress=False).read_bytes() == TEXT
    assert last_source[ds.name] == "download"
    assert "failed its checksum check" in capsys.readouterr().out
    (env / "file.txt.sha256").unlink()  # a file that was never recorded as verified
    assert fetch(ds, progress=False).read_bytes() == TEXT
    assert server.requests == ["/file.txt"] * 3


def test_server_down_falls_back_with_exactly_one_line(request, server, capsys):
    ds = dataset(
        request,
        server.url("file.txt"),
        TEXT,
        fallback="gensim:wordsim353.tsv",
        mirror="sub/file.txt.gz",
        mirror_hash=sha256(b""),
    )
    server.stop()
    first = fetch(ds, progress=False)
    second = fetch(ds, progress=False)
    assert first == second == Path(datapath("wordsim353.tsv"))
    assert last_source[ds.name] == "embedded"
    lines = announcements(capsys.readouterr().out)
    assert len(lines) == 1
    assert ds.name in lines[0] and "no network" in lines[0] and "DLNLP_MIRROR unset" in lines[0]


def test_server_down_without_fallback_raises_data_unavailable(request, server, env):
    ds = dataset(
        request, server.url("file.txt"), TEXT, mirror="sub/file.txt.gz", mirror_hash=sha256(b"")
    )
    server.stop()
    with pytest.raises(DataUnavailable) as err:
        fetch(ds, progress=False)
    msg = str(err.value)
    for part in (ds.name, "file.txt", server.url("file.txt"), "DLNLP_MIRROR", "sub/file.txt.gz"):
        assert part in msg
    assert isinstance(err.value, RuntimeError)
    assert cached_files(env) == []


def test_http_error_is_reported(request, server):
    ds = dataset(request, server.url("missing.txt"), TEXT)
    with pytest.raises(DataUnavailable, match="HTTP 404"):
        fetch(ds, progress=False)


def test_offline_never_touches_the_network(request, server, monkeypatch, capsys):
    (server.root / "file.txt").write_bytes(TEXT)
    monkeypatch.setenv("DLNLP_OFFLINE", "1")
    ds = dataset(request, server.url("file.txt"), TEXT, fallback="gensim:simlex999.txt")
    assert fetch(ds, progress=False) == Path(datapath("simlex999.txt"))
    assert "DLNLP_OFFLINE=1" in announcements(capsys.readouterr().out)[0]
    with pytest.raises(DataUnavailable, match="DLNLP_OFFLINE=1"):
        fetch(dataset(request, server.url("file.txt"), TEXT, filename="other.txt"))
    assert server.requests == []


def test_mirror_gz_is_verified_and_unpacked(request, server, env, tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    (mirror / "sub").mkdir(parents=True)
    gz = gzip.compress(TEXT, mtime=0)
    (mirror / "sub" / "file.txt.gz").write_bytes(gz)
    monkeypatch.setenv("DLNLP_MIRROR", str(mirror))
    ds = dataset(
        request, server.url("file.txt"), TEXT, mirror="sub/file.txt.gz", mirror_hash=sha256(gz)
    )
    assert fetch(ds).read_bytes() == TEXT
    assert last_source[ds.name] == "mirror" and server.requests == []
    assert fetch(ds) == env / "file.txt" and last_source[ds.name] == "cache"


def test_corrupted_mirror_file_is_a_clear_error(request, tmp_path, env, monkeypatch):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    gz = gzip.compress(TEXT, mtime=0)
    (mirror / "file.txt.gz").write_bytes(gz[:-10])
    monkeypatch.setenv("DLNLP_MIRROR", str(mirror))
    ds = dataset(request, None, TEXT, mirror="file.txt.gz", mirror_hash=sha256(gz))
    with pytest.raises(ChecksumError, match=f"mirror file {mirror / 'file.txt.gz'}"):
        fetch(ds)
    (mirror / "file.txt.gz").write_bytes(gzip.compress(b"other", mtime=0))
    other = dataset(
        request,
        None,
        TEXT,
        mirror="file.txt.gz",
        mirror_hash=sha256((mirror / "file.txt.gz").read_bytes()),
    )
    with pytest.raises(ChecksumError, match="after gunzip"):
        fetch(other)
    assert cached_files(env) == []


def test_processors_unzip_and_gunzip(request, server):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("inner/a.txt", TEXT)
    (server.root / "a.zip").write_bytes(buf.getvalue())
    (server.root / "a.gz").write_bytes(gzip.compress(TEXT))
    zipped = dataset(request, server.url("a.zip"), buf.getvalue(), processor="unzip:inner/a.txt")
    gunzipped = dataset(
        request,
        server.url("a.gz"),
        (server.root / "a.gz").read_bytes(),
        processor="gunzip",
        filename="b.txt",
    )
    assert fetch(zipped, progress=False).read_bytes() == TEXT
    assert fetch(gunzipped, progress=False).read_bytes() == TEXT


def test_member_crc32_verifies_a_zip_with_no_published_hash(request, server, env):
    """text8's case: only the CRC-32 of the zip member is published."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("text8", TEXT)
    (server.root / "t.zip").write_bytes(buf.getvalue())
    crc = f"crc32:{zlib.crc32(TEXT):08x}"
    good = dataset(request, server.url("t.zip"), None, processor="unzip:text8", processed_hash=crc)
    assert fetch(good, progress=False).read_bytes() == TEXT
    bad = dataset(
        request,
        server.url("t.zip"),
        None,
        processor="unzip:text8",
        processed_hash="crc32:00000000",
        filename="other.txt",
    )
    with pytest.raises(ChecksumError, match="crc32"):
        fetch(bad, progress=False)
    assert "other.txt" not in cached_files(env)


def test_fallback_to_a_mirrored_variant_then_embedded(monkeypatch, capsys):
    """text8 -> text8-prefix from a mirror; without a mirror -> the embedded Wikipedia sample."""
    monkeypatch.setenv("DLNLP_OFFLINE", "1")
    if SHARED.is_dir():
        monkeypatch.setenv("DLNLP_MIRROR", str(SHARED))
        fetch("text8")
        assert last_source["text8"] == "mirror"
        assert announcements(capsys.readouterr().out)[0].count("text8-prefix from the mirror")
        importlib.import_module("dlnlp.data.fetch")._announced.clear()  # a new "process"
    monkeypatch.delenv("DLNLP_MIRROR", raising=False)
    monkeypatch.setenv("DLNLP_DATA", str(Path(os.environ["DLNLP_DATA"]) / "fresh"))
    path = fetch("text8")
    assert last_source["text8"] == "embedded" and "anarchism" in path.read_text()[:200]
    assert len(announcements(capsys.readouterr().out)) == 1


def test_entries_without_checksum_are_not_downloaded(request, server, monkeypatch, capsys):
    (server.root / "file.txt").write_bytes(TEXT)
    ds = dataset(request, server.url("file.txt"), None)
    with pytest.raises(DataUnavailable) as err:
        fetch(ds, progress=False)
    assert ds.name in str(err.value) and "DLNLP_TRUST_UNVERIFIED=1" in str(err.value)
    with_fallback = dataset(request, server.url("file.txt"), None, fallback="lee-lm.test")
    assert last_source.get(with_fallback.name) is None
    fetch(with_fallback, progress=False)
    assert "DLNLP_TRUST_UNVERIFIED=1" in announcements(capsys.readouterr().out)[0]
    assert last_source[with_fallback.name] == "embedded"
    assert server.requests == []

    monkeypatch.setenv("DLNLP_TRUST_UNVERIFIED", "1")
    assert fetch(ds, progress=False).read_bytes() == TEXT
    assert "NOT verified" in capsys.readouterr().out
    server.stop()
    assert fetch(ds, progress=False).read_bytes() == TEXT  # recorded hash guards the cache


def test_registry_is_consistent():
    for name, ds in REGISTRY.items():
        assert ds.name == name
        for h in (ds.known_hash, ds.mirror_hash, ds.processed_hash):
            if h is not None:
                alg, hexdigest = h.split(":")
                assert alg in {"sha256", "sha1", "md5", "crc32"} and int(hexdigest, 16) >= 0
        # a fallback is embedded, or a registry variant whose own fallback is embedded
        fallback = REGISTRY[ds.fallback].fallback if ds.fallback in REGISTRY else ds.fallback
        assert fallback is None or embedded.is_embedded(fallback)
        assert ds.url is None or ds.url.startswith(("https://", "http://"))
    unverified = sorted(n for n, ds in REGISTRY.items() if ds.known_hash is None)
    assert unverified == ["text8", "wikitext-2.train"]
    for name in ("wordsim353", "simlex999", "questions-words"):
        local = Path(datapath(REGISTRY[name].filename)).read_bytes()
        assert REGISTRY[name].known_hash == sha256(local)
        assert REGISTRY[name].size == len(local)


def test_every_mirror_entry_verifies_against_shared_data(monkeypatch):
    if not SHARED.is_dir():
        pytest.skip(f"shared data not found at {SHARED} (set DLNLP_SHARED_DATA)")
    monkeypatch.setenv("DLNLP_MIRROR", str(SHARED))
    monkeypatch.setenv("DLNLP_OFFLINE", "1")
    for name, ds in REGISTRY.items():
        if ds.mirror is not None:
            assert fetch(name).is_file()
            assert last_source[name] == "mirror", name
    lines = sentences("ptb.valid", eos="<eos>")
    assert len(lines) == 3_370 and sum(map(len, lines)) == 73_760
    assert len(words("text8-prefix")) == 2_139_748
    wiki = sentences("wikitext-2.valid", eos="<eos>")
    assert len(wiki) == 3_760 and sum(map(len, wiki)) == 217_646
