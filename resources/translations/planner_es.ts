<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es" sourcelanguage="en">
<context>
    <name>ActualsDialog</name>
    <message>
        <source>(automatic: numbers kept as a metric)</source>
        <translation>(automático: los números se guardan como métrica)</translation>
    </message>
    <message>
        <source>Import actuals {periods}</source>
        <translation>Importar resultados reales {periods}</translation>
    </message>
    <message>
        <source>Account id</source>
        <translation>ID de cuenta</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>Periodo</translation>
    </message>
    <message>
        <source>{metric} ({level})</source>
        <translation>{metric} ({level})</translation>
    </message>
    <message>
        <source>Import actuals</source>
        <translation>Importar resultados reales</translation>
    </message>
    <message>
        <source>Actuals (CSV or XLSX)</source>
        <translation>Resultados reales (CSV o XLSX)</translation>
    </message>
    <message>
        <source>from the period column, or e.g. 2026-Q3</source>
        <translation>de la columna de periodo, o p. ej. 2026-Q3</translation>
    </message>
    <message>
        <source>The period of every row when the file has no period column (a quarter such as 2026-Q3 or a month such as 2026-07)</source>
        <translation>El periodo de todas las filas cuando el archivo no tiene columna de periodo (un trimestre como 2026-Q3 o un mes como 2026-07)</translation>
    </message>
    <message>
        <source>File:</source>
        <translation>Archivo:</translation>
    </message>
    <message>
        <source>Period:</source>
        <translation>Periodo:</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>Columna</translation>
    </message>
    <message>
        <source>First values</source>
        <translation>Primeros valores</translation>
    </message>
    <message>
        <source>Imported as</source>
        <translation>Importada como</translation>
    </message>
    <message>
        <source>Choose a file of results per account (and period).</source>
        <translation>Elija un archivo de resultados por cuenta (y periodo).</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>Importar</translation>
    </message>
    <message>
        <source>Columns (detected from the header; correct them if needed):</source>
        <translation>Columnas (detectadas a partir del encabezado; corríjalas si hace falta):</translation>
    </message>
    <message>
        <source>&lt;b&gt;Cannot read:&lt;/b&gt; {exc}</source>
        <translation>&lt;b&gt;No se puede leer:&lt;/b&gt; {exc}</translation>
    </message>
    <message>
        <source>Ignore</source>
        <translation>Ignorar</translation>
    </message>
    <message>
        <source>{rows} rows, {columns} columns.</source>
        <translation>{rows} filas, {columns} columnas.</translation>
    </message>
    <message>
        <source>Columns</source>
        <translation>Columnas</translation>
    </message>
    <message>
        <source>Two columns feed {fields}: choose one.</source>
        <translation>Dos columnas alimentan {fields}: elija una.</translation>
    </message>
    <message>
        <source>Actuals import report</source>
        <translation>Informe de importación de resultados reales</translation>
    </message>
    <message>
        <source>Importing {name}</source>
        <translation>Importando {name}</translation>
    </message>
    <message>
        <source>Open a plan first.</source>
        <translation>Abra primero un plan.</translation>
    </message>
    <message>
        <source>Import &amp;Actuals…</source>
        <translation>Importar &amp;resultados reales…</translation>
    </message>
    <message>
        <source>Import results per account and period (revenue, margin, deals, visits...) from a CRM export; a stored period is replaced (undoable)</source>
        <translation>Importar resultados por cuenta y periodo (ingresos, margen, operaciones, visitas...) desde una exportación del CRM; un periodo ya guardado se sustituye (se puede deshacer)</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>Open plan</source>
        <translation>Abrir plan</translation>
    </message>
    <message>
        <source>{path}: no such file</source>
        <translation>{path}: no existe el archivo</translation>
    </message>
    <message>
        <source>The demo plan is missing: regenerate it with `make demo`.</source>
        <translation>Falta el plan de demostración: vuelva a generarlo con `make demo`.</translation>
    </message>
</context>
<context>
    <name>AttainmentMap</name>
    <message>
        <source>≤ 70 % of quota</source>
        <extracomment>Colour by deviation: near white inside the tolerance band, then light to deep blue (under target) or red (over target), deepest at three band widths beyond the band. The words of the attainment legend (planner.ui.attainment_map.LEGEND, Qt-free), for lupdate.</extracomment>
        <translation>≤ 70 % de la cuota</translation>
    </message>
    <message>
        <source>no quota</source>
        <translation>sin cuota</translation>
    </message>
</context>
<context>
    <name>BalanceChart</name>
    <message>
        <source>PREVIEW</source>
        <extracomment>Above this many territories the bars are not named under the chart. A scale that no longer fits is changed this long after the last update. Deviations shown beyond this (a zero target) are drawn at the edge of the panel. The dock holding the chart (set by :func:`install`).</extracomment>
        <translation>VISTA PREVIA</translation>
    </message>
    <message>
        <source>{k} territories, in plan order</source>
        <translation>{k} territorios, en el orden del plan</translation>
    </message>
    <message>
        <source>Balance chart</source>
        <translation>Gráfico de equilibrio</translation>
    </message>
</context>
<context>
    <name>BalancePanel</name>
    <message>
        <source>Territory</source>
        <extracomment>What a row is: &quot;Territory&quot;, or a hierarchy level (&quot;District&quot;, &quot;Region&quot;...). Utilisation per row (fraction; NaN when the plan balances no workload). Rows told to repaint by the last in-place update (tests count them).</extracomment>
        <translation>Territorio</translation>
    </message>
    <message>
        <source>Rep</source>
        <translation>Representante</translation>
    </message>
    <message>
        <source>Quota</source>
        <translation>Cuota</translation>
    </message>
    <message>
        <source>Utilisation</source>
        <translation>Utilización</translation>
    </message>
    <message>
        <source>Workload ÷ the rep&apos;s capacity (hours a year; the plan&apos;s default capacity without a rep). ! = over 100 %</source>
        <translation>Carga de trabajo ÷ capacidad del representante (horas al año; la capacidad por defecto del plan si no hay representante). ! = más del 100 %</translation>
    </message>
    <message>
        <source>set target</source>
        <translation>objetivo fijado</translation>
    </message>
    <message>
        <source>mean of territories</source>
        <translation>media de los territorios</translation>
    </message>
    <message>
        <source>{measure}: target {target} ({how}), band ±{band} %</source>
        <translation>{measure}: objetivo {target} ({how}), banda ±{band} %</translation>
    </message>
    <message>
        <source>{name}: {measure} {value}, target {target}, {deviation} (within ±{band} %)</source>
        <translation>{name}: {measure} {value}, objetivo {target}, {deviation} (dentro de ±{band} %)</translation>
    </message>
    <message>
        <source>{name}: {measure} {value}, target {target}, {deviation} (outside ±{band} %)</source>
        <translation>{name}: {measure} {value}, objetivo {target}, {deviation} (fuera de ±{band} %)</translation>
    </message>
    <message>
        <source>{k} territories, {out} outside a band</source>
        <translation>{k} territorios, {out} fuera de banda</translation>
    </message>
    <message>
        <source>{n} over capacity</source>
        <translation>{n} sobre la capacidad</translation>
    </message>
    <message>
        <source>{n} unassigned accounts</source>
        <translation>{n} cuentas sin asignar</translation>
    </message>
    <message>
        <source>disruption {accounts} accounts ({accounts_share}), {revenue} revenue ({revenue_share})</source>
        <translation>disrupción {accounts} cuentas ({accounts_share}), {revenue} de ingresos ({revenue_share})</translation>
    </message>
    <message>
        <source>Estimated since edits moved accounts in or out (plan routes again, or undo the edits, to use routed travel): {names}</source>
        <translation>Estimado porque las ediciones movieron cuentas hacia dentro o fuera (vuelva a planificar las rutas, o deshaga las ediciones, para usar los tiempos de ruta): {names}</translation>
    </message>
    <message>
        <source> (grouped by parent_id only)</source>
        <translation> (agrupado solo por parent_id)</translation>
    </message>
    <message>
        <source> and {n} more</source>
        <translation> y {n} más</translation>
    </message>
    <message>
        <source>hierarchy: {problem}{more}{fallback}</source>
        <translation>jerarquía: {problem}{more}{fallback}</translation>
    </message>
    <message>
        <source>Hierarchy table problems:</source>
        <translation>Problemas de la tabla de jerarquía:</translation>
    </message>
    <message>
        <source>PREVIEW — </source>
        <translation>VISTA PREVIA — </translation>
    </message>
    <message>
        <source>Territories</source>
        <translation>Territorios</translation>
    </message>
    <message>
        <source>{name}: {share} of {capacity} h a year (over capacity)</source>
        <translation>{name}: {share} de {capacity} h al año (sobre la capacidad)</translation>
    </message>
    <message>
        <source>{name}: {share} of {capacity} h a year (within capacity)</source>
        <translation>{name}: {share} de {capacity} h al año (dentro de la capacidad)</translation>
    </message>
    <message>
        <source>One row per territory, or per district, region... of the plan&apos;s hierarchy, with the totals of the territories under it</source>
        <translation>Una fila por territorio, o por distrito, región… de la jerarquía del plan, con los totales de sus territorios</translation>
    </message>
    <message>
        <source>Show:</source>
        <extracomment>Territory indices behind each row when rows are parents (None: rows are territories).</extracomment>
        <translation>Mostrar:</translation>
    </message>
</context>
<context>
    <name>BasemapController</name>
    <message>
        <source>County outlines</source>
        <extracomment>The one colour of both when the canvas has a single basemap layer.</extracomment>
        <translation>Límites de condados</translation>
    </message>
    <message>
        <source>Show county boundaries under the territories</source>
        <translation>Mostrar los límites de condados bajo los territorios</translation>
    </message>
</context>
<context>
    <name>BrushTool</name>
    <message>
        <source>Refused: {exc}</source>
        <translation>Rechazado: {exc}</translation>
    </message>
    <message>
        <source>Brush {units} units to {target}</source>
        <translation>Pincel: {units} unidades a {target}</translation>
    </message>
    <message>
        <source>Brush size {radius_km} km</source>
        <translation>Tamaño del pincel {radius_km} km</translation>
    </message>
</context>
<context>
    <name>CapacityDialog</name>
    <message>
        <source>Capacity</source>
        <translation>Capacidad</translation>
    </message>
    <message>
        <source> h a year</source>
        <translation> h al año</translation>
    </message>
    <message>
        <source>Working hours a year per rep; {source}: {default} h</source>
        <translation>Horas de trabajo al año por representante; {source}: {default} h</translation>
    </message>
    <message>
        <source>Hours per rep</source>
        <translation>Horas por representante</translation>
    </message>
    <message>
        <source>Travel (h)</source>
        <translation>Desplazamiento (h)</translation>
    </message>
    <message>
        <source>Reps needed</source>
        <translation>Representantes necesarios</translation>
    </message>
    <message>
        <source>Territories</source>
        <translation>Territorios</translation>
    </message>
    <message>
        <source>Capacity per rep:</source>
        <translation>Capacidad por representante:</translation>
    </message>
    <message>
        <source>Sensitivity:</source>
        <translation>Sensibilidad:</translation>
    </message>
    <message>
        <source>{accounts} accounts, {visits} visits a year</source>
        <translation>{accounts} cuentas, {visits} visitas al año</translation>
    </message>
    <message>
        <source>Workload: visit hours {visit} + travel {travel} = {workload} h a year</source>
        <translation>Carga de trabajo: horas de visita {visit} + desplazamiento {travel} = {workload} h al año</translation>
    </message>
    <message>
        <source>Capacity per rep: {hours} h ({source})</source>
        <translation>Capacidad por representante: {hours} h ({source})</translation>
    </message>
    <message>
        <source>The plan has {n} territories today.</source>
        <translation>El plan tiene hoy {n} territorios.</translation>
    </message>
    <message>
        <source>Open a plan first.</source>
        <translation>Abra primero un plan.</translation>
    </message>
    <message>
        <source>&amp;Capacity…</source>
        <translation>&amp;Capacidad…</translation>
    </message>
    <message>
        <source>How many territories the workload needs at a capacity per rep</source>
        <translation>Cuántos territorios necesita la carga de trabajo con una capacidad por representante</translation>
    </message>
