"""Which isolation this machine allows, and the command that starts the sandbox with it.

* ``namespaces`` (Linux with util-linux ``unshare``): new mount, network and PID namespaces
  (and, for an ordinary user, a user namespace). The sandbox sees no network, only its own
  processes, an empty ``/tmp``, and none of the course: the repository (its ``.git`` too), the
  home folder and every path the grader names (course, gradebook, outputs, submissions) are
  replaced by empty mounts; only the Python environment is mounted back, read-only by
  permissions. For an ordinary user a second user namespace locks those mounts, so that the
  student's code cannot unmount them. Run as root, the grader starts the harness as a fresh
  unprivileged uid instead (``setpriv``, no capabilities): the kernel does not apply the
  process limit to root, and an unprivileged process cannot unmount anything.
* ``fallback`` (no namespaces): a fresh folder and the limits only; the network is open and
  course files are protected by their permissions alone. :func:`detect` says why, and every
  result records the isolation it was graded under.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import secrets
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

HARNESS = (Path(__file__).parent / "harness.py").read_text(encoding="utf-8")
ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "MPLBACKEND": "Agg",
    "PYTHONDONTWRITEBYTECODE": "1",
}
PROBE_S = 30.0


@dataclass(frozen=True)
class Isolation:
    mode: str  # "namespaces" or "fallback"
    detail: str
    as_root: bool

    def describe(self) -> str:
        return f"{self.mode}: {self.detail}"


def fresh_uid() -> int:
    """A uid that no account uses, so that the process count (and /proc) is the sandbox's own."""
    return 2_000_000_000 + secrets.randbelow(100_000_000)


def _keep_paths() -> list[str]:
    """The Python environment, which must stay visible inside the sandbox."""
    paths = {sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix}
    paths |= {str(Path(sys.executable).resolve().parent.parent)}
    # and every package folder on the path: a .pth file may add one from another environment
    paths |= {p for p in sys.path if Path(p).name in ("site-packages", "dist-packages")}
    return sorted({os.path.realpath(p) for p in paths} | {os.path.abspath(sys.prefix)})


def _inside(path: str, parent: str) -> bool:
    return path == parent or path.startswith(parent.rstrip("/") + "/")


def _covers(hide: list[Path], workdir: Path, as_root: bool) -> tuple[list[str], list[str]]:
    """Folders to replace by an empty skeleton (keeping the Python environment) and, for
    secrets that lie inside the environment, folders to cover with an empty mount."""
    keep = _keep_paths()
    wanted = {str(Path(p).resolve()) for p in hide} | {"/tmp", "/var/tmp", "/dev/shm"}
    wanted.add(str(Path.home()))
    wanted |= _course_code(keep)
    if as_root:  # the sandbox's uid must be able to reach the interpreter
        for k in keep:
            for parent in Path(k).parents:
                if parent.exists() and not parent.stat().st_mode & 0o001:
                    wanted.add(str(parent))
    wanted = {w for w in wanted if os.path.isdir(w) and w != "/"}
    secret = sorted(w for w in wanted if any(_inside(w, k) for k in keep))
    covers = [w for w in wanted if w not in secret]
    covers = [c for c in covers if not any(c != o and _inside(c, o) for o in covers)]
    # the cover holding the work folder goes last: after it, the skeleton is out of reach
    covers.sort(key=lambda c: _inside(str(workdir), c))
    return covers, secret


def _course_code(keep: list[str]) -> set[str]:
    """Where the grader's checks and the course library live. From a source checkout, the
    checkout (its ``.git`` too); where they are installed into the environment, the package
    folders themselves, so that a student cannot call the library's word2vec for an answer."""
    packages = [Path(__file__).resolve().parent]
    spec = importlib.util.find_spec("dlnlp")  # the chapters' library: finished exercises
    if spec is not None and spec.origin:  # (absent where only the grader is installed)
        packages.append(Path(spec.origin).resolve().parent)
    found = set()
    for pkg in packages:
        installed = any(_inside(str(pkg), k) for k in keep)
        found.add(str(pkg if installed else pkg.parent))
    return found


