"""Which MassGen the guide documents.

One setting chooses it: the environment variable `MASSGEN_SOURCE` (or, failing that, `extra.massgen_source`
in `mkdocs.yml`). Its value is one of:

- empty or `installed` (the default): the `massgen` package installed beside this project (pinned in the lock file);
- a release version such as `0.1.90`: that release's wheel, downloaded once without dependencies into the cache
  (`MASSGEN_GUIDE_CACHE`, default `~/.cache/massgen-guide`), unpacked and read statically;
- a path: a MassGen git checkout (a folder holding `massgen/`), or a `massgen` package folder itself.

Nothing here imports MassGen: every reader works on the files.
"""

from __future__ import annotations

import errno
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from massgen_guide.errors import GuideError
from massgen_guide.source.tree_version import FoundVersion, found_version

SETTING = "MASSGEN_SOURCE"
CACHE_SETTING = "MASSGEN_GUIDE_CACHE"
INDEX_SETTING = "MASSGEN_GUIDE_INDEX_URL"
_VERSION_RE = re.compile(r"^\d+\.\d+\.\d+([.\-]?(a|b|rc|post|dev)\d+)?$")


@dataclass(frozen=True)
class MassGenSource:
    """A MassGen tree on disk, ready to be read statically."""

    package_dir: Path
    """The `massgen` package folder (holds `__init__.py` and `backend/`)."""
    kind: str
    """`installed`, `release` or `checkout`."""
    label: str
    """How the choice was written, for messages."""

    @property
    def search_path(self) -> Path:
        """The folder to put on griffe's search path (the parent of `package_dir`)."""
        return self.package_dir.parent

    @property
    def repo_root(self) -> Path | None:
        """The checkout root when this is a git checkout (it has `docs/` or `scripts/`), else None."""
        root = self.package_dir.parent
        if (root / "scripts").is_dir() or (root / "docs").is_dir() or (root / ".git").exists():
            return root
        return None

    @property
    def version(self) -> str:
        """The version the tree declares (`massgen/__init__.py`, else its package metadata), or `unknown`."""
        return self.found_version.version

    @property
    def found_version(self) -> FoundVersion:
        """The version and the file it was read from (see `massgen_guide.source.tree_version`)."""
        return found_version(self.package_dir)

    def path_of(self, relative: str) -> Path:
        """Resolve a repository-style path such as `massgen/backend/base.py` (or `docs/...` in a checkout)."""
        if relative == "massgen" or relative.startswith("massgen/"):
            return self.search_path / relative
        root = self.repo_root
        return (root if root is not None else self.search_path) / relative


def is_massgen_package(folder: Path) -> bool:
    return (folder / "__init__.py").is_file() and (folder / "backend" / "base.py").is_file()


def cache_dir() -> Path:
    return Path(os.environ.get(CACHE_SETTING) or Path.home() / ".cache" / "massgen-guide")


def installed_package_dir() -> Path:
    spec = importlib.util.find_spec("massgen")
    if spec is None or not spec.submodule_search_locations:
        raise GuideError(f"no MassGen to read: run this in a MassGen checkout, pass --massgen PATH, or set {SETTING}")
    return Path(list(spec.submodule_search_locations)[0])


def index_url() -> str:
    return os.environ.get(INDEX_SETTING) or "https://pypi.org/simple"


def _download_wheel(version: str, wheels: Path) -> Path:
    """Fetch the wheel of `massgen==version` (no dependencies) into `wheels` with pip; one-line error if none."""
    index = index_url()
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:",
           "--disable-pip-version-check", "--no-input", "--index-url", index, "--dest", str(wheels),
           f"massgen=={version}"]
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GuideError(f"{SETTING}={version}: could not run pip to download massgen {version} ({exc})") from None
    found = sorted(wheels.glob(f"massgen-{version}-*.whl"))
    if result.returncode != 0 or not found:
        reason = "no such release" if "No matching distribution" in result.stderr or "from versions" in result.stderr \
            else f"pip download exited {result.returncode}"
        raise GuideError(f"{SETTING}={version}: no massgen {version} wheel could be downloaded from {index} ({reason})")
    return found[0]