</context>
<context>
    <name>Commands</name>
    <message>
        <source>Set {field} of {territory}</source>
        <translation>Cambiar {field} de {territory}</translation>
    </message>
    <message>
        <source>Draw territory</source>
        <translation>Dibujar territorio</translation>
    </message>
    <message>
        <source>Merge {names}</source>
        <translation>Fusionar {names}</translation>
    </message>
    <message>
        <source>Split {territory}</source>
        <translation>Dividir {territory}</translation>
    </message>
</context>
<context>
    <name>DisruptionPanel</name>
    <message>
        <source>Territory</source>
        <translation>Territorio</translation>
    </message>
    <message>
        <source>Accounts in</source>
        <translation>Cuentas entrantes</translation>
    </message>
    <message>
        <source>Accounts out</source>
        <translation>Cuentas salientes</translation>
    </message>
    <message>
        <source>Revenue in</source>
        <translation>Ingresos entrantes</translation>
    </message>
    <message>
        <source>Revenue out</source>
        <translation>Ingresos salientes</translation>
    </message>
    <message>
        <source>No plan</source>
        <extracomment>Rows of territories that changed are tinted, so the eye finds them in a long table. Items per territory index (their table rows move when sorted). The figures the cells show, (territories, 4), NaN where none yet. The dock holding the panel (set by :func:`install`).</extracomment>
        <translation>Sin plan</translation>
    </message>
    <message>
        <source>PREVIEW — </source>
        <translation>VISTA PREVIA — </translation>
    </message>
    <message>
        <source>&lt;b&gt;{accounts_moved}&lt;/b&gt; of {accounts_total} accounts ({accounts_pct} %) and &lt;b&gt;{revenue_moved}&lt;/b&gt; of {revenue_total} revenue ({revenue_pct} %) moved against the baseline</source>
        <translation>&lt;b&gt;{accounts_moved}&lt;/b&gt; de {accounts_total} cuentas ({accounts_pct} %) y &lt;b&gt;{revenue_moved}&lt;/b&gt; de {revenue_total} de ingresos ({revenue_pct} %) cambiados respecto a la línea base</translation>
    </message>
    <message>
        <source>Disruption</source>
        <translation>Disrupción</translation>
    </message>
</context>
<context>
    <name>DrawTerritoryTool</name>
    <message>
        <source>Click the next corners; Enter finishes, Esc cancels.</source>
        <extracomment>The pointer left the press spot during this press (a closed freehand loop ends where it began, so the release position alone cannot tell a drag from a click).</extracomment>
        <translation>Pulse las siguientes esquinas; Intro termina, Esc cancela.</translation>
    </message>
    <message>
        <source>Territory not drawn: {exc}</source>
        <translation>Territorio no dibujado: {exc}</translation>
    </message>
    <message>
        <source>New territory {tid}</source>
        <translation>Territorio nuevo {tid}</translation>
    </message>
    <message>
        <source>Draw territory {tid}</source>
        <translation>Dibujar territorio {tid}</translation>
    </message>
    <message>
        <source>; it cut {n} overlapping drawn territories</source>
        <translation>; recortó {n} territorios dibujados superpuestos</translation>
    </message>
    <message>
        <source> (self-crossing outline repaired)</source>
        <translation> (contorno que se cruzaba reparado)</translation>
    </message>
    <message>
        <source>Drew {value}{repaired}: {moved} accounts moved to it{note}</source>
        <translation>Dibujado {value}{repaired}: {moved} cuentas pasaron a él{note}</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Excel workbook for managers</source>
        <extracomment>Output kinds: (label, suffix, file filter).</extracomment>
        <translation>Libro de Excel para responsables</translation>
    </message>
    <message>
        <source>Excel workbooks (*.xlsx)</source>
        <translation>Libros de Excel (*.xlsx)</translation>
    </message>
    <message>
        <source>Interactive map (HTML)</source>
        <translation>Mapa interactivo (HTML)</translation>
    </message>
    <message>
        <source>Web pages (*.html)</source>
        <translation>Páginas web (*.html)</translation>
    </message>
    <message>
        <source>CSV for CRM upload</source>
        <translation>CSV para cargar en el CRM</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Archivos CSV (*.csv)</translation>
    </message>
    <message>
        <source>Map picture as shown (PNG)</source>
        <translation>Imagen del mapa tal como se ve (PNG)</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>Imágenes PNG (*.png)</translation>
    </message>
    <message>
        <source>Map book for managers (PDF, a page per territory)</source>
        <translation>Cuaderno de mapas para responsables (PDF, una página por territorio)</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>Archivos PDF (*.pdf)</translation>
    </message>
    <message>
        <source>Copying the plan</source>
        <translation>Copiando el plan</translation>
    </message>
    <message>
        <source>Exported {names} to {parent}</source>
        <translation>Exportado {names} a {parent}</translation>
    </message>
    <message>
        <source>Exporting</source>
        <translation>Exportando</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exportar</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Examinar…</translation>
    </message>
    <message>
        <source>CRM CSV for loaders (raw ids, no formula protection)</source>
        <translation>CSV de CRM para cargadores (ids sin cambios, sin protección de fórmulas)</translation>
    </message>
    <message>
        <source>Write every id exactly as in the plan, for a CRM loader that never evaluates cells. Without it, cells starting with = + - @ get a leading &apos; so a spreadsheet opening the CSV shows them as text.</source>
        <translation>Escribe cada id tal como está en el plan, para un cargador de CRM que nunca evalúa celdas. Sin esta opción, las celdas que empiezan por = + - @ llevan un &apos; delante para que una hoja de cálculo las muestre como texto.</translation>
    </message>
    <message>
        <source>The workbook has a summary, every account&apos;s territory and rep, routes and the changes against the baseline. Managers can edit the Territory ID column and send it back (File &gt; Review Edited Workbook…).</source>
        <translation>El libro tiene un resumen, el territorio y el representante de cada cuenta, las rutas y los cambios respecto a la línea base. Los gerentes pueden editar la columna ID de territorio y devolverlo (Archivo &gt; Revisar libro editado…).</translation>
    </message>
    <message>
        <source>Export to</source>
        <translation>Exportar a</translation>
    </message>
    <message>
        <source>There is no folder {value}.</source>
        <translation>No existe la carpeta {value}.</translation>
    </message>
    <message>
        <source>Replace {files}?
The old file is kept until the new one is complete.</source>
        <translation>¿Reemplazar {files}?
El archivo anterior se conserva hasta que el nuevo esté completo.</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>&amp;Exportar…</translation>
    </message>
    <message>
        <source>Write the manager&apos;s workbook, an HTML map, CRM CSV or a map picture</source>
        <translation>Escribir el libro para gerentes, un mapa HTML, CSV de CRM o una imagen del mapa</translation>
    </message>
</context>
<context>
    <name>FirstPlanGuide</name>
    <message>
        <source>Your first plan</source>
        <translation>Su primer plan</translation>
    </message>
    <message>
        <source>Skip the guide</source>
        <translation>Saltar la guía</translation>
    </message>
    <message>
        <source>from the units file</source>
        <translation>del archivo de unidades</translation>
    </message>
    <message>
        <source>The plan has {n} reps: one territory each is proposed; change the number to see another split.</source>
        <extracomment>Seconds the optimiser may take (None: the optimiser dialog&apos;s default for the size).</extracomment>
        <translation>El plan tiene {n} representantes: se propone un territorio para cada uno; cambie el número para ver otro reparto.</translation>
    </message>
    <message>
        <source>Create territories</source>
        <translation>Crear territorios</translation>
    </message>
    <message>
        <source>Creating {n} territories…</source>
        <translation>Creando {n} territorios…</translation>
    </message>
    <message>
        <source>Stopping: keeping the best plan found so far…</source>
        <translation>Deteniendo: se conserva el mejor plan encontrado hasta ahora…</translation>
    </message>
    <message>
        <source>Stopped; nothing changed.</source>
        <translation>Detenido; no ha cambiado nada.</translation>
    </message>
    <message>
        <source>Could not create: {error}</source>
        <translation>No se pudo crear: {error}</translation>
    </message>
    <message>
        <source>Another plan is open now; nothing changed.</source>
        <translation>Ahora hay otro plan abierto; no ha cambiado nada.</translation>
    </message>
    <message>
        <source>Created {n_territories} territories: {in_band} within every band. Finish to work on the map; Plan ▸ Optimise territories… refines them.</source>
        <translation>Creados {n_territories} territorios: {in_band} dentro de todas las bandas. Pulse Finalizar para trabajar en el mapa; Plan ▸ Optimizar territorios… los afina.</translation>
    </message>
