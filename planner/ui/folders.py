"""Where file dialogs start, and which plan files the user may not overwrite.

The bundled demo plan lives inside the installed application. Saving over it would
change what every later ``make run`` opens (and, in a system install, fail), so it is
read-only to the user: Save on it asks for a new place, and no file dialog ever starts
inside the application's own folders. Dialogs start in the folder the user last chose
for that kind of file, else the open plan's folder, else the user's documents folder.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths

import planner


def application_folders() -> tuple[Path, ...]:
    """The folders the application is installed in (its package and its resources)."""
    package = Path(planner.__file__).resolve().parent
    return (package, package.parent / "resources")


def is_bundled(path: Path | str | None) -> bool:
    """True when ``path`` lies inside the application's own folders (e.g. the demo plan)."""
    if path is None:
        return False
    try:
        resolved = Path(path).resolve()
    except OSError:
        return False
    return any(resolved.is_relative_to(folder) for folder in application_folders())


def documents_folder() -> Path:
    """The user's documents folder (the home folder when the system has none)."""
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(location) if location else Path.home()
    return folder if folder.is_dir() else Path.home()


def start_folder(settings: QSettings, key: str, plan_path: Path | None = None) -> Path:
    """The folder a file dialog for ``key`` (e.g. ``"dirs/exports"``) should start in.

    The remembered folder when it still exists and is not the application's own; else
    the open plan's folder under the same condition; else the documents folder.
    """
    remembered = str(settings.value(key, "") or "")
    for candidate in (Path(remembered) if remembered else None, plan_path and plan_path.parent):
        if candidate is not None and candidate.is_dir() and not is_bundled(candidate):
            return candidate
    return documents_folder()


__all__ = ["application_folders", "documents_folder", "is_bundled", "start_folder"]