def _setup_script(workdir: Path, hide: list[Path], as_root: bool) -> str:
    """Shell commands run inside the new mount namespace before the harness starts."""
    q = shlex.quote
    covers, secret = _covers(hide, workdir, as_root)
    skel = f"{workdir}/skel"
    lines = ["set -e", f"mount -t tmpfs -o size=64m,mode=0755 sandbox {q(str(workdir))}"]
    for k in _keep_paths():
        if any(_inside(k, c) for c in covers):
            lines += [f"mkdir -p {q(skel + k)}", f"mount --bind {q(k)} {q(skel + k)}"]
    for c in covers:
        writable = c in ("/tmp", "/var/tmp", "/dev/shm")
        lines += [f"mkdir -p {q(skel + c)}", f"chmod {1777 if writable else 755} {q(skel + c)}"]
    lines += [f"mount --rbind {q(skel + c)} {q(c)}" for c in covers]
    hidden = "mount -t tmpfs -o size=4k,mode=0555 hidden"
    lines += [f"[ ! -d {q(s)} ] || {hidden} {q(s)}" for s in secret]
    lines.append("cd /tmp")
    return "\n".join(lines)


def command(iso: Isolation, workdir: Path, hide: list[Path], uid: int | None, results_fd: int,
            limits_json: str) -> list[str]:  # fmt: skip
    """The command that starts the harness under ``iso`` in ``workdir`` (an empty folder)."""
    python = [sys.executable, "-I", "-c", HARNESS, str(results_fd), limits_json]
    if iso.mode != "namespaces":
        drop = [] if uid is None else _setpriv(uid)
        return drop + python
    script = _setup_script(workdir, hide, iso.as_root)
    if iso.as_root:
        ns = ["unshare", "--mount", "--net", "--pid", "--fork", "--kill-child", "--mount-proc"]
        final = _setpriv(uid)
    else:  # a second user namespace locks the covering mounts: they cannot be unmounted
        ns = ["unshare", "--user", "--map-root-user", "--mount", "--net", "--pid", "--fork"]
        ns += ["--kill-child", "--mount-proc"]
        final = ["unshare", "--user", "--mount", "--"]
    exec_line = "exec " + " ".join(shlex.quote(a) for a in final) + ' "$@"'
    return ns + ["sh", "-c", script + "\n" + exec_line, "sandbox"] + python


def _setpriv(uid: int) -> list[str]:
    return [
        "setpriv",
        f"--reuid={uid}",
        f"--regid={uid}",
        "--clear-groups",
        "--no-new-privs",
        "--inh-caps=-all",
        "--bounding-set=-all",
        "--",
    ]


@functools.cache
def detect() -> Isolation:
    """The strongest isolation this machine allows, found by trying it once per process."""
    as_root = os.geteuid() == 0
    reasons = []
    if shutil.which("unshare") and (not as_root or shutil.which("setpriv")):
        ok, why = _try(Isolation("namespaces", "", as_root))
        if ok:
            who = "a fresh unprivileged uid" if as_root else "the user namespace's nobody"
            detail = (
                "mount+net+pid"
                + ("" if as_root else "+user")
                + f" namespaces, no network, course paths covered, running as {who}"
            )
            return Isolation("namespaces", detail, as_root)
        reasons.append(f"unshare failed: {why}")
    else:
        reasons.append("no unshare" + (" or setpriv" if as_root else ""))
    fallback = Isolation("fallback", "", as_root)
    if as_root:
        ok, why = _try(fallback)
        if not ok:
            raise RuntimeError(
                "the sandbox cannot run here: as root it must switch to an unprivileged uid "
                f"(so that the process limit applies), and that failed: {why}. Run the grader "
                "as an ordinary user, or install util-linux (unshare, setpriv)."
            )
    detail = (
        "; ".join(reasons) + "; limits and a fresh folder only: network open, course files "
        "protected by their permissions only"
        + (", running as a fresh unprivileged uid" if as_root else "")
    )
    return Isolation("fallback", detail, as_root)


def _try(iso: Isolation) -> tuple[bool, str]:
    """Run a trivial job under ``iso``; (worked, why not)."""
    workdir = Path(tempfile.mkdtemp(prefix="autograder-probe-"))
    uid = fresh_uid() if iso.as_root else None
    if uid is not None:
        os.chown(workdir, uid, uid)
    r, w = os.pipe()
    limits = json.dumps({"memory_mb": 1024, "cpu_s": 30, "nproc": 32, "fsize_mb": 1})
    argv = command(iso, workdir, [], uid, w, limits)
    try:
        proc = subprocess.run(
            argv,
            input=b'{"cells": [], "calls": []}',
            capture_output=True,
            pass_fds=(w,),
            cwd=workdir,
            env={**ENV, "HOME": str(workdir)},
            timeout=PROBE_S,
            start_new_session=True,
        )
        os.close(w)
        w = None
        done = os.read(r, 4096)
        return b'"done"' in done, (proc.stdout + proc.stderr).decode(errors="replace")[-300:]
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, str(exc)
    finally:
        if w is not None:
            os.close(w)
        os.close(r)
        shutil.rmtree(workdir, ignore_errors=True)
