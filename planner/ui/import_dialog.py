"""New plan from import: choose files, check the column mapping, see the report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.io.accounts_import import (
    FIELDS,
    InputFileError,
    RawTable,
    check_mapping,
    detect_mapping,
    read_table,
)
from planner.ui.i18n import QT_TRANSLATE_NOOP, num, translate

NONE = QT_TRANSLATE_NOOP("ImportDialog", "(not in file)")
#: Built-in geographies offered when no units file is given: (key, label).
GEOGRAPHIES = (
    ("zip", QT_TRANSLATE_NOOP("ImportDialog", "ZIP areas (built in, offline)")),
    ("county", QT_TRANSLATE_NOOP("ImportDialog", "Counties (built in, offline)")),
    ("state", QT_TRANSLATE_NOOP("ImportDialog", "States (built in, offline)")),
)
#: File filters (translated where a file chooser shows them).
TABLE_FILTER = QT_TRANSLATE_NOOP(
    "ImportDialog", "Tables (*.csv *.txt *.xlsx *.xlsm);;All files (*)"
)
VECTOR_FILTER = QT_TRANSLATE_NOOP(
    "ImportDialog", "Vector files (*.gpkg *.shp *.geojson *.json *.fgb *.kml);;All files (*)"
)


@dataclass
class ImportRequest:
    """What the user chose: files and the column mapping."""

    accounts: Path
    mapping: dict[str, str | None]
    table: RawTable
    units: Path | None
    reps: Path | None
    #: Built-in geography when no units file is given: "zip", "county" or "state".
    geography: str = "zip"
    #: Decimal mark of the numbers: None (detected per column), "." or ",".
    decimal: str | None = None
    #: "auto": swap a latitude/longitude pair the ZIP shows is swapped (listed); "never".
    swap_latlon: str = "auto"


def _file_row(
    parent: QWidget, placeholder: str, file_filter: str, on_change: object = None
) -> tuple[QWidget, QLineEdit]:
    row = QWidget(parent)
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    edit = QLineEdit(row)
    edit.setPlaceholderText(placeholder)
    button = QPushButton(translate("ImportDialog", "Browse…"), row)

    def browse() -> None:
        start = edit.text() or str(getattr(parent, "start_dir", ""))
        path, _ = QFileDialog.getOpenFileName(
            parent, placeholder, start, translate("ImportDialog", file_filter)
        )
        if path:
            edit.setText(path)
            if callable(on_change):
                on_change()

    button.clicked.connect(browse)
    if callable(on_change):
        edit.editingFinished.connect(on_change)
    layout.addWidget(edit)
    layout.addWidget(button)
    return row, edit


class ImportDialog(QDialog):
    """Choose the accounts file (and optional units and reps), then correct the mapping."""

    def __init__(self, parent: QWidget | None = None, start_dir: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("ImportDialog", "New plan from import"))
        self.resize(860, 640)
        self.table: RawTable | None = None
        self.start_dir = start_dir
        files = QGroupBox(translate("ImportDialog", "Files"), self)
        form = QFormLayout(files)
        row, self.accounts_edit = _file_row(
            self,
            translate("ImportDialog", "Accounts (CSV or XLSX)"),
            TABLE_FILTER,
            self._load_accounts,
        )
        form.addRow(translate("ImportDialog", "Accounts:"), row)
        self.geography = QComboBox(self)
        self.geography.setObjectName("importGeography")
        for key, label in GEOGRAPHIES:
            self.geography.addItem(translate("ImportDialog", label), key)
        self.geography.setToolTip(
            translate(
                "ImportDialog",
                "The units territories are built from when no units file is given: the bundled US geography covering the accounts",
            )
        )
        form.addRow(translate("ImportDialog", "Geography:"), self.geography)
        row, self.units_edit = _file_row(
            self,
            translate("ImportDialog", "Units file (optional, instead of the built-in geography)"),
            VECTOR_FILTER,
            self._on_units_changed,
        )
        self.units_edit.textChanged.connect(self._on_units_changed)
        form.addRow(translate("ImportDialog", "Units:"), row)
        row, self.reps_edit = _file_row(
            self, translate("ImportDialog", "Reps (optional: CSV or XLSX)"), TABLE_FILTER
        )
        form.addRow(translate("ImportDialog", "Reps:"), row)

        mapping_box = QGroupBox(
            translate(
                "ImportDialog", "Column mapping (detected from the header; correct it if needed)"
            ),
            self,
        )
        self.mapping_form = QFormLayout(mapping_box)
        self.combos: dict[str, QComboBox] = {}
        for spec in FIELDS:
            combo = QComboBox(mapping_box)
            combo.setObjectName(f"map_{spec.key}")
            combo.addItem(translate("ImportDialog", NONE))
            self.combos[spec.key] = combo
            self.mapping_form.addRow(f"{spec.label}:", combo)

        self.preview = QTableWidget(self)
        self.preview.setObjectName("importPreview")
        self.preview.setMinimumHeight(120)
        self.decimal = QComboBox(self)
        self.decimal.setObjectName("importDecimal")
        for label, value in (
            (translate("ImportDialog", "Detect per column"), None),
            (translate("ImportDialog", "Point: 1,234.50"), "."),
            (translate("ImportDialog", "Comma: 1.234,50"), ","),
        ):
            self.decimal.addItem(label, value)
        self.swap = QCheckBox(
            translate(
                "ImportDialog", "Swap latitude and longitude where the ZIP shows they are swapped"
            )
        )
        self.swap.setObjectName("importSwapLatLon")
        self.swap.setChecked(True)
        self.swap.setToolTip(
            translate("ImportDialog", "Every swapped row is listed in the import report")
        )
        options = QFormLayout()
        options.addRow(translate("ImportDialog", "Decimal mark:"), self.decimal)
        options.addRow("", self.swap)
        self.status = QLabel(translate("ImportDialog", "Choose an accounts file."), self)
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            translate("ImportDialog", "Import")
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        self.buttons.accepted.connect(self._on_accept)
        self.buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(mapping_box, 1)
        right = QVBoxLayout()
        right.addWidget(QLabel(translate("ImportDialog", "First rows:")))
        right.addWidget(self.preview, 1)
        top.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(files)
        layout.addLayout(top, 1)
        layout.addLayout(options)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

    def _on_units_changed(self) -> None:
        has_file = bool(self.units_edit.text().strip())
        self.geography.setEnabled(not has_file)
        self.geography.setToolTip(
            translate("ImportDialog", "A units file is chosen: its polygons are the units")
            if has_file
            else translate(
                "ImportDialog",
                "The units territories are built from when no units file is given: the bundled US geography covering the accounts",
            )
        )

    def set_request(self, request: ImportRequest) -> None:
        """Fill the form in from an earlier request (going back to fix an import)."""
        self.units_edit.setText(str(request.units) if request.units else "")
        self.reps_edit.setText(str(request.reps) if request.reps else "")
        index = self.geography.findData(request.geography)
        if index >= 0:
            self.geography.setCurrentIndex(index)
        self.decimal.setCurrentIndex(max(0, self.decimal.findData(request.decimal)))
        self.swap.setChecked(request.swap_latlon != "never")
        self.set_accounts_file(str(request.accounts))
        for key, combo in self.combos.items():
            combo.setCurrentText(request.mapping.get(key) or translate("ImportDialog", NONE))

    def set_accounts_file(self, path: str) -> None:
        """Choose the accounts file (as if browsed) and detect its mapping."""
        self.accounts_edit.setText(path)
        self._load_accounts()

    def _load_accounts(self) -> None:
        path = self.accounts_edit.text().strip()
        if not path:
            return
        try:
            table = read_table(path)
        except InputFileError as exc:
            self.table = None
            self.status.setText(
                translate("ImportDialog", "<b>Cannot read:</b> {exc}").format(exc=exc)
            )
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
            return
        self.table = table
        mapping = detect_mapping(table.columns)
        for key, combo in self.combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(translate("ImportDialog", NONE))
            combo.addItems(table.columns)
            combo.setCurrentText(mapping.get(key) or translate("ImportDialog", NONE))
            combo.blockSignals(False)
        rows = table.rows[:8]
        self.preview.setColumnCount(len(table.columns))
        self.preview.setRowCount(len(rows))
        self.preview.setHorizontalHeaderLabels(table.columns)
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                self.preview.setItem(r, c, QTableWidgetItem(str(value)))
        self.preview.resizeColumnsToContents()
        note = translate(
            "ImportDialog", "{rows} rows, {columns} columns, encoding {encoding}."
        ).format(rows=num(len(table.rows)), columns=len(table.columns), encoding=table.encoding)
        if table.malformed:
            note += translate(
                "ImportDialog", " {n} malformed rows will be listed in the report."
            ).format(n=len(table.malformed))
        self.status.setText(note)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)

    def mapping(self) -> dict[str, str | None]:
        """The mapping as the user set it."""
        return {
            key: (None if c.currentText() == translate("ImportDialog", NONE) else c.currentText())
            for key, c in self.combos.items()
        }

    def request(self) -> ImportRequest:
        assert self.table is not None
        units = self.units_edit.text().strip()
        reps = self.reps_edit.text().strip()
        return ImportRequest(
            Path(self.accounts_edit.text().strip()),
            self.mapping(),
            self.table,
            Path(units) if units else None,
            Path(reps) if reps else None,
            str(self.geography.currentData()),
            self.decimal.currentData(),
            "auto" if self.swap.isChecked() else "never",
        )

    def _on_accept(self) -> None:
        if self.table is None:
            return
        try:
            check_mapping(self.table.file, self.mapping(), self.table.columns)
        except InputFileError as exc:
            QMessageBox.warning(self, translate("ImportDialog", "Column mapping"), str(exc))
            return
        self.accept()


class ReportDialog(QDialog):
    """The import report: counts, then every unplaced, rejected or questionable row."""

    def __init__(
        self, text: str, parent: QWidget | None = None, title: str = "Import report"
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(760, 460)
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setPlainText(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.accept)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
