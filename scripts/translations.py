"""Update the window's translation sources and compile them.

    python scripts/translations.py update    # pyside6-lupdate: planner/ui → resources/translations/*.ts
    python scripts/translations.py release   # pyside6-lrelease: *.ts → planner/resources/translations/*.qm
    python scripts/translations.py check     # exit 1 when a .qm is missing or older than its .ts
    python scripts/translations.py catalogue # add the exports' new English texts to the JSON catalogues

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
sys.path.insert(0, str(ROOT))
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


#: Qt-free modules whose texts the exports' catalogues (planner/resources/i18n/*.json) translate.
EXPORT_MODULES = (
    "planner/io",
    "planner/subcommands",
    "planner/models",
    "planner/optimise",
    "planner/cli.py",
)
CATALOGUE_DIR = ROOT / "planner" / "resources" / "i18n"


def export_messages() -> set[str]:
    """English texts the exports show: ``tr("...")`` calls, and the workbook's sheet titles,
    column headers and notes (``TableSheet("Accounts", ...)``, ``Column("Rep ID", ...)``),
    and the default measures' labels."""
    import ast

    found: set[str] = set()

    def text(node: ast.AST) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.strip():
            return node.value
        return None

    for folder in EXPORT_MODULES:
        where = ROOT / folder
        for path in sorted(where.rglob("*.py")) if where.is_dir() else [where]:
            tree = ast.parse(path.read_text(encoding="utf-8"))
            constants = {
                t.id: node.value
                for node in ast.walk(tree)
                if isinstance(node, ast.Assign)
                for t in node.targets
                if isinstance(t, ast.Name)
            }
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                args = list(node.args)
                if name in ("tr", "tr_noop") and args:
                    candidates = args[:1]
                elif name in ("TableSheet", "Column", "MeasureSpec") and args:
                    candidates = args[1:2] if name == "MeasureSpec" else args[:1]
                    candidates += [k.value for k in node.keywords if k.arg == "note"]
                    if name == "TableSheet" and len(args) > 2:
                        candidates.append(args[2])
                else:
                    continue
                for arg in candidates:
                    values = [arg.body, arg.orelse] if isinstance(arg, ast.IfExp) else [arg]
                    for value in values:
                        if isinstance(value, ast.Name) and value.id in constants:
                            value = constants[value.id]
                        found_text = text(value)
                        if found_text:
                            found.add(found_text)
    # Extra account columns the Accounts sheet titles from their field names (_title).
    from planner.io.export_xlsx import EXTRA_ACCOUNT_COLUMNS

    found.update(c.replace("_", " ").strip().capitalize() for c in EXTRA_ACCOUNT_COLUMNS)
    return found


def update_catalogues() -> dict[str, int]:
    """Add new export texts (untranslated, "") to each catalogue; drop texts gone from the code."""
    import json

    messages = export_messages()
    missing = {}
    for language in LANGUAGES:
        path = CATALOGUE_DIR / f"{language}.json"
        old = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        new = {m: old.get(m, "") for m in sorted(messages)}
        path.write_text(json.dumps(new, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        missing[language] = sum(1 for v in new.values() if not v)
    return missing


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "release"
    if command == "update":
        update()
    elif command == "release":
        release()
    elif command == "catalogue":
        for language, count in update_catalogues().items():
            print(f"{language}: {count} untranslated")
    elif command == "check":
        bad = stale()
        if bad:
            print("stale or missing .qm (run `make translations`):", ", ".join(bad))
            raise SystemExit(1)
    else:
        raise SystemExit(__doc__)
