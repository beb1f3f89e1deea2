"""``fetch(name)``: a verified, ready-to-read local copy of a registry dataset.

Sources, in order:

1. the cache (``$DLNLP_DATA``, default ``~/.cache/dlnlp``): a hit is re-hashed on every call and
   compared with the sidecar ``<file>.sha256``; a mismatch deletes the file and fetches it again;
2. the mirror (``$DLNLP_MIRROR``, a folder laid out like ``shared/data``), verified, unpacked;
3. the network (skipped when ``DLNLP_OFFLINE=1``), verified against ``known_hash``; a file with
   no known checksum is only downloaded when ``DLNLP_TRUST_UNVERIFIED=1``;
4. the dataset's embedded fallback (see ``embedded.py``), announced once per dataset per process;
   with no fallback, :class:`DataUnavailable` says what is missing and how to get it.

Every file is written under a temporary name in the cache directory, verified, then moved into
place with ``os.replace``, so an interrupted fetch never leaves a file that passes as valid.
Which source served a name last is recorded in ``last_source[name]``: one of ``"cache"``,
``"mirror"``, ``"download"``, ``"embedded"``.
"""

from __future__ import annotations

import gzip
import os
import shutil
import tempfile
import time
import zipfile
import zlib
from pathlib import Path

import pooch
import requests
from urllib3.exceptions import NewConnectionError

from dlnlp.data import embedded
from dlnlp.data.registry import REGISTRY, Dataset

TIMEOUT_S = 30
RETRIES = 2  # extra attempts after a transient network error (not after "cannot connect at all")

last_source: dict[str, str] = {}
_announced: set[str] = set()


class DataUnavailable(RuntimeError):
    """No verified copy of a dataset could be found or fetched."""


class ChecksumError(ValueError):
    """A downloaded or mirrored file does not have the expected checksum."""


def cache_dir() -> Path:
    """The cache directory: ``$DLNLP_DATA`` or ``~/.cache/dlnlp`` (created on demand)."""
    path = Path(os.environ.get("DLNLP_DATA") or Path.home() / ".cache" / "dlnlp").expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def mirror_dir() -> Path | None:
    """The mirror root ``$DLNLP_MIRROR``, or None when it is unset."""
    root = os.environ.get("DLNLP_MIRROR")
    return Path(root).expanduser() if root else None


def _flag(var: str) -> bool:
    return os.environ.get(var, "").strip().lower() in {"1", "true", "yes", "on"}


def fetch(name_or_dataset: str | Dataset, *, progress: bool = True) -> Path:
    """Path of the ready-to-read file of a dataset (a registry name, a :class:`Dataset`, or the
    name of an embedded default such as ``"wiki-sample"``). See the module docstring."""
    if isinstance(name_or_dataset, str) and embedded.is_embedded(name_or_dataset):
        last_source[name_or_dataset] = "embedded"
        return embedded.path(name_or_dataset, cache_dir())
    ds = REGISTRY[name_or_dataset] if isinstance(name_or_dataset, str) else name_or_dataset
    target = cache_dir() / ds.filename
    if _cache_ok(target):
        last_source[ds.name] = "cache"
        return target

    mirror = mirror_dir()
    mirror_file = mirror / ds.mirror if mirror is not None and ds.mirror else None
    if mirror_file is not None and mirror_file.is_file():
        _verify(mirror_file, ds.mirror_hash, f"mirror file {mirror_file}")
        gzipped = mirror_file.suffix == ".gz" and not _download_name(ds).endswith(".gz")
        _install(ds, mirror_file, target, gzipped=gzipped)
        last_source[ds.name] = "mirror"
        return target

    why = _why_not_mirror(ds, mirror, mirror_file)
    if _flag("DLNLP_OFFLINE"):
        return _fallback(ds, f"DLNLP_OFFLINE=1, {why}")
    if ds.url is None:
        return _fallback(ds, f"it has no download URL, {why}")
    if ds.known_hash is None and ds.processed_hash is None and not _flag("DLNLP_TRUST_UNVERIFIED"):
        return _fallback(ds, f"no checksum of {ds.url} is known, {why}")
    try:
        _download(ds, target, progress)
    except requests.RequestException as err:
        return _fallback(ds, f"{_failure(err)}, {why}")
    last_source[ds.name] = "download"
    return target


