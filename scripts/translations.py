"""Update the window's translation sources and compile them.

    python scripts/translations.py update    # pyside6-lupdate: planner/ui → resources/translations/*.ts
    python scripts/translations.py release   # pyside6-lrelease: *.ts → planner/resources/translations/*.qm
    python scripts/translations.py check     # exit 1 when a .qm is missing or older than its .ts

The .qm files are committed beside the package (``pip install`` needs no Qt tools to ship
them) and ``tests/ui/test_i18n.py`` fails when one is stale, so a translator's edit never
goes out uncompiled. ``planner_en.ts`` holds only the English plural forms (``%n account(s)``
→ ``1 account``/``2 accounts``).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TS_DIR = ROOT / "resources" / "translations"
QM_DIR = ROOT / "planner" / "resources" / "translations"
LANGUAGES = ("zh_TW", "zh_CN", "es")


def tool(name: str) -> str:
    """A PySide6 tool beside this Python (the venv's bin), else on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found: install PySide6-Essentials (make install)")
    return found


def sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "planner" / "ui").glob("*.py"))


def update() -> None:
    for language in (*LANGUAGES, "en"):
        extra = ["-pluralonly"] if language == "en" else []
        subprocess.run(
            [tool("pyside6-lupdate"), "-no-obsolete", "-locations", "none", *extra,
             "-source-language", "en", "-target-language", language, *sources(),
             "-ts", str(TS_DIR / f"planner_{language}.ts")],
            cwd=ROOT, check=True,
        )  # fmt: skip


def release(out_dir: Path = QM_DIR) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for ts in sorted(TS_DIR.glob("planner_*.ts")):
        qm = out_dir / (ts.stem + ".qm")
        subprocess.run(
            [tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True
        )
        written.append(qm)
    return written


def stale() -> list[str]:
    """The .ts files whose committed .qm differs from what lrelease makes of them now."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        fresh = release(Path(tmp))
        return [
            qm.stem
            for qm in fresh
            if not (QM_DIR / qm.name).exists()
            or (QM_DIR / qm.name).read_bytes() != qm.read_bytes()
        ]


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "release"
    if command == "update":
        update()
    elif command == "release":
        release()
    elif command == "check":
        bad = stale()
        if bad:
            print("stale or missing .qm (run `make translations`):", ", ".join(bad))
            raise SystemExit(1)
    else:
        raise SystemExit(__doc__)