</context>
<context>
    <name>HeatLayer</name>
    <message>
        <source>Heat: {measure} (low → high in this view)</source>
        <extracomment>Screen pixels per density cell, and the smoothing radius in cells. Extra area rendered on each side, as a share of the view, so pans reuse the image. Paints closer together than this are one movement (a drag, a key held down). Renders put off until the view rested (counted for the benchmark).</extracomment>
        <translation>Calor: {measure} (bajo → alto en esta vista)</translation>
    </message>
    <message>
        <source>Potential</source>
        <extracomment>The account measures&apos; labels (heat_render.ACCOUNT_MEASURES), marked for lupdate.</extracomment>
        <translation>Potencial</translation>
    </message>
    <message>
        <source>Revenue (L12M)</source>
        <translation>Ingresos (últ. 12 meses)</translation>
    </message>
    <message>
        <source>White space (potential − revenue)</source>
        <translation>Espacio en blanco (potencial − ingresos)</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>Cuentas</translation>
    </message>
    <message>
        <source>Actual {metric} ({period})</source>
        <translation>Valor real de {metric} ({period})</translation>
    </message>
    <message>
        <source>&amp;Heat Layer</source>
        <translation>Capa de &amp;calor</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>Desactivada</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <source>(not in file)</source>
        <translation>(no está en el archivo)</translation>
    </message>
    <message>
        <source>ZIP areas (built in, offline)</source>
        <extracomment>Built-in geographies offered when no units file is given: (key, label).</extracomment>
        <translation>Áreas de código postal (integradas, sin conexión)</translation>
    </message>
    <message>
        <source>Counties (built in, offline)</source>
        <translation>Condados (integrados, sin conexión)</translation>
    </message>
    <message>
        <source>States (built in, offline)</source>
        <translation>Estados (integrados, sin conexión)</translation>
    </message>
    <message>
        <source>Tables (*.csv *.txt *.xlsx *.xlsm);;All files (*)</source>
        <extracomment>File filters (translated where a file chooser shows them).</extracomment>
        <translation>Tablas (*.csv *.txt *.xlsx *.xlsm);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>Vector files (*.gpkg *.shp *.geojson *.json *.fgb *.kml);;All files (*)</source>
        <translation>Archivos vectoriales (*.gpkg *.shp *.geojson *.json *.fgb *.kml);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>Browse…</source>
        <extracomment>Built-in geography when no units file is given: &quot;zip&quot;, &quot;county&quot; or &quot;state&quot;. Decimal mark of the numbers: None (detected per column), &quot;.&quot; or &quot;,&quot;. &quot;auto&quot;: swap a latitude/longitude pair the ZIP shows is swapped (listed); &quot;never&quot;.</extracomment>
        <translation>Examinar…</translation>
    </message>
    <message>
        <source>New plan from import</source>
        <translation>Nuevo plan desde importación</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>Archivos</translation>
    </message>
    <message>
        <source>Accounts (CSV or XLSX)</source>
        <translation>Cuentas (CSV o XLSX)</translation>
    </message>
    <message>
        <source>Accounts:</source>
        <translation>Cuentas:</translation>
    </message>
    <message>
        <source>The units territories are built from when no units file is given: the bundled US geography covering the accounts</source>
        <translation>Las unidades con que se forman los territorios si no se da un archivo de unidades: la geografía de EE. UU. incluida que cubre las cuentas</translation>
    </message>
    <message>
        <source>Geography:</source>
        <translation>Geografía:</translation>
    </message>
    <message>
        <source>Units file (optional, instead of the built-in geography)</source>
        <translation>Archivo de unidades (opcional, en lugar de la geografía incluida)</translation>
    </message>
    <message>
        <source>Units:</source>
        <translation>Unidades:</translation>
    </message>
    <message>
        <source>Reps (optional: CSV or XLSX)</source>
        <translation>Representantes (opcional: CSV o XLSX)</translation>
    </message>
    <message>
        <source>Reps:</source>
        <translation>Representantes:</translation>
    </message>
    <message>
        <source>Column mapping (detected from the header; correct it if needed)</source>
        <translation>Correspondencia de columnas (detectada del encabezado; corríjala si hace falta)</translation>
    </message>
    <message>
        <source>Detect per column</source>
        <translation>Detectar por columna</translation>
    </message>
    <message>
        <source>Point: 1,234.50</source>
        <translation>Punto: 1,234.50</translation>
    </message>
    <message>
        <source>Comma: 1.234,50</source>
        <translation>Coma: 1.234,50</translation>
    </message>
    <message>
        <source>Swap latitude and longitude where the ZIP shows they are swapped</source>
        <translation>Intercambiar latitud y longitud cuando el código postal muestra que están invertidas</translation>
    </message>
    <message>
        <source>Every swapped row is listed in the import report</source>
        <translation>Cada fila intercambiada aparece en el informe de importación</translation>
    </message>
    <message>
        <source>Decimal mark:</source>
        <translation>Separador decimal:</translation>
    </message>
    <message>
        <source>Choose an accounts file.</source>
        <translation>Elija un archivo de cuentas.</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>Importar</translation>
    </message>
    <message>
        <source>First rows:</source>
        <translation>Primeras filas:</translation>
    </message>
    <message>
        <source>A units file is chosen: its polygons are the units</source>
        <translation>Hay un archivo de unidades: sus polígonos son las unidades</translation>
    </message>
    <message>
        <source>&lt;b&gt;Cannot read:&lt;/b&gt; {exc}</source>
        <translation>&lt;b&gt;No se puede leer:&lt;/b&gt; {exc}</translation>
    </message>
    <message>
        <source>{rows} rows, {columns} columns, encoding {encoding}.</source>
        <translation>{rows} filas, {columns} columnas, codificación {encoding}.</translation>
    </message>
    <message>
        <source> {n} malformed rows will be listed in the report.</source>
        <translation> {n} filas mal formadas aparecerán en el informe.</translation>
    </message>
    <message>
        <source>Column mapping</source>
        <translation>Correspondencia de columnas</translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Idioma</translation>
    </message>
    <message>
        <source>System Default</source>
        <translation>Predeterminado del sistema</translation>
    </message>
    <message>
        <source>The system&apos;s language</source>
        <translation>El idioma del sistema</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Idioma</translation>
    </message>
    <message>
        <source>The new language applies the next time the planner opens.</source>
        <translation>El nuevo idioma se aplicará la próxima vez que abra el planificador.</translation>
    </message>
</context>
<context>
    <name>LassoAssignTool</name>
    <message>
        <source>Lasso ignored: {exc}</source>
        <extracomment>The change and held count of the path as it is, from the last move (None: stale). How many times a change was computed from the path (a release reuses the last).</extracomment>
        <translation>Lazo ignorado: {exc}</translation>
    </message>
    <message>
        <source>Refused: {exc}</source>
        <translation>Rechazado: {exc}</translation>
    </message>
    <message>
        <source>; {held} locked or pinned items kept</source>
        <translation>; se mantienen {held} elementos bloqueados o fijados</translation>
    </message>
    <message>
        <source>Nothing to move to {target}{note}</source>
        <translation>Nada que mover a {target}{note}</translation>
    </message>
    <message>
        <source>Lasso {units} units, {accounts} accounts to {target}</source>
        <translation>Lazo: {units} unidades, {accounts} cuentas a {target}</translation>
    </message>
</context>
<context>
    <name>Legend</name>
    <message>
        <source>… {n} more (View ▸ Legend)</source>
        <extracomment>Longest label shown in the box (the panel shows labels whole). Columns of ``(label, colour or None)`` entries, top to bottom.</extracomment>
        <translation>… {n} más (Ver ▸ Leyenda)</translation>
    </message>
    <message>
        <source>No plan open</source>
        <translation>Ningún plan abierto</translation>
    </message>
    <message>
        <source>Legend</source>
        <translation>Leyenda</translation>
    </message>
</context>
<context>
    <name>LegendPanel</name>
    <message numerus="yes">
        <source>%n entries</source>
        <translation>
            <numerusform>%n entrada</numerusform>
            <numerusform>%n entradas</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LockTool</name>
    <message>
        <source>Nothing to lock: no unlocked items in the lasso</source>
        <translation>Nada que bloquear: no hay elementos desbloqueados en el lazo</translation>
    </message>
    <message>
        <source>Nothing to unlock: no locked items in the lasso</source>
        <translation>Nada que desbloquear: no hay elementos bloqueados en el lazo</translation>
    </message>
    <message>
        <source>Lock {n_units} units, {n_accounts} accounts</source>
        <translation>Bloquear {n_units} unidades, {n_accounts} cuentas</translation>
    </message>
    <message>
        <source>Unlock {n_units} units, {n_accounts} accounts</source>
        <translation>Desbloquear {n_units} unidades, {n_accounts} cuentas</translation>
    </message>
    <message>
        <source>Lock units</source>
        <translation>Bloquear unidades</translation>
    </message>
    <message>
        <source>Unlock units</source>
        <translation>Desbloquear unidades</translation>
    </message>
    <message>
        <source>Lock accounts</source>
        <translation>Bloquear cuentas</translation>
    </message>
    <message>
        <source>Unlock accounts</source>
        <translation>Desbloquear cuentas</translation>
    </message>
    <message>
        <source>Locked {n_units} units and {n_accounts} accounts</source>
        <translation>Bloqueadas {n_units} unidades y {n_accounts} cuentas</translation>
    </message>
    <message>
        <source>Unlocked {n_units} units and {n_accounts} accounts</source>
        <translation>Desbloqueadas {n_units} unidades y {n_accounts} cuentas</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Territory plans (*.gpkg);;All files (*)</source>
        <translation>Planes de territorios (*.gpkg);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>Balance</source>
        <extracomment>The open plan; :attr:`plan` and :attr:`path` read it. Why the open plan may not be saved over its file (None: it may). Every edit of the plan goes through this stack (see planner.ui.commands). Menus by key (&quot;file&quot;, &quot;edit&quot;, &quot;view&quot;, &quot;plan&quot;, &quot;help&quot;) for features to add actions to. The one path from plan events and previews to every view.</extracomment>
        <translation>Equilibrio</translation>
    </message>
    <message>
        <source>&amp;New from Import…</source>
        <translation>&amp;Nuevo desde importación…</translation>
    </message>
    <message>
        <source>Build a plan from accounts, units and reps files</source>
        <translation>Crear un plan a partir de archivos de cuentas, unidades y representantes</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>&amp;Abrir…</translation>
    </message>
    <message>
        <source>Open a plan file (.gpkg)</source>
        <translation>Abrir un archivo de plan (.gpkg)</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Guardar</translation>
    </message>
    <message>
        <source>Save the plan</source>
        <translation>Guardar el plan</translation>
    </message>
    <message>
        <source>Save &amp;As…</source>
        <translation>Guardar &amp;como…</translation>
    </message>
    <message>
        <source>Save the plan under a new name</source>
        <translation>Guardar el plan con otro nombre</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Salir</translation>
    </message>
    <message>
        <source>Close Territory Planner</source>
        <translation>Cerrar Territory Planner</translation>
    </message>
    <message>
        <source>Zoom to &amp;Extent</source>
        <translation>Ampliar a la &amp;extensión</translation>
    </message>
    <message>
        <source>Show the whole plan</source>
        <translation>Mostrar todo el plan</translation>
    </message>
    <message>
        <source>Zoom to &amp;Selection</source>
        <translation>Ampliar a la &amp;selección</translation>
    </message>
    <message>
        <source>Show the selected territories</source>
        <translation>Mostrar los territorios seleccionados</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Deshacer</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>&amp;Rehacer</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Archivo</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>Abrir &amp;reciente</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Edición</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ver</translation>
    </message>
    <message>
        <source>&amp;Plan</source>
        <translation>&amp;Plan</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>A&amp;yuda</translation>
    </message>
    <message>
        <source>&amp;About Territory Planner</source>
        <translation>&amp;Acerca de Territory Planner</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Archivo</translation>
    </message>
    <message>
        <source>Tools</source>
        <translation>Herramientas</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>&amp;Herramientas</translation>
    </message>
    <message>
        <source> Assign to: </source>
        <translation> Asignar a: </translation>
    </message>
    <message>
        <source>The territory that lasso, brush and reassignments move items to</source>
        <translation>El territorio al que el lazo, el pincel y las reasignaciones mueven los elementos</translation>
    </message>
    <message>
        <source> Scope: </source>
        <translation> Ámbito: </translation>
    </message>
    <message>
        <source>Units and accounts</source>
        <translation>Unidades y cuentas</translation>
    </message>
    <message>
        <source>Units</source>
        <translation>Unidades</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>Cuentas</translation>
    </message>
    <message>
        <source>What a lasso picks up: units (centroid inside), accounts, or both</source>
        <translation>Qué recoge el lazo: unidades (centroide dentro), cuentas o ambas</translation>
    </message>
    <message>
        <source>Select two or more territories to merge (Shift-click).</source>
        <translation>Seleccione dos o más territorios para fusionar (Mayús+clic).</translation>
    </message>
    <message>
        <source>Refused: a locked territory cannot be merged.</source>
        <translation>Rechazado: un territorio bloqueado no se puede fusionar.</translation>
    </message>
    <message>
        <source>Select territories first.</source>
        <translation>Seleccione primero territorios.</translation>
    </message>
    <message>
        <source>Lock {names}</source>
        <translation>Bloquear {names}</translation>
    </message>
    <message>
        <source>Unlock {names}</source>
        <translation>Desbloquear {names}</translation>
    </message>
    <message>
        <source>&amp;Merge Selected Territories</source>
        <translation>&amp;Fusionar territorios seleccionados</translation>
    </message>
    <message>
        <source>Merge the selected territories into the first</source>
        <translation>Fusionar los territorios seleccionados en el primero</translation>
    </message>
    <message>
        <source>&amp;Lock Selected Territories</source>
        <translation>&amp;Bloquear territorios seleccionados</translation>
    </message>
    <message>
        <source>Locked territories never change by any tool or optimiser</source>
        <translation>Ninguna herramienta ni el optimizador cambian los territorios bloqueados</translation>
    </message>
    <message>
        <source>&amp;Unlock Selected Territories</source>
        <translation>&amp;Desbloquear territorios seleccionados</translation>
    </message>
    <message>
        <source>Allow edits to the selected territories again</source>
        <translation>Permitir de nuevo editar los territorios seleccionados</translation>
    </message>
    <message>
        <source>Plan as opened</source>
        <translation>Plan tal como se abrió</translation>
    </message>
    <message>
        <source>Undo history</source>
        <translation>Historial de deshacer</translation>
    </message>
    <message>
        <source>Colour Territories By</source>
        <translation>Colorear territorios por</translation>
    </message>
    <message>
        <source>Territory</source>
        <translation>Territorio</translation>
    </message>
    <message>
        <source>Deviation of {measure}</source>
        <translation>Desviación de {measure}</translation>
    </message>
    <message>
        <source>Workload</source>
        <translation>Carga de trabajo</translation>
    </message>
    <message>
        <source>Potential</source>
        <translation>Potencial</translation>
    </message>
    <message>
        <source>Revenue</source>
        <translation>Ingresos</translation>
    </message>
    <message>
        <source>Attainment (latest period)</source>
        <translation>Cumplimiento (último periodo)</translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>Sin asignar</translation>
    </message>
    <message>
        <source>{n_accounts} accounts ({n_unplaced} unplaced), {n_units} units, {n_territories} territories, {n_reps} reps</source>
        <translation>{n_accounts} cuentas ({n_unplaced} sin ubicar), {n_units} unidades, {n_territories} territorios, {n_reps} representantes</translation>
    </message>
    <message>
        <source>demo</source>
        <translation>demostración</translation>
    </message>
    <message>
        <source> ({why}, read-only: Save asks for a new place)</source>
        <translation> ({why}, solo lectura: Guardar pide otra ubicación)</translation>
    </message>
    <message>
        <source>{name}[*] — Territory Planner</source>
        <translation>{name}[*] — Territory Planner</translation>
    </message>
    <message>
        <source>Territory Planner[*]</source>
        <translation>Territory Planner[*]</translation>
    </message>
    <message>
        <source>{title} failed</source>
        <translation>{title} falló</translation>
    </message>
    <message>
        <source>{title} cancelled; nothing changed</source>
        <translation>{title} cancelado; no ha cambiado nada</translation>
    </message>
    <message>
        <source>Opening {name}…</source>
        <translation>Abriendo {name}…</translation>
    </message>
    <message>
        <source>Opening {name}</source>
        <translation>Abriendo {name}</translation>
    </message>
    <message>
        <source>{name} not opened; nothing changed</source>
        <translation>{name} no se abrió; no ha cambiado nada</translation>
    </message>
    <message>
        <source>problems in the file</source>
        <translation>problemas en el archivo</translation>
    </message>
    <message numerus="yes">
        <source>%n repair(s) made; Save writes them: </source>
        <translation>
            <numerusform>%n reparación hecha; Guardar la escribe: </numerusform>
            <numerusform>%n reparaciones hechas; Guardar las escribe: </numerusform>
        </translation>
    </message>
    <message>
        <source>Problems in the plan file</source>
        <translation>Problemas en el archivo del plan</translation>
    </message>
    <message>
        <source>{name} has {n_problems} problem(s). Nothing has been changed in the file. Open it read-only (Save asks for a new place), or repair it (the repairs are made now; Save writes them; the baseline is never changed).</source>
        <translation>{name} tiene {n_problems} problema(s). No se ha cambiado nada en el archivo. Ábralo en solo lectura (Guardar pide otra ubicación) o repárelo (las reparaciones se hacen ahora; Guardar las escribe; la línea base nunca cambia).</translation>
    </message>
    <message>
        <source>… and {n} more</source>
        <translation>… y {n} más</translation>
    </message>
    <message>
        <source>Open read-only</source>
        <translation>Abrir en solo lectura</translation>
    </message>
    <message>
        <source>Repair</source>
        <translation>Reparar</translation>
    </message>
    <message>
        <source>Open plan</source>
        <translation>Abrir plan</translation>
    </message>
    <message>
        <source>Reading {name}</source>
        <translation>Leyendo {name}</translation>
    </message>
    <message>
        <source>from {name}</source>
        <translation>de {name}</translation>
    </message>
    <message>
        <source>Choosing the units that cover the accounts</source>
        <translation>Eligiendo las unidades que cubren las cuentas</translation>
    </message>
    <message>
        <source>bundled US geography: {level}</source>
        <translation>geografía de EE. UU. incluida: {level}</translation>
    </message>
    <message>
        <source>Building the plan</source>
        <translation>Creando el plan</translation>
    </message>
    <message>
        <source>Importing {name}</source>
        <translation>Importando {name}</translation>
    </message>
    <message>
        <source>Save plan as</source>
        <translation>Guardar plan como</translation>
    </message>
    <message>
        <source>{parent} is the application&apos;s own folder, which holds the demo plan. Choose another folder (e.g. your documents).</source>
        <translation>{parent} es la carpeta de la propia aplicación, que contiene el plan de demostración. Elija otra carpeta (p. ej., sus documentos).</translation>
    </message>
    <message>
        <source>Save plan</source>
        <translation>Guardar plan</translation>
    </message>
    <message>
        <source>Could not save {path}: {value}