def _download_name(ds: Dataset) -> str:
    return ds.url.rsplit("/", 1)[-1] if ds.url else ds.filename


def _why_not_mirror(ds: Dataset, mirror: Path | None, mirror_file: Path | None) -> str:
    if ds.mirror is None:
        return "no mirror copy exists"
    if mirror is None:
        return "DLNLP_MIRROR unset"
    return f"{mirror_file} not found"


def _failure(err: requests.RequestException) -> str:
    if isinstance(err, requests.HTTPError) and err.response is not None:
        return f"the server answered HTTP {err.response.status_code}"
    if isinstance(err, requests.Timeout):
        return "no network: the download timed out"
    return "no network: could not connect"


def _hash(path: Path, algorithm: str = "sha256") -> str:
    if algorithm == "crc32":  # what zip archives record; pooch does not offer it
        crc = 0
        with open(path, "rb") as f:
            while block := f.read(1 << 20):
                crc = zlib.crc32(block, crc)
        return f"{crc:08x}"
    return pooch.file_hash(str(path), alg=algorithm)


def _verify(path: Path, known_hash: str | None, what: str, url: str | None = None) -> None:
    """Raise ChecksumError unless ``path`` has ``known_hash`` ("alg:hex"; None: no check)."""
    if known_hash is None:
        return
    algorithm, expected = known_hash.split(":", 1)
    got = _hash(path, algorithm)
    if got != expected.lower():
        source = f" downloaded from {url}" if url else ""
        raise ChecksumError(
            f"{what}{source} has the wrong {algorithm}: expected {expected}, got {got}. "
            "The file is corrupted, truncated or was changed upstream."
        )


def _sidecar(target: Path) -> Path:
    return target.with_name(target.name + ".sha256")


def _cache_ok(target: Path) -> bool:
    """True if ``target`` exists and matches the sha256 recorded when it was fetched."""
    sidecar = _sidecar(target)
    if not target.exists():
        return False
    if sidecar.exists() and _hash(target) == sidecar.read_text().split()[0]:
        return True
    print(
        f"dlnlp.data: cached {target} failed its checksum check (corrupted or partial); "
        "deleting it and fetching it again.",
        flush=True,
    )
    target.unlink()
    return False


def _temp(directory: Path, name: str) -> Path:
    """A new empty file ``.<name>.<random>.part`` in directory, readable by all like the cache."""
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".part")
    os.close(fd)
    os.chmod(tmp, 0o644)
    return Path(tmp)


def _unpack(src: Path, processor: str, dst: Path) -> None:
    """Write the result of ``processor`` ("gunzip" or "unzip:<member>") applied to src to dst."""
    if processor == "gunzip":
        with gzip.open(src, "rb") as f, open(dst, "wb") as out:
            shutil.copyfileobj(f, out, 1 << 20)
    elif processor.startswith("unzip:"):  # reading the member checks its CRC-32
        with zipfile.ZipFile(src) as z, z.open(processor[6:]) as f, open(dst, "wb") as out:
            shutil.copyfileobj(f, out, 1 << 20)
    else:
        raise ValueError(f"unknown processor {processor!r}")


def _install(ds: Dataset, src: Path, target: Path, *, gzipped: bool) -> None:
    """Turn a verified source file (gzip-compressed when ``gzipped``) into ``target``, atomically.

    The un-gzipped file is checked against ``known_hash``; the sha256 of the final file goes into
    the sidecar, written before the file is moved into place.
    """
    temps: list[Path] = []
    try:
        current = src
        if gzipped:
            temps.append(_temp(target.parent, ds.filename))
            _unpack(current, "gunzip", temps[-1])
            current = temps[-1]
            _verify(current, ds.known_hash, f"{ds.name}: {src} after gunzip")
        if ds.processor:
            temps.append(_temp(target.parent, ds.filename))
            _unpack(current, ds.processor, temps[-1])
            current = temps[-1]
            _verify(current, ds.processed_hash, f"{ds.name}: {ds.processor} of {src.name}")
        if current == src:
            temps.append(_temp(target.parent, ds.filename))
            shutil.copyfile(src, temps[-1])
            current = temps[-1]
        sidecar_tmp = _temp(target.parent, ds.filename)
        temps.append(sidecar_tmp)
        sidecar_tmp.write_text(f"{_hash(current)}  {target.name}\n")
        os.replace(sidecar_tmp, _sidecar(target))
        os.replace(current, target)
    finally:
        for tmp in temps:
            tmp.unlink(missing_ok=True)


