"""The offline basemap: bundled state and county outlines drawn under the units.

The outlines ship with the application (``resources/basemap``, simplified from US Census
county polygons, public domain), so the map has a geographic frame with no network. Counties
are drawn light and states darker when the canvas keeps several basemap layers; otherwise
both go into its one basemap layer, counties first, in one colour. Reading both files takes
about 0.15 s and building the drawing paths 0.2 s; drawing the counties adds about 20 ms to
a redraw of the units layer (zoom or recolour), nothing to a pan.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction

from planner.ui.i18n import translate

COUNTY_COLOR = "#cfcdc4"
STATE_COLOR = "#8a8a86"
#: The one colour of both when the canvas has a single basemap layer.
SINGLE_LAYER_COLOR = "#b0aea8"
SETTINGS_KEY_COUNTIES = "basemap/counties"


def basemap_dir() -> Path:
    """The folder of the bundled outlines."""
    return Path(__file__).resolve().parents[2] / "resources" / "basemap"


@dataclass(frozen=True, eq=False)
class Outlines:
    """State and county polygons (WGS84 shapely geometries)."""

    states: np.ndarray
    counties: np.ndarray


@lru_cache(maxsize=4)
def load_outlines(directory: Path | None = None) -> Outlines:
    """Read ``states.gpkg`` and ``counties.gpkg`` (cached: the files never change at run time).

    A missing file gives no outlines of that kind rather than an error: the basemap is a
    courtesy, and a plan must open without it.
    """
    import pyogrio

    folder = Path(directory) if directory is not None else basemap_dir()
    layers = {}
    for name in ("states", "counties"):
        path = folder / f"{name}.gpkg"
        if path.exists():
            frame = pyogrio.read_dataframe(path, columns=[])
            layers[name] = frame.geometry.to_numpy()
        else:
            layers[name] = np.empty(0, dtype=object)
    return Outlines(states=layers["states"], counties=layers["counties"])


def canvas_has_layers(canvas: Any) -> bool:
    """True when ``canvas.set_basemap`` takes a ``layer`` name (several basemap layers)."""
    try:
        return "layer" in inspect.signature(canvas.set_basemap).parameters
    except (TypeError, ValueError):
        return False


def apply_outlines(canvas: Any, outlines: Outlines, counties: bool = True) -> None:
    """Set the outlines on a :class:`~planner.ui.canvas.MapCanvas`.

    Parameters
    ----------
    canvas : MapCanvas
    outlines : Outlines
    counties : bool
        Draw county outlines as well as state outlines.
    """
    county_geoms = outlines.counties if counties else np.empty(0, dtype=object)
    if canvas_has_layers(canvas):
        canvas.set_basemap(county_geoms, COUNTY_COLOR, layer="counties")
        canvas.set_basemap(outlines.states, STATE_COLOR, layer="states")
        return
    # One layer: counties first so that the state lines are drawn over them.
    combined = np.concatenate([county_geoms, outlines.states])
    canvas.set_basemap(combined, SINGLE_LAYER_COLOR if counties else STATE_COLOR)


class BasemapController:
    """Keeps the canvas's outlines in step with the "County outlines" toggle.

    Attributes
    ----------
    counties_action : QAction
        Checkable View-menu action; its state is remembered in the settings.
    """

    def __init__(self, window: Any, settings: QSettings, directory: Path | None = None) -> None:
        self.window = window
        self.settings = settings
        self.outlines = load_outlines(directory)
        self.counties_action = QAction(translate("BasemapController", "County outlines"), window)
        self.counties_action.setCheckable(True)
        self.counties_action.setStatusTip(
            translate("BasemapController", "Show county boundaries under the territories")
        )
        show = settings.value(SETTINGS_KEY_COUNTIES, True)
        self.counties_action.setChecked(show not in (False, "false", "0", 0))
        self.counties_action.toggled.connect(self._on_counties_toggled)
        self.apply()

    def apply(self) -> None:
        apply_outlines(self.window.canvas, self.outlines, self.counties_action.isChecked())

    def _on_counties_toggled(self, checked: bool) -> None:
        self.settings.setValue(SETTINGS_KEY_COUNTIES, checked)
        self.apply()


def install(window: Any, directory: Path | None = None) -> BasemapController:
    """Draw the bundled outlines on ``window.canvas`` and add "County outlines" to View."""
    settings = getattr(window, "settings", None)
    if not isinstance(settings, QSettings):
        settings = QSettings()
    controller = BasemapController(window, settings, directory)
    window.basemap = controller
    menus = getattr(window, "menus", {})
    if "view" in menus:
        menus["view"].addAction(controller.counties_action)
    return controller


__all__ = [
    "BasemapController",
    "Outlines",
    "apply_outlines",
    "basemap_dir",
    "install",
    "load_outlines",
]