The last saved file is unchanged.</source>
        <translation>No se pudo guardar {path}: {value}
El último archivo guardado no ha cambiado.</translation>
    </message>
    <message>
        <source>{exc}
The last saved file is unchanged.</source>
        <translation>{exc}
El último archivo guardado no ha cambiado.</translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation>Guardado {path}</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>Cambios sin guardar</translation>
    </message>
    <message>
        <source>Save changes to {value}?</source>
        <translation>¿Guardar los cambios en {value}?</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(ninguno)</translation>
    </message>
    <message>
        <source>Open recent</source>
        <translation>Abrir reciente</translation>
    </message>
    <message>
        <source>{name} no longer exists.</source>
        <translation>{name} ya no existe.</translation>
    </message>
    <message>
        <source>About Territory Planner</source>
        <translation>Acerca de Territory Planner</translation>
    </message>
    <message>
        <source>&lt;b&gt;Territory Planner&lt;/b&gt; {version}&lt;br&gt;Sales territory design on the desktop.&lt;br&gt;Map data: US Census ZCTA centroids and county outlines (public domain).</source>
        <translation>&lt;b&gt;Territory Planner&lt;/b&gt; {version}&lt;br&gt;Diseño de territorios de venta en el escritorio.&lt;br&gt;Datos del mapa: centroides ZCTA y límites de condados del censo de EE. UU. (dominio público).</translation>
    </message>
</context>
<context>
    <name>MapPresenter</name>
    <message>
        <source>no quota</source>
        <extracomment>``&quot;territory&quot;`` (each territory its colour), ``(&quot;level&quot;, level)`` (one colour per district, region...), ``(&quot;deviation&quot;, measure_key)`` or ``(&quot;attainment&quot;, period)`` (``&quot;&quot;`` = the latest period; see :mod:`planner.ui.attainment_map`). The territory each account is coloured by on the map (None: colours follow something else, e.g. the deviation), so a recolour touches only what differs. Unit and account palettes a preview reuses (built again for each applied state).</extracomment>
        <translation>sin cuota</translation>
    </message>
    <message>
        <source>{pct} % of quota</source>
        <translation>{pct} % de la cuota</translation>
    </message>
    <message>
        <source>Below target by more than {band}</source>
        <translation>Por debajo del objetivo en más de {band}</translation>
    </message>
    <message>
        <source>Within ±{band} of target</source>
        <translation>Dentro de ±{band} del objetivo</translation>
    </message>
    <message>
        <source>Above target by more than {band}</source>
        <translation>Por encima del objetivo en más de {band}</translation>
    </message>
    <message>
        <source>Unassigned unit</source>
        <translation>Unidad sin asignar</translation>
    </message>
    <message>
        <source>Unassigned account</source>
        <translation>Cuenta sin asignar</translation>
    </message>
</context>
<context>
    <name>Measures</name>
    <message>
        <source>Workload (h/yr)</source>
        <extracomment>QSettings key of the language chosen in View ▸ Language (&quot;&quot; = the system&apos;s). The translators installed now (kept referenced: Qt does not own them). The default measures&apos; labels (planner.models.settings.default_measures), marked for lupdate: a plan&apos;s own measure names show as the planner typed them.</extracomment>
        <translation>Carga de trabajo (h/año)</translation>
    </message>
    <message>
        <source>Potential</source>
        <translation>Potencial</translation>
    </message>
    <message>
        <source>Revenue (L12M)</source>
        <translation>Ingresos (últ. 12 meses)</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>Cuentas</translation>
    </message>
</context>
<context>
    <name>Metrics</name>
    <message>
        <source>Revenue</source>
        <extracomment>The actuals&apos; known metrics and their levels (planner.models.actuals.METRICS), marked for lupdate: a column the import does not know shows its own name.</extracomment>
        <translation>Ingresos</translation>
    </message>
    <message>
        <source>Gross margin</source>
        <translation>Margen bruto</translation>
    </message>
    <message>
        <source>Profit</source>
        <translation>Beneficio</translation>
    </message>
    <message>
        <source>Deals won</source>
        <translation>Operaciones ganadas</translation>
    </message>
    <message>
        <source>Deals lost</source>
        <translation>Operaciones perdidas</translation>
    </message>
    <message>
        <source>Visits held</source>
        <translation>Visitas realizadas</translation>
    </message>
    <message>
        <source>Calls made</source>
        <translation>Llamadas realizadas</translation>
    </message>
    <message>
        <source>Opportunities created</source>
        <translation>Oportunidades creadas</translation>
    </message>
    <message>
        <source>Pipeline value</source>
        <translation>Valor del pipeline</translation>
    </message>
    <message>
        <source>output</source>
        <translation>resultado</translation>
    </message>
    <message>
        <source>activity</source>
        <translation>actividad</translation>
    </message>
    <message>
        <source>pipeline</source>
        <translation>pipeline</translation>
    </message>
    <message>
        <source>other</source>
        <translation>otra</translation>
    </message>