def _download(ds: Dataset, target: Path, progress: bool) -> None:
    """Download ``ds.url`` to a temporary file, verify it and install it as ``target``."""
    tmp = _temp(target.parent, ds.filename)
    try:
        downloader = pooch.HTTPDownloader(progressbar=progress, timeout=TIMEOUT_S)
        for attempt in range(RETRIES + 1):
            try:
                downloader(ds.url, str(tmp), None)
                break
            except requests.RequestException as err:
                if attempt == RETRIES or not _transient(err):
                    raise
                time.sleep(1 + attempt)
        if ds.size is not None and tmp.stat().st_size != ds.size:
            raise ChecksumError(
                f"{ds.name}: downloaded {tmp.stat().st_size:,} bytes from {ds.url}, "
                f"expected {ds.size:,}."
            )
        _verify(tmp, ds.known_hash, ds.name, ds.url)
        _install(ds, tmp, target, gzipped=False)
        known = ds.known_hash or ds.processed_hash
        check = f"{known.split(':')[0]} verified" if known else "NOT verified"
        print(f"dlnlp.data: downloaded {ds.name} from {ds.url} ({check})", flush=True)
    finally:
        tmp.unlink(missing_ok=True)


def _transient(err: requests.RequestException) -> bool:
    """True for errors worth a retry: a broken transfer or HTTP 5xx. No connection at all (DNS
    failure, refused, connect timeout) or HTTP 4xx will not change within seconds."""
    if isinstance(err, requests.HTTPError):
        return err.response is not None and err.response.status_code >= 500
    reason = getattr(err.args[0], "reason", None) if err.args else None
    return not isinstance(err, requests.ConnectTimeout) and not isinstance(
        reason, NewConnectionError
    )


def _fixes(ds: Dataset, detail: bool) -> str:
    """How to get the real file: connect (or opt in to an unverified download), or a mirror."""
    src = f" from {ds.url}" if detail else ""
    fixes = []
    if ds.url and ds.known_hash is None and ds.processed_hash is None:
        fixes.append(f"set DLNLP_TRUST_UNVERIFIED=1 to download it without a checksum{src}")
    elif ds.url:
        fixes.append(f"connect to the internet (DLNLP_OFFLINE unset) to download it{src}")
    if ds.mirror:
        holds = f" that holds {ds.mirror}" if detail else ""
        fixes.append(f"set DLNLP_MIRROR to a folder laid out like shared/data{holds}")
    return " or ".join(fixes)


def _fallback(ds: Dataset, why: str) -> Path:
    """The fallback of ``ds`` (announced in one line, once per process), or DataUnavailable.

    A fallback is an embedded default, or a smaller registry variant of the same data that is
    tried first (text8 -> text8-prefix from a mirror -> the embedded Wikipedia sample).
    """
    if ds.fallback is None:
        raise DataUnavailable(
            f"dlnlp.data: {ds.name} (file {ds.filename}) is not available: {why}. "
            f"To get it, {_fixes(ds, detail=True)}."
        )
    if ds.fallback in REGISTRY:
        _announced.add(ds.fallback)  # the line below speaks for the whole chain
        path = fetch(ds.fallback)
        source = last_source[ds.fallback]
        variant = REGISTRY[ds.fallback]
        used = (
            embedded.describe(variant.fallback)
            if source == "embedded"
            else f"{variant.name} from the {source}: {variant.description}"
        )
    else:
        path, source = embedded.path(ds.fallback, cache_dir()), "embedded"
        used = embedded.describe(ds.fallback)
    if ds.name not in _announced:
        _announced.add(ds.name)
        print(
            f"dlnlp.data: {ds.name} is not available ({why}); using {used}. "
            f"To get the real data, {_fixes(ds, detail=False)}.",
            flush=True,
        )
    last_source[ds.name] = source
    return path
