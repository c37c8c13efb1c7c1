"""Parsed content files kept in the user's cache directory, so a command starts without parsing YAML.

PyYAML takes about 0.4 s (with libyaml) to parse the shipped ``knowledge/``,
1.4 MB of YAML that is mostly question rubrics: that was most of the start
of ``jalur quiz grade`` and ``jalur chat``. What a file parses to (plain
dicts, lists, strings, numbers) is stored with ``marshal`` (the format of
``.pyc`` files) under a hash of the file's bytes, and read back in a few
milliseconds the next time. A changed file has another hash and is parsed
again. A cache that cannot be written (a read-only home) or read (a damaged
entry) is passed over silently: the result is always what the parser
returns for those bytes. Every file is cached, small ones too (PyYAML
alone takes longer to import than they take to read); the newest ``KEEP``
entries are kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

KEEP = 64  # the shipped knowledge/ is 12 files
# Part of every key: bump it when what is stored changes. The Python version is part of it too
# (marshal's format may change between versions).
FORMAT = f"jalur-yaml-1 python-{sys.version_info[0]}.{sys.version_info[1]} marshal-{marshal.version}".encode()
_SUFFIX = ".marshal"
_CHECK = 16  # bytes of the payload's hash at the start of an entry


def cache_dir() -> Path:
    """Where entries live: ``jalur/content`` in the user's cache directory (``XDG_CACHE_HOME``)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("jalur", appauthor=False)) / "content"


def parsed(raw: bytes, parse: Callable[[], Any], directory: Path | None = None) -> Any:
    """What ``parse()`` returns for the file ``raw``, from the cache when these bytes were parsed before.

    ``parse`` is always the same parser (``bot.content.loader``'s safe YAML load); an error it raises
    is not cached.
    """
    key = hashlib.blake2b(FORMAT, digest_size=20)
    key.update(raw)
    entry = (directory or cache_dir()) / f"{key.hexdigest()}{_SUFFIX}"
    found, data = _read(entry)
    if found:
        return data
    data = parse()
    _write(entry, data)
    return data


def _read(entry: Path) -> tuple[bool, Any]:
    try:
        stored = entry.read_bytes()
    except OSError:
        return False, None
    check, payload = stored[:_CHECK], stored[_CHECK:]
    if hashlib.blake2b(payload, digest_size=_CHECK).digest() != check:
        return False, None
    try:
        return True, marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return False, None


def _write(entry: Path, data: Any) -> None:
    try:
        payload = marshal.dumps(data)
    except ValueError:  # not plain data (a YAML date, say): parse it every time
        return
    temporary = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(hashlib.blake2b(payload, digest_size=_CHECK).digest() + payload)
        os.replace(temporary, entry)
        _prune(entry.parent)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


def _prune(directory: Path) -> None:
    """Keep the newest ``KEEP`` entries (another process may be pruning too: missing files are fine)."""
    entries = []
    for path in directory.glob(f"*{_SUFFIX}"):
        try:
            entries.append((path.stat().st_mtime_ns, path))
        except OSError:
            continue
    for _, path in sorted(entries, reverse=True)[KEEP:]:
        path.unlink(missing_ok=True)