</context>
<context>
    <name>OptimiseDialog</name>
    <message>
        <source>Rebalance the current alignment</source>
        <translation>Reequilibrar la alineación actual</translation>
    </message>
    <message>
        <source>Create territories from scratch (seeded at rep homes)</source>
        <translation>Crear territorios desde cero (a partir de los domicilios de los representantes)</translation>
    </message>
    <message>
        <source>Re-optimise the selected territories only</source>
        <translation>Reoptimizar solo los territorios seleccionados</translation>
    </message>
    <message>
        <source>Optimise territories</source>
        <translation>Optimizar territorios</translation>
    </message>
    <message>
        <source>Create mode: how many territories to fill</source>
        <extracomment>The last run&apos;s result (not ``result``: that is QDialog&apos;s exit code).</extracomment>
        <translation>Modo crear: cuántos territorios llenar</translation>
    </message>
    <message>
        <source>Subset mode: the territories selected in the balance table, or every territory under a district or region of the plan&apos;s hierarchy</source>
        <translation>Modo subconjunto: los territorios seleccionados en la tabla de equilibrio, o todos los de un distrito o región de la jerarquía del plan</translation>
    </message>
    <message>
        <source>Balance</source>
        <translation>Equilibrio</translation>
    </message>
    <message>
        <source>Tolerance ±%</source>
        <translation>Tolerancia ±%</translation>
    </message>
    <message>
        <source>Limit disruption to</source>
        <translation>Limitar la disrupción a</translation>
    </message>
    <message>
        <source>of accounts</source>
        <translation>de las cuentas</translation>
    </message>
    <message>
        <source>accounts</source>
        <translation>cuentas</translation>
    </message>
    <message>
        <source>of revenue</source>
        <translation>de los ingresos</translation>
    </message>
    <message>
        <source>revenue</source>
        <translation>ingresos</translation>
    </message>
    <message>
        <source>Limit each rep to</source>
        <extracomment>What edits since the baseline already spent of the budget (counted, like the budget, against the baseline).</extracomment>
        <translation>Limitar cada representante a</translation>
    </message>
    <message>
        <source>Largest share of each territory&apos;s baseline accounts it may lose plus gain (0 % keeps every rep&apos;s accounts as they are)</source>
        <translation>Parte máxima de las cuentas de referencia de cada territorio que puede perder más ganar (0 % deja las cuentas de cada representante como están)</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Required: every territory in one piece</source>
        <translation>Obligatoria: cada territorio de una sola pieza</translation>
    </message>
    <message>
        <source>Preferred: in pieces only where a band needs it</source>
        <translation>Preferida: en piezas solo donde una banda lo exija</translation>
    </message>
    <message>
        <source>Off: territories may be in pieces</source>
        <translation>Desactivada: los territorios pueden quedar en piezas</translation>
    </message>
    <message>
        <source>Whether territories must stay connected across shared unit borders</source>
        <translation>Si los territorios deben quedar conectados a través de los límites compartidos entre unidades</translation>
    </message>
    <message>
        <source>Total distance to the territory centres</source>
        <translation>Distancia total a los centros de los territorios</translation>
    </message>
    <message>
        <source>Largest territory diameter (min-max)</source>
        <translation>Mayor diámetro de territorio (mín-máx)</translation>
    </message>
    <message>
        <source>What the optimiser keeps small; the result reports both figures</source>
        <translation>Lo que el optimizador mantiene pequeño; el resultado informa de ambas cifras</translation>
    </message>
    <message>
        <source>of its accounts, lost plus gained</source>
        <translation>de sus cuentas, perdidas más ganadas</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>Modo</translation>
    </message>
    <message>
        <source>Territories</source>
        <translation>Territorios</translation>
    </message>
    <message>
        <source>Territories under</source>
        <translation>Territorios bajo</translation>
    </message>
    <message>
        <source>Measures</source>
        <translation>Medidas</translation>
    </message>
    <message>
        <source>Disruption</source>
        <translation>Disrupción</translation>
    </message>
    <message>
        <source>Per rep</source>
        <translation>Por representante</translation>
    </message>
    <message>
        <source>&amp;Contiguity</source>
        <translation>&amp;Contigüidad</translation>
    </message>
    <message>
        <source>Com&amp;pactness</source>
        <translation>Com&amp;pacidad</translation>
    </message>
    <message>
        <source>Time limit</source>
        <translation>Límite de tiempo</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Semilla</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Ajustes</translation>
    </message>
    <message>
        <source>Set the options and press Run.</source>
        <translation>Ajuste las opciones y pulse Ejecutar.</translation>
    </message>
    <message>
        <source>Shortfalls and notes appear here after a run.</source>
        <translation>Tras una ejecución aparecen aquí los déficits y las notas.</translation>
    </message>
    <message>
        <source>Result: before → after deviation from target</source>
        <translation>Resultado: desviación del objetivo antes → después</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Ejecutar</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Detener</translation>
    </message>
    <message>
        <source>Stop the search and keep the best plan found so far</source>
        <translation>Detener la búsqueda y conservar el mejor plan encontrado hasta ahora</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>Aplicar</translation>
    </message>
    <message>
        <source>Apply the proposal to the plan (one undo step)</source>
        <translation>Aplicar la propuesta al plan (un paso de deshacer)</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Cerrar</translation>
    </message>
    <message>
        <source>the territories selected in the balance table</source>
        <translation>los territorios seleccionados en la tabla de equilibrio</translation>
    </message>
    <message numerus="yes">
        <source>%n territory(s)</source>
        <translation>
            <numerusform>%n territorio</numerusform>
            <numerusform>%n territorios</numerusform>
        </translation>
    </message>
    <message>
        <source>none</source>
        <translation>ninguno</translation>
    </message>
    <message>
        <source>Selected in the balance table: {names}. Select at least two territories.</source>
        <translation>Seleccionados en la tabla de equilibrio: {names}. Seleccione al menos dos territorios.</translation>
    </message>
    <message>
        <source>Already {spent} % of revenue from the baseline</source>
        <translation>Ya se ha movido el {spent} % de los ingresos respecto a la línea base</translation>
    </message>
    <message>
        <source>Already {spent} % of accounts from the baseline</source>
        <translation>Ya se ha movido el {spent} % de las cuentas respecto a la línea base</translation>
    </message>
    <message>
        <source>: over the {budget} % budget. The run makes only moves that add no disruption (or move accounts back).</source>
        <translation>: por encima del presupuesto del {budget} %. La ejecución solo hace movimientos que no añaden disrupción (o devuelven cuentas).</translation>
    </message>
    <message>
        <source>; {left} % left.</source>
        <translation>; quedan {left} %.</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Iniciando…</translation>
    </message>
    <message>
        <source>Stopping: keeping the best plan found so far…</source>
        <translation>Deteniendo: se conserva el mejor plan encontrado hasta ahora…</translation>
    </message>
    <message>
        <source>Searching… best so far: {good} of {total} bands in tolerance</source>
        <translation>Buscando… mejor hasta ahora: {good} de {total} bandas dentro de la tolerancia</translation>
    </message>
    <message>
        <source>The optimiser failed.</source>
        <translation>El optimizador falló.</translation>
    </message>
    <message>
        <source>Territory</source>
        <translation>Territorio</translation>
    </message>
    <message>
        <source>value {before} → {after} (target {target})</source>
        <translation>valor {before} → {after} (objetivo {target})</translation>
    </message>
    <message>
        <source>Every band met.</source>
        <translation>Todas las bandas se cumplen.</translation>
    </message>
    <message>
        <source>Some bands are not met (see below).</source>
        <translation>Algunas bandas no se cumplen (vea abajo).</translation>
    </message>
    <message>
        <source>Some territories are in pieces.</source>
        <translation>Algunos territorios están en piezas.</translation>
    </message>
    <message>
        <source>Stopped: this is the best plan found so far.</source>
        <translation>Detenido: este es el mejor plan encontrado hasta ahora.</translation>
    </message>
    <message>
        <source>The request cannot be served; nothing would change.</source>
        <translation>No se puede atender la petición; no cambiaría nada.</translation>
    </message>
    <message>
        <source>required</source>
        <translation>obligatoria</translation>
    </message>
    <message>
        <source>preferred</source>
        <translation>preferida</translation>
    </message>
    <message>
        <source>off</source>
        <translation>desactivada</translation>
    </message>
    <message>
        <source>{verdict}  Territories in band: {in_band_before} → {in_band_after} of {n_optimised}.  Disruption: {accounts_moved} accounts ({accounts_pct} %), {revenue_pct} % of revenue, {units_moved} units.  Compactness: {compactness_before_km} → {compactness_after_km} km mean to the rep&apos;s home; largest territory {diameter_before_km} → {diameter_after_km} km across.  Contiguous: {contiguous_before} → {contiguous_after} (contiguity {contiguity}).  ({elapsed} s)</source>
        <translation>{verdict}  Territorios en banda: {in_band_before} → {in_band_after} de {n_optimised}.  Disrupción: {accounts_moved} cuentas ({accounts_pct} %), {revenue_pct} % de los ingresos, {units_moved} unidades.  Compacidad: {compactness_before_km} → {compactness_after_km} km de media al domicilio del representante; territorio más extenso {diameter_before_km} → {diameter_after_km} km de diámetro.  Contiguos: {contiguous_before} → {contiguous_after} (contigüidad {contiguity}).  ({elapsed} s)</translation>
    </message>
    <message>
        <source>Disruption {budget}</source>
        <translation>Disrupción {budget}</translation>
    </message>
    <message>
        <source>Shortfall: {what}</source>
        <translation>Déficit: {what}</translation>
    </message>
    <message>
        <source>Note: {note}</source>
        <translation>Nota: {note}</translation>
    </message>
    <message>
        <source>Moves ({n} units; every move is saved with the plan):</source>
        <translation>Movimientos ({n} unidades; cada movimiento se guarda con el plan):</translation>
    </message>
    <message>
        <source>Done. Review the proposal and press Apply, or change the options and run again.</source>
        <translation>Listo. Revise la propuesta y pulse Aplicar, o cambie las opciones y vuelva a ejecutar.</translation>
    </message>
    <message>
        <source>Done. Nothing to change.</source>
        <translation>Listo. No hay nada que cambiar.</translation>
    </message>
    <message>
        <source>The plan changed while the optimiser ran, so its proposal no longer fits. Run it again.</source>
        <translation>El plan cambió mientras se ejecutaba el optimizador y su propuesta ya no encaja. Vuelva a ejecutarlo.</translation>
    </message>
    <message>
        <source>Optimise territories ({mode})</source>
        <translation>Optimizar territorios ({mode})</translation>
    </message>
    <message>
        <source>Applied. Edit ▸ Undo takes the whole run back.</source>
        <translation>Aplicado. Edición ▸ Deshacer revierte toda la ejecución.</translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>Sin asignar</translation>
    </message>
    <message>
        <source>Open a plan first.</source>
        <translation>Abra primero un plan.</translation>
    </message>
    <message>
        <source>&amp;Optimise territories…</source>
        <translation>&amp;Optimizar territorios…</translation>
    </message>
    <message>
        <source>Build or rebalance territories automatically, within a disruption budget</source>
        <translation>Crear o reequilibrar territorios automáticamente, dentro de un presupuesto de disrupción</translation>
    </message>