def release_package_dir(version: str) -> Path:
    """Download (once) and unpack the wheel of a released MassGen version; return its `massgen` folder.

    The cache (`MASSGEN_GUIDE_CACHE`, default `~/.cache/massgen-guide`) holds `wheels/massgen-<version>-*.whl`
    and the unpacked `releases/<version>/massgen/`; a wheel put in `wheels/` by hand is used without a download.
    """
    target = cache_dir() / "releases" / version
    package = target / "massgen"
    if is_massgen_package(package):
        return package
    wheels = cache_dir() / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    found = sorted(wheels.glob(f"massgen-{version}-*.whl"))
    wheel = found[0] if found else _download_wheel(version, wheels)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f"{version}.", suffix=".partial", dir=target.parent))
    try:
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(partial, [m for m in archive.namelist() if m.startswith("massgen/")])
    except (zipfile.BadZipFile, OSError) as exc:
        shutil.rmtree(partial, ignore_errors=True)
        raise GuideError(f"{SETTING}={version}: cannot unpack {wheel.name} ({exc})") from None
    if not is_massgen_package(partial / "massgen"):
        shutil.rmtree(partial, ignore_errors=True)
        raise GuideError(f"{SETTING}={version}: the wheel {wheel.name} holds no massgen/backend/base.py")
    if target.exists():
        shutil.rmtree(target, ignore_errors=True)  # an earlier, incomplete unpack
    try:
        partial.replace(target)
    except OSError:
        shutil.rmtree(partial, ignore_errors=True)  # another process unpacked it first
    if not is_massgen_package(package):
        raise GuideError(f"{SETTING}={version}: could not unpack massgen {version} into {target}")
    return package


def checkout_package_dir(path: Path, label: str) -> Path:
    if not path.exists():
        raise GuideError(f"{SETTING}={label}: no such path")
    if not path.is_dir():
        raise GuideError(f"{SETTING}={label}: not a folder")
    for candidate in (path / "massgen", path):
        if is_massgen_package(candidate):
            return candidate.resolve()
    raise GuideError(f"{SETTING}={label}: not a MassGen tree (no massgen/backend/base.py under it)")


def resolve_source(value: str | None = None) -> MassGenSource:
    """Turn the setting's value (or the environment's) into a `MassGenSource`, or raise a one-line `GuideError`."""
    raw = (os.environ.get(SETTING, "") if value is None else value).strip()
    if raw in {"", "installed"}:
        return MassGenSource(installed_package_dir(), "installed", raw or "installed")
    if _VERSION_RE.match(raw):
        return MassGenSource(release_package_dir(raw), "release", raw)
    if "/" in raw or raw.startswith(".") or raw.startswith("~") or Path(raw).exists():
        return MassGenSource(checkout_package_dir(Path(raw).expanduser(), raw), "checkout", raw)
    raise GuideError(f"{SETTING}={raw}: expected 'installed', a release version like 0.1.97, or a path to a MassGen checkout")


@lru_cache(maxsize=8)
def cached_source(value: str) -> MassGenSource:
    return resolve_source(value)


def current_source() -> MassGenSource:
    """The MassGen chosen by the environment now (cached per setting value)."""
    return cached_source(os.environ.get(SETTING, "").strip())


def checked_folder(option: str, path: Path) -> Path:
    """`path` as a readable folder holding a MassGen tree, or a one-line `GuideError` naming `option`."""
    try:
        path.resolve(strict=True)
    except FileNotFoundError:
        if path.is_symlink():
            raise GuideError(f"{option}: dangling symlink") from None
        raise GuideError(f"{option}: no such path") from None
    except RuntimeError:
        raise GuideError(f"{option}: symlink loop") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise GuideError(f"{option}: symlink loop") from None
        raise GuideError(f"{option}: cannot read ({exc.strerror or exc})") from None
    if not path.is_dir():
        raise GuideError(f"{option}: not a folder")
    if not os.access(path, os.R_OK | os.X_OK):
        raise GuideError(f"{option}: cannot read the folder (permission denied)")
    if not any(is_massgen_package(c) for c in (path / "massgen", path)):
        raise GuideError(f"{option}: not a MassGen tree (no massgen/backend/base.py under it)")
    return path


def is_massgen_checkout(folder: Path) -> bool:
    """A folder holding `massgen/backend/base.py`: a MassGen git checkout (or an unpacked tree)."""
    return is_massgen_package(folder / "massgen")


def chosen_source(massgen: str | None) -> MassGenSource:
    """The MassGen a command reads: `--massgen PATH`, else `MASSGEN_SOURCE`, else the current directory when it
    is a MassGen checkout, else the installed package. MassGen never has to be installed."""
    if massgen is not None:
        folder = checked_folder(f"--massgen {massgen}", Path(massgen).expanduser())
        return resolve_source(str(folder.absolute()))
    if os.environ.get(SETTING, "").strip():
        return current_source()
    here = Path.cwd()
    if is_massgen_checkout(here):
        return resolve_source(str(here))
    return current_source()
