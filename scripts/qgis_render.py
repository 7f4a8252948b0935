"""Render a plan file the way QGIS shows it: its layers with their default styles.

Run with the Python that has QGIS (Debian: ``apt-get install python3-qgis``), not the
app's environment::

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 scripts/qgis_render.py PLAN.gpkg OUT.png

Prints one line per layer: its name, feature count, renderer type and, for a
categorised renderer, the field and number of categories, then the picture's path.
This checks what a user who opens the plan in QGIS without the app sees.
"""

from __future__ import annotations

import os
import sys

LAYERS = ("units", "territories", "routes", "accounts", "route_stops", "reps")


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    plan_path, out_path = argv
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import (
        QgsApplication,
        QgsMapRendererCustomPainterJob,
        QgsMapSettings,
        QgsRectangle,
        QgsVectorLayer,
    )
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor, QImage, QPainter

    app = QgsApplication([], False)
    app.initQgis()
    layers = []
    for name in LAYERS:
        layer = QgsVectorLayer(f"{plan_path}|layername={name}", name, "ogr")
        if not layer.isValid():
            continue
        renderer = layer.renderer()
        kind = renderer.type() if renderer is not None else "none"
        extra = ""
        if kind == "categorizedSymbol":
            extra = f" field={renderer.classAttribute()} categories={len(renderer.categories())}"
        print(
            f"layer {name}: features={layer.featureCount()} renderer={kind}{extra} "
            f"labels={int(layer.labelsEnabled())}"
        )
        layers.append(layer)
    if not layers:
        print(f"{plan_path}: no plan layers found", file=sys.stderr)
        return 1
    settings = QgsMapSettings()
    settings.setLayers(list(reversed(layers)))  # first in the list is drawn on top
    settings.setBackgroundColor(QColor(255, 255, 255))
    settings.setOutputSize(QSize(1600, 1100))
    extent = QgsRectangle(layers[0].extent())
    extent.scale(1.05)
    settings.setExtent(extent)
    settings.setDestinationCrs(layers[0].crs())
    image = QImage(settings.outputSize(), QImage.Format_ARGB32_Premultiplied)
    image.fill(QColor(255, 255, 255))
    painter = QPainter(image)
    job = QgsMapRendererCustomPainterJob(settings, painter)
    job.start()
    job.waitForFinished()
    painter.end()
    if not image.save(out_path, "PNG"):
        print(f"{out_path}: could not write the picture", file=sys.stderr)
        return 1
    print(f"wrote {out_path}")
    sys.stdout.flush()
    # QGIS 3.22 can crash while tearing down (exitQgis) in a headless run: leave now.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