</context>
<context>
    <name>PerformancePanel</name>
    <message>
        <source>Import actuals (Plan ▸ Import Actuals…) to review them.</source>
        <translation>Importe resultados reales (Plan ▸ Importar resultados reales…) para revisarlos.</translation>
    </message>
    <message>
        <source>Set {metric} quota of {territory}</source>
        <translation>Fijar cuota de {metric} de {territory}</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Quota</source>
        <translation>Cuota</translation>
    </message>
    <message>
        <source>Actual</source>
        <translation>Real</translation>
    </message>
    <message>
        <source>Att. %</source>
        <translation>Cumpl. %</translation>
    </message>
    <message>
        <source>YTD %</source>
        <translation>Acum. año %</translation>
    </message>
    <message>
        <source>Visits %</source>
        <translation>Visitas %</translation>
    </message>
    <message>
        <source>Expected %</source>
        <translation>Esperado %</translation>
    </message>
    <message>
        <source>Candidate: why</source>
        <translation>Candidato: motivo</translation>
    </message>
    <message>
        <source>Territory</source>
        <translation>Territorio</translation>
    </message>
    <message>
        <source>Rep</source>
        <translation>Representante</translation>
    </message>
    <message>
        <source>Colour map</source>
        <translation>Colorear mapa</translation>
    </message>
    <message>
        <source>Colour territories by attainment: red below quota, blue above</source>
        <translation>Colorear los territorios por cumplimiento: rojo por debajo de la cuota, azul por encima</translation>
    </message>
    <message>
        <source>Metric</source>
        <translation>Métrica</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>Periodo</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Por</translation>
    </message>
    <message>
        <source>Set Quota…</source>
        <translation>Fijar cuota…</translation>
    </message>
    <message>
        <source>Set the selected territory&apos;s annual quota of this metric (one undo step)</source>
        <translation>Fijar la cuota anual de esta métrica del territorio seleccionado (un solo paso de deshacer)</translation>
    </message>
    <message>
        <source>{metric} ({level})</source>
        <translation>{metric} ({level})</translation>
    </message>
    <message numerus="yes">
        <source>%n candidate(s) for the redesign.</source>
        <translation>
            <numerusform>%n candidato para el rediseño.</numerusform>
            <numerusform>%n candidatos para el rediseño.</numerusform>
        </translation>
    </message>
    <message>
        <source>Expected attainment: {model}.</source>
        <translation>Cumplimiento esperado: {model}.</translation>
    </message>
    <message>
        <source>Attainment %</source>
        <translation>Cumplimiento %</translation>
    </message>
    <message>
        <source>{metric}: attainment per period</source>
        <translation>{metric}: cumplimiento por periodo</translation>
    </message>
    <message>
        <source>{metric}: attainment per period (select territories to follow them)</source>
        <translation>{metric}: cumplimiento por periodo (seleccione territorios para seguirlos)</translation>
    </message>
    <message>
        <source>Select one territory to set its quota.</source>
        <translation>Seleccione un territorio para fijar su cuota.</translation>
    </message>
    <message>
        <source>Set quota</source>
        <translation>Fijar cuota</translation>
    </message>
    <message>
        <source>Annual {metric} quota of {territory} ({level}):</source>
        <translation>Cuota anual de {metric} de {territory} ({level}):</translation>
    </message>
    <message>
        <source>Performance</source>
        <translation>Desempeño</translation>
    </message>
</context>
<context>
    <name>PinTool</name>
    <message>
        <source>No accounts inside the lasso</source>
        <translation>No hay cuentas dentro del lazo</translation>
    </message>
    <message>
        <source>Refused: {exc}</source>
        <translation>Rechazado: {exc}</translation>
    </message>
    <message>
        <source>; {held} locked accounts kept</source>
        <translation>; se mantienen {held} cuentas bloqueadas</translation>
    </message>
    <message>
        <source>Nothing to pin to {name}{note}</source>
        <translation>Nada que fijar a {name}{note}</translation>
    </message>
    <message>
        <source>Pin {n} accounts to {name}</source>
        <translation>Fijar {n} cuentas a {name}</translation>
    </message>
</context>
<context>
    <name>ProblemsPanel</name>
    <message>
        <source>Overlapping territories</source>
        <extracomment>Group headings, in the order of :data:`planner.models.problems.PROBLEM_KINDS`.</extracomment>
        <translation>Territorios superpuestos</translation>
    </message>
    <message>
        <source>Unassigned accounts</source>
        <translation>Cuentas sin asignar</translation>
    </message>
    <message>
        <source>Unassigned units</source>
        <translation>Unidades sin asignar</translation>
    </message>
    <message>
        <source>Territories in separate parts</source>
        <translation>Territorios en partes separadas</translation>
    </message>
    <message>
        <source>Empty territories</source>
        <translation>Territorios vacíos</translation>
    </message>
    <message>
        <source>Accounts without a location</source>
        <translation>Cuentas sin ubicación</translation>
    </message>
    <message>
        <source>Accounts outside every unit</source>
        <translation>Cuentas fuera de toda unidad</translation>
    </message>
    <message>
        <source>No plan</source>
        <extracomment>Data roles of a row: the box to zoom to, and (item kind, indices) to select. The plan the listed problems were found on. The dock holding the panel (set by :func:`install`).</extracomment>
        <translation>Sin plan</translation>
    </message>
    <message numerus="yes">
        <source>%n unit(s)</source>
        <translation>
            <numerusform>%n unidad</numerusform>
            <numerusform>%n unidades</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n account(s)</source>
        <translation>
            <numerusform>%n cuenta</numerusform>
            <numerusform>%n cuentas</numerusform>
        </translation>
    </message>
    <message>
        <source>Part {n}: {what}, {area} km²</source>
        <translation>Parte {n}: {what}, {area} km²</translation>
    </message>
    <message>
        <source>No problems</source>
        <translation>Sin problemas</translation>
    </message>
    <message numerus="yes">
        <source>%n problem(s)</source>
        <translation>
            <numerusform>%n problema</numerusform>
            <numerusform>%n problemas</numerusform>
        </translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>Problemas</translation>
    </message>
</context>
<context>
    <name>QuotaDialog</name>
    <message>
        <source>Set quotas</source>
        <translation>Fijar cuotas</translation>
    </message>
    <message>
        <source>Quotas</source>
        <translation>Cuotas</translation>
    </message>
    <message>
        <source>Share of potential</source>
        <translation>Proporción del potencial</translation>
    </message>
    <message>
        <source>Share of history (L12M revenue)</source>
        <translation>Proporción del histórico (ingresos últ. 12 meses)</translation>
    </message>
    <message>
        <source>Blend</source>
        <translation>Mezcla</translation>
    </message>
    <message>
        <source>Weight of potential in the blend (the rest is history)</source>
        <translation>Peso del potencial en la mezcla (el resto es el histórico)</translation>
    </message>
    <message>
        <source>Bottom-up: last-12-month revenue × (1 + growth)</source>
        <translation>Ascendente: ingresos de los últimos 12 meses × (1 + crecimiento)</translation>
    </message>
    <message>
        <source>Compute</source>
        <translation>Calcular</translation>
    </message>
    <message>
        <source>Company target:</source>
        <translation>Objetivo de la empresa:</translation>
    </message>
    <message>
        <source>Top-down by:</source>
        <translation>Descendente según:</translation>
    </message>
    <message>
        <source>Blend (potential weight):</source>
        <translation>Mezcla (peso del potencial):</translation>
    </message>
    <message>
        <source>Bottom-up growth:</source>
        <translation>Crecimiento ascendente:</translation>
    </message>
    <message>
        <source>Territory</source>
        <translation>Territorio</translation>
    </message>
    <message>
        <source>Top-down</source>
        <translation>Descendente</translation>
    </message>
    <message>
        <source>Bottom-up</source>
        <translation>Ascendente</translation>
    </message>
    <message>
        <source>Gap</source>
        <translation>Diferencia</translation>
    </message>
    <message>
        <source>Final quota (edit)</source>
        <translation>Cuota final (editable)</translation>
    </message>
    <message>
        <source>A final quota is not a number.</source>
        <translation>Una cuota final no es un número.</translation>
    </message>
    <message>
        <source>Final quotas add up to {total}; target {target}</source>
        <translation>Las cuotas finales suman {total}; objetivo {target}</translation>
    </message>
    <message>
        <source>  — off by {gap}</source>
        <translation>  — diferencia de {gap}</translation>
    </message>
    <message>
        <source>Set quotas (target {target})</source>
        <translation>Fijar cuotas (objetivo {target})</translation>
    </message>
    <message>
        <source>Quotas set</source>
        <translation>Cuotas fijadas</translation>
    </message>
</context>
<context>
    <name>RealignmentDialog</name>
    <message>
        <source>Realignment: {name} against the baseline</source>
        <translation>Realineación: {name} frente a la línea base</translation>
    </message>
    <message>
        <source>{n_accounts} accounts ({currency}{revenue} revenue) and {n_units} units change territory.</source>
        <translation>{n_accounts} cuentas ({currency}{revenue} de ingresos) y {n_units} unidades cambian de territorio.</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>Id</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>From</source>
        <translation>De</translation>
    </message>
    <message>
        <source>To</source>
        <translation>A</translation>
    </message>
    <message>
        <source>Revenue</source>
        <translation>Ingresos</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Motivo</translation>
    </message>
</context>
<context>
    <name>RedesignDialogs</name>
    <message>
        <source>Quotas</source>
        <translation>Cuotas</translation>
    </message>
    <message>
        <source>Open a plan with territories first.</source>
        <translation>Abra primero un plan con territorios.</translation>
    </message>
    <message>
        <source>Rep matching</source>
        <translation>Asignación de representantes</translation>
    </message>
    <message>
        <source>The plan has no reps.</source>
        <translation>El plan no tiene representantes.</translation>
    </message>
    <message>
        <source>&amp;Quotas…</source>
        <translation>&amp;Cuotas…</translation>
    </message>
    <message>
        <source>Split a company target across territories (top-down beside bottom-up)</source>
        <translation>Repartir un objetivo de empresa entre territorios (descendente junto a ascendente)</translation>
    </message>
    <message>
        <source>Match &amp;Reps to Territories…</source>
        <translation>Asignar &amp;representantes a territorios…</translation>
    </message>
    <message>
        <source>Suggest which rep takes which territory, explained</source>
        <translation>Sugerir qué representante lleva cada territorio, con explicación</translation>
    </message>
</context>
<context>
    <name>RepMatchDialog</name>
    <message>
        <source>Rep matching</source>
        <translation>Asignación de representantes</translation>
    </message>
    <message>
        <source>Territory</source>
        <translation>Territorio</translation>
    </message>
    <message>
        <source>Suggested rep</source>
        <translation>Representante sugerido</translation>
    </message>
    <message>
        <source>Now</source>
        <translation>Ahora</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>Por qué</translation>
    </message>
    <message>
        <source>Ticked rows give the territory the suggested rep (one undo step).</source>
        <translation>Las filas marcadas dan al territorio el representante sugerido (un paso de deshacer).</translation>
    </message>
    <message>
        <source>Assign reps from matching</source>
        <translation>Asignar representantes según la asignación propuesta</translation>
    </message>
    <message>
        <source>{changed} territories got a new rep</source>
        <translation>{changed} territorios tienen nuevo representante</translation>
    </message>
</context>
<context>
    <name>ReviewDialog</name>
    <message>
        <source>Excel workbooks (*.xlsx *.xlsm);;All files (*)</source>
        <translation>Libros de Excel (*.xlsx *.xlsm);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>Sin asignar</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>Aplicar</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>Dónde</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>From</source>
        <translation>De</translation>
    </message>
    <message>
        <source>To</source>
        <translation>A</translation>
    </message>
    <message>
        <source>Accounts along</source>
        <translation>Cuentas que acompañan</translation>
    </message>
    <message>
        <source>{sheet} row {row}</source>
        <translation>{sheet} fila {row}</translation>
    </message>
    <message>
        <source>Sheet</source>
        <translation>Hoja</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>Fila</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>Columna</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <source>Review {workbook}</source>
        <translation>Revisar {workbook}</translation>
    </message>
    <message>
        <source>&lt;b&gt;{workbook}&lt;/b&gt;: {accounts} account and {units} unit changes; {n_conflicts} rows cannot be applied.</source>
        <translation>&lt;b&gt;{workbook}&lt;/b&gt;: {accounts} cambios de cuentas y {units} de unidades; {n_conflicts} filas no se pueden aplicar.</translation>
    </message>
    <message>
        <source>Check all</source>
        <translation>Marcar todo</translation>
    </message>
    <message>
        <source>Uncheck all</source>
        <translation>Desmarcar todo</translation>
    </message>
    <message>
        <source>Changes to apply:</source>
        <translation>Cambios que aplicar:</translation>
    </message>
    <message>
        <source>Conflicts (not applied; fix them in the workbook):</source>
        <translation>Conflictos (no aplicados; corríjalos en el libro):</translation>
    </message>
    <message numerus="yes">
        <source>Apply %n change(s)</source>
        <translation>
            <numerusform>Aplicar %n cambio</numerusform>
            <numerusform>Aplicar %n cambios</numerusform>
        </translation>
    </message>
    <message>
        <source>Review</source>
        <translation>Revisar</translation>
    </message>
    <message numerus="yes">
        <source>Apply %n change(s) from {workbook}</source>
        <translation>
            <numerusform>Aplicar %n cambio de {workbook}</numerusform>
            <numerusform>Aplicar %n cambios de {workbook}</numerusform>
        </translation>
    </message>
    <message>
        <source>Reviewing {name}</source>
        <translation>Revisando {name}</translation>
    </message>
    <message>
        <source>Review edited workbook</source>
        <translation>Revisar libro editado</translation>
    </message>
    <message>
        <source>Review Edited &amp;Workbook…</source>
        <translation>Revisar &amp;libro editado…</translation>
    </message>
    <message>
        <source>See a manager&apos;s changes to an exported workbook and apply the ones you accept</source>
        <translation>Ver los cambios de un gerente en un libro exportado y aplicar los que acepte</translation>
    </message>
</context>
<context>
    <name>RoutesPanel</name>
    <message>
        <source>Plan and show one rep, or every rep</source>
        <extracomment>The dock and the Plan menu action (set by :func:`install`). Options for runs beyond the panel&apos;s own (e.g. a shorter search in tests). What the last run planned (shown above the travel note until another plan opens).</extracomment>
        <translation>Planificar y mostrar un representante o todos</translation>
    </message>
    <message>
        <source> weeks</source>
        <translation> semanas</translation>
    </message>
    <message>
        <source>Planning horizon: the call cycle repeats after it</source>
        <translation>Horizonte de planificación: el ciclo de visitas se repite después</translation>
    </message>
    <message>
        <source>Monday the horizon starts (saved with the plan); another day picks its week&apos;s Monday</source>
        <translation>Lunes en que empieza el horizonte (se guarda con el plan); otro día elige el lunes de su semana</translation>
    </message>
    <message>
        <source>US, US:CA, CA:ON, GB, none</source>
        <translation>US, US:CA, CA:ON, GB, none</translation>
    </message>
    <message>
        <source>Public holidays with no visits: a country code, optionally :state or :province, or none (saved with the plan). Reps&apos; own days off: the reps column days_off, e.g. 2026-12-28..2026-12-31; 2027-01-08</source>
        <translation>Festivos sin visitas: un código de país, opcionalmente :estado o :provincia, o none (se guarda con el plan). Días libres de cada representante: la columna days_off de representantes, p. ej. 2026-12-28..2026-12-31; 2027-01-08</translation>
    </message>
    <message>
        <source>Write itineraries…</source>
        <translation>Escribir itinerarios…</translation>
    </message>
    <message>
        <source>Write one Excel itinerary per rep with routes (a page per day) into a folder</source>
        <translation>Escribir en una carpeta un itinerario de Excel por representante con rutas (una página por día)</translation>
    </message>
    <message>
        <source>Plan routes</source>
        <translation>Planificar rutas</translation>
    </message>
    <message>
        <source>Choose visit days and plan each day&apos;s route for the selected rep(s), in the background</source>
        <translation>Elegir los días de visita y planificar la ruta de cada día para los representantes elegidos, en segundo plano</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Clear routes</source>
        <translation>Borrar rutas</translation>
    </message>
    <message>
        <source>Remove the routes: workload goes back to estimated travel</source>
        <translation>Quitar las rutas: la carga de trabajo vuelve al desplazamiento estimado</translation>
    </message>
    <message>
        <source>Rep</source>
        <extracomment>Day colours when one rep is shown (colour-blind friendly, distinct on the pale map). Above this many visible stops only the selected day&apos;s stops are numbered. The itinerary files written (a list of paths).</extracomment>
        <translation>Representante</translation>
    </message>
    <message>
        <source>Horizon</source>
        <translation>Horizonte</translation>
    </message>
    <message>
        <source>Starts</source>
        <translation>Empieza</translation>
    </message>
    <message>
        <source>Holidays</source>
        <translation>Festivos</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>Día</translation>
    </message>
    <message>
        <source>Itinerary</source>
        <translation>Itinerario</translation>
    </message>
    <message>
        <source>Not planned</source>
        <translation>Sin planificar</translation>
    </message>
    <message>
        <source>Visits</source>
        <translation>Visitas</translation>
    </message>
    <message>
        <source>Distance (km)</source>
        <translation>Distancia (km)</translation>
    </message>
    <message>
        <source>Drive (h)</source>
        <translation>Conducción (h)</translation>
    </message>
    <message>
        <source>Utilisation</source>
        <translation>Utilización</translation>
    </message>
    <message>
        <source>Mileage</source>
        <translation>Kilometraje</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>Orden</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Cuenta</translation>
    </message>
    <message>
        <source>Arrival</source>
        <translation>Llegada</translation>
    </message>
    <message>
        <source>Departure</source>
        <translation>Salida</translation>
    </message>
    <message>
        <source>Drive (min)</source>
        <translation>Conducción (min)</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Dirección</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <source> No visits on {days}.</source>
        <translation> Sin visitas el {days}.</translation>
    </message>
    <message>
        <source> No public holidays on working days.</source>
        <translation> No hay festivos en días laborables.</translation>
    </message>
    <message>
        <source>Routes start {day}</source>
        <translation>Las rutas empiezan el {day}</translation>
    </message>
    <message>
        <source>Public holidays: {calendar}</source>
        <translation>Festivos: {calendar}</translation>
    </message>
    <message>
        <source>All reps</source>
        <translation>Todos los representantes</translation>
    </message>
    <message>
        <source>No rep has a territory: nothing to plan.</source>
        <translation>Ningún representante tiene territorio: no hay nada que planificar.</translation>
    </message>
    <message>
        <source>Planning {weeks} weeks of visits for {who}…</source>
        <translation>Planificando {weeks} semanas de visitas para {who}…</translation>
    </message>
    <message>
        <source>Planning visit routes for {who}</source>
        <translation>Planificando rutas de visita para {who}</translation>
    </message>
    <message>
        <source>Clear visit routes</source>
        <translation>Borrar rutas de visita</translation>
    </message>
    <message>
        <source>Another plan was opened meanwhile: the routes were not applied.</source>
        <translation>Mientras tanto se abrió otro plan: las rutas no se aplicaron.</translation>
    </message>
    <message>
        <source>all reps</source>
        <translation>todos los representantes</translation>
    </message>
    <message>
        <source>Plan visit routes ({who})</source>
        <translation>Planificar rutas de visita ({who})</translation>
    </message>
    <message>
        <source>{planned} visits planned, {unplaced} not planned.</source>
        <translation>{planned} visitas planificadas, {unplaced} sin planificar.</translation>
    </message>
    <message>
        <source>Cancelled: the plan is unchanged.</source>
        <translation>Cancelado: el plan no ha cambiado.</translation>
    </message>
    <message>
        <source>No routes planned: workload uses estimated travel.</source>
        <translation>Sin rutas planificadas: la carga de trabajo usa el desplazamiento estimado.</translation>
    </message>
    <message>
        <source>Workload uses routed travel for {routed} of {total} territories (estimated travel for the rest).</source>
        <translation>La carga de trabajo usa el desplazamiento de las rutas en {routed} de {total} territorios (estimado en el resto).</translation>
    </message>
    <message>
        <source>Workload uses routed travel for every territory.</source>
        <translation>La carga de trabajo usa el desplazamiento de las rutas en todos los territorios.</translation>
    </message>
    <message>
        <source>Not planned ({value} visits)</source>
        <translation>Sin planificar ({value} visitas)</translation>
    </message>
    <message>
        <source>Choose a rep to see their days</source>
        <translation>Elija un representante para ver sus días</translation>
    </message>
    <message>
        <source>No routes</source>
        <translation>Sin rutas</translation>
    </message>
    <message>
        <source>Every day</source>
        <translation>Todos los días</translation>
    </message>
    <message>
        <source>Leave home {leave}, back {back}: {visits} visits, {km} km, {drive} min driving, working {hours} h {minutes:02d}</source>
        <translation>Sale de casa {leave}, vuelve {back}: {visits} visitas, {km} km, {drive} min conduciendo, {hours} h {minutes:02d} de trabajo</translation>
    </message>
    <message>
        <source>No routes planned: plan them first.</source>
        <translation>No hay rutas planificadas: planifíquelas primero.</translation>
    </message>
    <message>
        <source>{value} has no routes planned.</source>
        <translation>{value} no tiene rutas planificadas.</translation>
    </message>
    <message>
        <source>Write itineraries into folder</source>
        <translation>Escribir itinerarios en la carpeta</translation>
    </message>
    <message>
        <source>Wrote {n_files} itineraries to {target}.</source>
        <translation>Se escribieron {n_files} itinerarios en {target}.</translation>
    </message>
    <message>
        <source>Writing itineraries</source>
        <translation>Escribiendo itinerarios</translation>
    </message>
    <message>
        <source>Visit routes</source>
        <translation>Rutas de visita</translation>
    </message>
    <message>
        <source>Plan visit &amp;routes…</source>
        <translation>Planificar &amp;rutas de visita…</translation>
    </message>
    <message>
        <source>Plan each rep&apos;s visit days and day routes; workload then uses them</source>
        <translation>Planificar los días de visita y las rutas diarias de cada representante; la carga de trabajo las usa después</translation>
    </message>
</context>
<context>
    <name>ScenarioMapsDialog</name>
    <message>
        <source>Scenarios side by side</source>
        <translation>Escenarios lado a lado</translation>
    </message>
</context>
<context>
    <name>ScenariosPanel</name>
    <message>
        <source>Tick scenarios to compare; lower is better on every row, best in green.</source>
        <translation>Marque escenarios para compararlos; en cada fila, menos es mejor; el mejor en verde.</translation>
    </message>
    <message>
        <source>Save current as…</source>
        <translation>Guardar la actual como…</translation>
    </message>
    <message>
        <source>Switch to</source>
        <translation>Cambiar a</translation>
    </message>
    <message>
        <source>Duplicate…</source>
        <translation>Duplicar…</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>Renombrar…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Eliminar</translation>
    </message>
    <message>
        <source>Maps</source>
        <translation>Mapas</translation>
    </message>
    <message>
        <source>Realignment</source>
        <translation>Realineación</translation>
    </message>
    <message>
        <source>Scenarios</source>
        <extracomment>Figures of the scenarios other than &quot;current&quot;, kept between edits. The current alignment&apos;s account-to-home distances, measured again only where an edit moved accounts.</extracomment>
        <translation>Escenarios</translation>
    </message>
    <message>
        <source>Save scenario</source>
        <translation>Guardar escenario</translation>
    </message>
    <message>
        <source>Name for the current alignment:</source>
        <translation>Nombre de la alineación actual:</translation>
    </message>
    <message>
        <source>Save scenario {name}</source>
        <translation>Guardar el escenario {name}</translation>
    </message>
    <message>
        <source>The plan already has the alignment of {name}</source>
        <translation>El plan ya tiene la alineación de {name}</translation>
    </message>
    <message>
        <source>Switch to scenario {name}</source>
        <translation>Cambiar al escenario {name}</translation>
    </message>
    <message>
        <source>Duplicate scenario</source>
        <translation>Duplicar escenario</translation>
    </message>
    <message>
        <source>Name for the copy of {name}:</source>
        <translation>Nombre de la copia de {name}:</translation>
    </message>
    <message>
        <source>{name} copy</source>
        <translation>copia de {name}</translation>
    </message>
    <message>
        <source>Duplicate scenario {name} as {new}</source>
        <translation>Duplicar el escenario {name} como {new}</translation>
    </message>
    <message>
        <source>Rename scenario</source>
        <translation>Renombrar escenario</translation>
    </message>
    <message>
        <source>New name for {name}:</source>
        <translation>Nuevo nombre para {name}:</translation>
    </message>
    <message>
        <source>Rename scenario {name} to {new}</source>
        <translation>Renombrar el escenario {name} a {new}</translation>
    </message>
    <message>
        <source>Select a scenario for its realignment report.</source>
        <translation>Seleccione un escenario para ver su informe de realineación.</translation>
    </message>
    <message>
        <source>Delete scenario {name}</source>
        <translation>Eliminar el escenario {name}</translation>
    </message>
</context>
<context>
    <name>SplitTool</name>
    <message>
        <source>Split: select a territory or draw the line across one.</source>
        <translation>Dividir: seleccione un territorio o trace la línea a través de uno.</translation>
    </message>
    <message>
        <source>Refused: {value} is locked</source>
        <translation>Rechazado: {value} está bloqueado</translation>
    </message>
    <message>
        <source>Not split: {exc}</source>
        <translation>No dividido: {exc}</translation>
    </message>
    <message>
        <source>{territory} (split)</source>
        <translation>{territory} (división)</translation>
    </message>
    <message>
        <source>Split {n_left} units into {value}</source>
        <translation>Divididas {n_left} unidades en {value}</translation>
    </message>
</context>
<context>
    <name>Task</name>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
</context>
<context>
    <name>TerritoryDialog</name>
    <message>
        <source>Territory {value}</source>
        <translation>Territorio {value}</translation>
    </message>
    <message>
        <source>(no rep)</source>
        <translation>(sin representante)</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Nombre:</translation>
    </message>
    <message>
        <source>Rep:</source>
        <translation>Representante:</translation>
    </message>
    <message>
        <source>Colour:</source>
        <translation>Color:</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(ninguno)</translation>
    </message>
    <message>
        <source>The {value} this territory rolls up into (its parent_id); the levels above come from the plan&apos;s hierarchy table</source>
        <translation>El {value} al que pertenece este territorio (su parent_id); los niveles superiores vienen de la tabla de jerarquía del plan</translation>
    </message>
    <message>
        <source>Territory colour</source>
        <translation>Color del territorio</translation>
    </message>
    <message>
        <source>Edit territory {name}</source>
        <translation>Editar el territorio {name}</translation>
    </message>
    <message>
        <source>Select one territory to edit its properties.</source>
        <translation>Seleccione un territorio para editar sus propiedades.</translation>
    </message>
    <message>
        <source>Territory &amp;Properties…</source>
        <translation>&amp;Propiedades del territorio…</translation>
    </message>
    <message>
        <source>Rename a territory, change its rep or colour (undoable)</source>
        <translation>Renombrar un territorio, cambiar su representante o color (se puede deshacer)</translation>
    </message>
    <message>
        <source>Show territories in the Balance panel to edit one&apos;s properties.</source>
        <translation>Muestre los territorios en el panel Equilibrio para editar sus propiedades.</translation>
    </message>
</context>
<context>
    <name>TilesController</name>
    <message>
        <source>Online basemap tiles</source>
        <extracomment>Metres per pixel of zoom level 0 with 256-pixel tiles. Views needing more tiles than this are skipped (a tile set of the wrong zoom, or a wall). Decoded tiles kept in memory (256 x 256 x 4 bytes each: 512 tiles are 128 MB at most). Seconds before trying the network again after it failed. Disk tiles older than this are fetched again (and used as they are if that fails). key, image (QImage or None), outcome: &quot;ok&quot;, &quot;missing&quot; (HTTP 4xx, bad data), &quot;offline&quot;. Tiles requested from the pool so far (disk and network), for tests and diagnostics.</extracomment>
        <translation>Teselas de mapa base en línea</translation>
    </message>
    <message>
        <source>Draw OpenStreetMap tiles under the territories (needs the internet; cached on disk)</source>
        <translation>Dibujar teselas de OpenStreetMap bajo los territorios (requiere internet; se guardan en disco)</translation>
    </message>
</context>
<context>
    <name>Tools</name>
    <message>
        <source>Pan</source>
        <translation>Desplazar</translation>
    </message>
    <message>
        <source>Pan: drag to move the map, wheel to zoom towards the cursor.</source>
        <translation>Desplazar: arrastre para mover el mapa; la rueda acerca hacia el cursor.</translation>
    </message>
    <message>
        <source>Select</source>
        <translation>Seleccionar</translation>
    </message>
    <message>
        <source>Select: click a territory (Shift adds), or drag a box to select every territory it touches.</source>
        <translation>Seleccionar: pulse un territorio (Mayús añade) o arrastre un recuadro para seleccionar todos los que toque.</translation>
    </message>
    <message>
        <source>Lasso assign</source>
        <translation>Asignar con lazo</translation>
    </message>
    <message>
        <source>Lasso assign: drag around units/accounts to move them to the active territory (toolbar). The balance previews while you draw; release applies, Esc or right-click cancels.</source>
        <translation>Asignar con lazo: rodee unidades/cuentas para moverlas al territorio activo (barra de herramientas). El equilibrio se previsualiza mientras dibuja; al soltar se aplica, Esc o clic derecho cancela.</translation>
    </message>
    <message>
        <source>Brush</source>
        <translation>Pincel</translation>
    </message>
    <message>
        <source>Brush: drag over units to move them to the active territory; [ and ] change the brush size; Esc cancels.</source>
        <translation>Pincel: arrastre sobre unidades para moverlas al territorio activo; [ y ] cambian el tamaño; Esc cancela.</translation>
    </message>
    <message>
        <source>Draw territory</source>
        <translation>Dibujar territorio</translation>
    </message>
    <message>
        <source>Draw territory: drag a freehand shape, or click corners and press Enter. The new shape cuts overlapping drawn territories; the accounts inside move to it. Esc cancels.</source>
        <translation>Dibujar territorio: arrastre una forma libre o pulse esquinas y pulse Intro. La nueva forma recorta los territorios dibujados que se superponen; las cuentas de dentro pasan a ella. Esc cancela.</translation>
    </message>
    <message>
        <source>Edit vertices</source>
        <translation>Editar vértices</translation>
    </message>
    <message>
        <source>Edit vertices of drawn territories: drag a corner; Ctrl+click on an edge inserts a corner; Shift+click a corner deletes it. Accounts follow the new boundary; Esc cancels a drag.</source>
        <translation>Editar vértices de territorios dibujados: arrastre una esquina; Ctrl+clic en un borde inserta una esquina; Mayús+clic en una esquina la borra. Las cuentas siguen el nuevo límite; Esc cancela el arrastre.</translation>
    </message>
    <message>
        <source>Split</source>
        <translation>Dividir</translation>
    </message>
    <message>
        <source>Split: drag a line across the selected (or the touched) territory; the units left of the line form a new territory.</source>
        <translation>Dividir: arrastre una línea a través del territorio seleccionado (o tocado); las unidades a la izquierda de la línea forman un territorio nuevo.</translation>
    </message>
    <message>
        <source>Lock items</source>
        <translation>Bloquear elementos</translation>
    </message>
    <message>
        <source>Lock: drag around units and/or accounts (Scope) to lock them; hold Shift to unlock. Locked items never change by any tool or the optimiser.</source>
        <translation>Bloquear: rodee unidades y/o cuentas (Ámbito) para bloquearlas; mantenga Mayús para desbloquear. Ninguna herramienta ni el optimizador cambian los elementos bloqueados.</translation>
    </message>
    <message>
        <source>Pin accounts</source>
        <translation>Fijar cuentas</translation>
    </message>
    <message>
        <source>Pin: drag around accounts to move them to the active territory and pin them there (key-account override); boundaries no longer move them.</source>
        <translation>Fijar: rodee cuentas para moverlas al territorio activo y fijarlas allí (excepción de cuenta clave); los límites ya no las mueven.</translation>
    </message>
</context>
<context>
    <name>VertexEditTool</name>
    <message>
        <source>Refused: {value} is locked</source>
        <translation>Rechazado: {value} está bloqueado</translation>
    </message>
    <message>
        <source>Insert corner in {territory}</source>
        <translation>Insertar esquina en {territory}</translation>
    </message>
    <message>
        <source>Corner kept: {exc}</source>
        <translation>Esquina conservada: {exc}</translation>
    </message>
    <message>
        <source>Delete corner of {territory}</source>
        <translation>Borrar esquina de {territory}</translation>
    </message>
    <message>
        <source>Move corner of {territory}</source>
        <translation>Mover esquina de {territory}</translation>
    </message>
</context>
<context>
    <name>_CountPage</name>
    <message>
        <source>2. How many territories</source>
        <translation>2. Cuántos territorios</translation>
    </message>
    <message>
        <source>From the accounts&apos; workload and a rep&apos;s working hours a year.</source>
        <translation>A partir de la carga de trabajo de las cuentas y las horas anuales de un representante.</translation>
    </message>
    <message>
        <source>Territories to create:</source>
        <translation>Territorios que crear:</translation>
    </message>
</context>
<context>
    <name>_CoveragePage</name>
    <message>
        <source>1. Geography</source>
        <translation>1. Geografía</translation>
    </message>
    <message>
        <source>The building blocks territories are made of.</source>
        <translation>Los bloques con que se forman los territorios.</translation>
    </message>
    <message>
        <source>Back to the import to fix it…</source>
        <translation>Volver a la importación para corregirlo…</translation>
    </message>
    <message>
        <source>&lt;b&gt;{units}&lt;/b&gt; units ({level}) for &lt;b&gt;{accounts}&lt;/b&gt; accounts ({placed} placed on the map).</source>
        <translation>&lt;b&gt;{units}&lt;/b&gt; unidades ({level}) para &lt;b&gt;{accounts}&lt;/b&gt; cuentas ({placed} ubicadas en el mapa).</translation>
    </message>
    <message>
        <source>Check the geography:</source>
        <translation>Revise la geografía:</translation>
    </message>
    <message>
        <source>{covered} placed accounts ({pct} %) lie inside a unit.</source>
        <translation>{covered} cuentas ubicadas ({pct} %) están dentro de una unidad.</translation>
    </message>
    <message>
        <source>{outside} accounts lie outside every unit: they stay in the plan, Unassigned, and are listed under Problems.</source>
        <translation>{outside} cuentas están fuera de toda unidad: siguen en el plan, sin asignar, y figuran en Problemas.</translation>
    </message>
</context>
<context>
    <name>_CreatePage</name>
    <message>
        <source>3. Create territories</source>
        <translation>3. Crear territorios</translation>
    </message>
    <message>
        <source>The optimiser builds balanced, contiguous, compact territories. Edit ▸ Undo takes the result back.</source>
        <translation>El optimizador crea territorios equilibrados, contiguos y compactos. Edición ▸ Deshacer revierte el resultado.</translation>
    </message>
    <message>
        <source>Press Create.</source>
        <translation>Pulse Crear.</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Crear</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Detener</translation>
    </message>
</context>
<context>
    <name>_GestureTool</name>
    <message>
        <source>{label} cancelled; nothing changed</source>
        <extracomment>Widget area the path covered at its last repaint.</extracomment>
        <translation>{label} cancelado; no ha cambiado nada</translation>
    </message>
    <message>
        <source>Lasso ignored: {exc}</source>
        <translation>Lazo ignorado: {exc}</translation>
    </message>
</context>
</TS>
