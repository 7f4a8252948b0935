<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>ActualsDialog</name>
    <message>
        <source>(automatic: numbers kept as a metric)</source>
        <translation>（自动：数值列保留为指标）</translation>
    </message>
    <message>
        <source>Import actuals {periods}</source>
        <translation>导入实际业绩 {periods}</translation>
    </message>
    <message>
        <source>Account id</source>
        <translation>客户 ID</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>期间</translation>
    </message>
    <message>
        <source>{metric} ({level})</source>
        <translation>{metric}（{level}）</translation>
    </message>
    <message>
        <source>Import actuals</source>
        <translation>导入实际业绩</translation>
    </message>
    <message>
        <source>Actuals (CSV or XLSX)</source>
        <translation>实际业绩（CSV 或 XLSX）</translation>
    </message>
    <message>
        <source>from the period column, or e.g. 2026-Q3</source>
        <translation>取自期间列，或例如 2026-Q3</translation>
    </message>
    <message>
        <source>The period of every row when the file has no period column (a quarter such as 2026-Q3 or a month such as 2026-07)</source>
        <translation>文件没有期间列时，每一行所属的期间（季度如 2026-Q3，或月份如 2026-07）</translation>
    </message>
    <message>
        <source>File:</source>
        <translation>文件：</translation>
    </message>
    <message>
        <source>Period:</source>
        <translation>期间：</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <source>First values</source>
        <translation>前几个值</translation>
    </message>
    <message>
        <source>Imported as</source>
        <translation>导入为</translation>
    </message>
    <message>
        <source>Choose a file of results per account (and period).</source>
        <translation>请选择按客户（及期间）列出结果的文件。</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Columns (detected from the header; correct them if needed):</source>
        <translation>列（根据标题行识别；如有需要请更正）：</translation>
    </message>
    <message>
        <source>&lt;b&gt;Cannot read:&lt;/b&gt; {exc}</source>
        <translation>&lt;b&gt;无法读取：&lt;/b&gt;{exc}</translation>
    </message>
    <message>
        <source>Ignore</source>
        <translation>忽略</translation>
    </message>
    <message>
        <source>{rows} rows, {columns} columns.</source>
        <translation>{rows} 行，{columns} 列。</translation>
    </message>
    <message>
        <source>Columns</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Two columns feed {fields}: choose one.</source>
        <translation>有两列都对应到 {fields}：请只选一列。</translation>
    </message>
    <message>
        <source>Actuals import report</source>
        <translation>实际业绩导入报告</translation>
    </message>
    <message>
        <source>Importing {name}</source>
        <translation>正在导入 {name}</translation>
    </message>
    <message>
        <source>Open a plan first.</source>
        <translation>请先打开计划。</translation>
    </message>
    <message>
        <source>Import &amp;Actuals…</source>
        <translation>导入实际业绩(&amp;A)…</translation>
    </message>
    <message>
        <source>Import results per account and period (revenue, margin, deals, visits...) from a CRM export; a stored period is replaced (undoable)</source>
        <translation>从 CRM 导出文件导入各客户、各期间的结果（营收、毛利、成交、拜访…）；已存的期间会被替换（可撤销）</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>Open plan</source>
        <translation>打开计划</translation>
    </message>
    <message>
        <source>{path}: no such file</source>
        <translation>{path}：文件不存在</translation>
    </message>
    <message>
        <source>The demo plan is missing: regenerate it with `make demo`.</source>
        <translation>缺少演示计划：请用 `make demo` 重新生成。</translation>
    </message>
</context>
<context>
    <name>AttainmentMap</name>
    <message>
        <source>≤ 70 % of quota</source>
        <extracomment>Colour by deviation: near white inside the tolerance band, then light to deep blue (under target) or red (over target), deepest at three band widths beyond the band. The words of the attainment legend (planner.ui.attainment_map.LEGEND, Qt-free), for lupdate.</extracomment>
        <translation>≤ 配额的 70 %</translation>
    </message>
    <message>
        <source>no quota</source>
        <translation>无配额</translation>
    </message>
</context>
<context>
    <name>BalanceChart</name>
    <message>
        <source>PREVIEW</source>
        <extracomment>Above this many territories the bars are not named under the chart. A scale that no longer fits is changed this long after the last update. Deviations shown beyond this (a zero target) are drawn at the edge of the panel. The dock holding the chart (set by :func:`install`).</extracomment>
        <translation>预览</translation>
    </message>
    <message>
        <source>{k} territories, in plan order</source>
        <translation>{k} 个销售区域，按计划顺序</translation>
    </message>
    <message>
        <source>Balance chart</source>
        <translation>均衡图</translation>
    </message>
</context>
<context>
    <name>BalancePanel</name>
    <message>
        <source>Territory</source>
        <extracomment>What a row is: &quot;Territory&quot;, or a hierarchy level (&quot;District&quot;, &quot;Region&quot;...). Utilisation per row (fraction; NaN when the plan balances no workload). Rows told to repaint by the last in-place update (tests count them).</extracomment>
        <translation>销售区域</translation>
    </message>
    <message>
        <source>Rep</source>
        <translation>销售代表</translation>
    </message>
    <message>
        <source>Quota</source>
        <translation>配额</translation>
    </message>
    <message>
        <source>Utilisation</source>
        <translation>利用率</translation>
    </message>
    <message>
        <source>Workload ÷ the rep&apos;s capacity (hours a year; the plan&apos;s default capacity without a rep). ! = over 100 %</source>
        <translation>工作负荷 ÷ 代表产能（每年小时数；无代表时用计划默认产能）。! = 超过 100 %</translation>
    </message>
    <message>
        <source>set target</source>
        <translation>设定的目标</translation>
    </message>
    <message>
        <source>mean of territories</source>
        <translation>各销售区域平均</translation>
    </message>
    <message>
        <source>{measure}: target {target} ({how}), band ±{band} %</source>
        <translation>{measure}：目标 {target}（{how}），容差 ±{band} %</translation>
    </message>
    <message>
        <source>{name}: {measure} {value}, target {target}, {deviation} (within ±{band} %)</source>
        <translation>{name}：{measure} {value}，目标 {target}，{deviation}（在 ±{band} % 内）</translation>
    </message>
    <message>
        <source>{name}: {measure} {value}, target {target}, {deviation} (outside ±{band} %)</source>
        <translation>{name}：{measure} {value}，目标 {target}，{deviation}（超出 ±{band} %）</translation>
    </message>
    <message>
        <source>{k} territories, {out} outside a band</source>
        <translation>{k} 个销售区域，{out} 个超出容差带</translation>
    </message>
    <message>
        <source>{n} over capacity</source>
        <translation>{n} 个超出产能</translation>
    </message>
    <message>
        <source>{n} unassigned accounts</source>
        <translation>{n} 个未分配客户</translation>
    </message>
    <message>
        <source>disruption {accounts} accounts ({accounts_share}), {revenue} revenue ({revenue_share})</source>
        <translation>调整影响 {accounts} 个客户（{accounts_share}），营收 {revenue}（{revenue_share}）</translation>
    </message>
    <message>
        <source>Estimated since edits moved accounts in or out (plan routes again, or undo the edits, to use routed travel): {names}</source>
        <translation>因编辑将客户移入或移出，此为估计值（重新规划拜访路线，或撤销这些编辑，即改用路线的实际行车时间）：{names}</translation>
    </message>
    <message>
        <source> (grouped by parent_id only)</source>
        <translation>（仅按 parent_id 分组）</translation>
    </message>
    <message>
        <source> and {n} more</source>
        <translation>，另有 {n} 项</translation>
    </message>
    <message>
        <source>hierarchy: {problem}{more}{fallback}</source>
        <translation>层级：{problem}{more}{fallback}</translation>
    </message>
    <message>
        <source>Hierarchy table problems:</source>
        <translation>层级表问题：</translation>
    </message>
    <message>
        <source>PREVIEW — </source>
        <translation>预览 — </translation>
    </message>
    <message>
        <source>Territories</source>
        <translation>销售区域</translation>
    </message>
    <message>
        <source>{name}: {share} of {capacity} h a year (over capacity)</source>
        <translation>{name}：每年 {capacity} 小时的 {share}（超出产能）</translation>
    </message>
    <message>
        <source>{name}: {share} of {capacity} h a year (within capacity)</source>
        <translation>{name}：每年 {capacity} 小时的 {share}（在产能内）</translation>
    </message>
    <message>
        <source>One row per territory, or per district, region... of the plan&apos;s hierarchy, with the totals of the territories under it</source>
        <translation>每个销售区域一行，或按计划层级的每个片区、大区…一行，并显示其下属销售区域的合计</translation>
    </message>
    <message>
        <source>Show:</source>
        <extracomment>Territory indices behind each row when rows are parents (None: rows are territories).</extracomment>
        <translation>显示：</translation>
    </message>
</context>
<context>
    <name>BasemapController</name>
    <message>
        <source>County outlines</source>
        <extracomment>The one colour of both when the canvas has a single basemap layer.</extracomment>
        <translation>县界</translation>
    </message>
    <message>
        <source>Show county boundaries under the territories</source>
        <translation>在销售区域下方显示县界</translation>
    </message>
</context>
<context>
    <name>BrushTool</name>
    <message>
        <source>Refused: {exc}</source>
        <translation>已拒绝：{exc}</translation>
    </message>
    <message>
        <source>Brush {units} units to {target}</source>
        <translation>画笔：{units} 个地理单元移至 {target}</translation>
    </message>
    <message>
        <source>Brush size {radius_km} km</source>
        <translation>画笔大小 {radius_km} 公里</translation>
    </message>
</context>
<context>
    <name>CapacityDialog</name>
    <message>
        <source>Capacity</source>
        <translation>产能</translation>
    </message>
    <message>
        <source> h a year</source>
        <translation> 小时/年</translation>
    </message>
    <message>
        <source>Working hours a year per rep; {source}: {default} h</source>
        <translation>每位销售代表每年工作小时数；{source}：{default} 小时</translation>
    </message>
    <message>
        <source>Hours per rep</source>
        <translation>每位代表小时数</translation>
    </message>
    <message>
        <source>Travel (h)</source>
        <translation>差旅（小时）</translation>
    </message>
    <message>
        <source>Reps needed</source>
        <translation>所需销售代表</translation>
    </message>
    <message>
        <source>Territories</source>
        <translation>销售区域</translation>
    </message>
    <message>
        <source>Capacity per rep:</source>
        <translation>每位代表产能：</translation>
    </message>
    <message>
        <source>Sensitivity:</source>
        <translation>敏感性：</translation>
    </message>
    <message>
        <source>{accounts} accounts, {visits} visits a year</source>
        <translation>{accounts} 个客户，每年 {visits} 次拜访</translation>
    </message>
    <message>
        <source>Workload: visit hours {visit} + travel {travel} = {workload} h a year</source>
        <translation>工作负荷：拜访小时数 {visit} + 差旅 {travel} = 每年 {workload} 小时</translation>
    </message>
    <message>
        <source>Capacity per rep: {hours} h ({source})</source>
        <translation>每位代表产能：{hours} 小时（{source}）</translation>
    </message>
    <message>
        <source>The plan has {n} territories today.</source>
        <translation>计划目前有 {n} 个销售区域。</translation>
    </message>
    <message>
        <source>Open a plan first.</source>
        <translation>请先打开计划。</translation>
    </message>
    <message>
        <source>&amp;Capacity…</source>
        <translation>产能(&amp;C)…</translation>
    </message>
    <message>
        <source>How many territories the workload needs at a capacity per rep</source>
        <translation>按每位代表的产能，工作负荷需要多少个销售区域</translation>
    </message>
</context>
<context>
    <name>Commands</name>
    <message>
        <source>Set {field} of {territory}</source>
        <translation>设置 {territory} 的 {field}</translation>
    </message>
    <message>
        <source>Draw territory</source>
        <translation>绘制销售区域</translation>
    </message>
    <message>
        <source>Merge {names}</source>
        <translation>合并 {names}</translation>
    </message>
    <message>
        <source>Split {territory}</source>
        <translation>拆分 {territory}</translation>
    </message>
</context>
<context>
    <name>DisruptionPanel</name>
    <message>
        <source>Territory</source>
        <translation>销售区域</translation>
    </message>
    <message>
        <source>Accounts in</source>
        <translation>调入客户</translation>
    </message>
    <message>
        <source>Accounts out</source>
        <translation>调出客户</translation>
    </message>
    <message>
        <source>Revenue in</source>
        <translation>调入营收</translation>
    </message>
    <message>
        <source>Revenue out</source>
        <translation>调出营收</translation>
    </message>
    <message>
        <source>No plan</source>
        <extracomment>Rows of territories that changed are tinted, so the eye finds them in a long table. Items per territory index (their table rows move when sorted). The figures the cells show, (territories, 4), NaN where none yet. The dock holding the panel (set by :func:`install`).</extracomment>
        <translation>没有计划</translation>
    </message>
    <message>
        <source>PREVIEW — </source>
        <translation>预览 — </translation>
    </message>
    <message>
        <source>&lt;b&gt;{accounts_moved}&lt;/b&gt; of {accounts_total} accounts ({accounts_pct} %) and &lt;b&gt;{revenue_moved}&lt;/b&gt; of {revenue_total} revenue ({revenue_pct} %) moved against the baseline</source>
        <translation>相对于基准，{accounts_total} 个客户中有 &lt;b&gt;{accounts_moved}&lt;/b&gt; 个（{accounts_pct} %）、营收 {revenue_total} 中有 &lt;b&gt;{revenue_moved}&lt;/b&gt;（{revenue_pct} %）被调整</translation>
    </message>
    <message>
        <source>Disruption</source>
        <translation>调整影响</translation>
    </message>
</context>
<context>
    <name>DrawTerritoryTool</name>
    <message>
        <source>Click the next corners; Enter finishes, Esc cancels.</source>
        <extracomment>The pointer left the press spot during this press (a closed freehand loop ends where it began, so the release position alone cannot tell a drag from a click).</extracomment>
        <translation>点击下一个角点；Enter 完成，Esc 取消。</translation>
    </message>
    <message>
        <source>Territory not drawn: {exc}</source>
        <translation>未绘制销售区域：{exc}</translation>
    </message>
    <message>
        <source>New territory {tid}</source>
        <translation>新销售区域 {tid}</translation>
    </message>
    <message>
        <source>Draw territory {tid}</source>
        <translation>绘制销售区域 {tid}</translation>
    </message>
    <message>
        <source>; it cut {n} overlapping drawn territories</source>
        <translation>；切割了 {n} 个重叠的手绘区域</translation>
    </message>
    <message>
        <source> (self-crossing outline repaired)</source>
        <translation>（已修复自相交的轮廓）</translation>
    </message>
    <message>
        <source>Drew {value}{repaired}: {moved} accounts moved to it{note}</source>
        <translation>已绘制 {value}{repaired}：{moved} 个客户移入{note}</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Excel workbook for managers</source>
        <extracomment>Output kinds: (label, suffix, file filter).</extracomment>
        <translation>给主管的 Excel 工作簿</translation>
    </message>
    <message>
        <source>Excel workbooks (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Interactive map (HTML)</source>
        <translation>交互式地图（HTML）</translation>
    </message>
    <message>
        <source>Web pages (*.html)</source>
        <translation>网页 (*.html)</translation>
    </message>
    <message>
        <source>CSV for CRM upload</source>
        <translation>供 CRM 上传的 CSV</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Map picture as shown (PNG)</source>
        <translation>当前显示的地图图片（PNG）</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG 图片 (*.png)</translation>
    </message>
    <message>
        <source>Map book for managers (PDF, a page per territory)</source>
        <translation>给主管的地图册（PDF，每个销售区域一页）</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Copying the plan</source>
        <translation>正在复制计划</translation>
    </message>
    <message>
        <source>Exported {names} to {parent}</source>
        <translation>已导出 {names} 到 {parent}</translation>
    </message>
    <message>
        <source>Exporting</source>
        <translation>正在导出</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>CRM CSV for loaders (raw ids, no formula protection)</source>
        <translation>供导入工具用的 CRM CSV（原始 ID，不防公式）</translation>
    </message>
    <message>
        <source>Write every id exactly as in the plan, for a CRM loader that never evaluates cells. Without it, cells starting with = + - @ get a leading &apos; so a spreadsheet opening the CSV shows them as text.</source>
        <translation>完全按计划写出每个 ID，供从不计算单元格的 CRM 导入工具使用。不勾选时，以 = + - @ 开头的单元格会加上前导 &apos;，使电子表格打开 CSV 时将其视为文本。</translation>
    </message>
    <message>
        <source>The workbook has a summary, every account&apos;s territory and rep, routes and the changes against the baseline. Managers can edit the Territory ID column and send it back (File &gt; Review Edited Workbook…).</source>
        <translation>工作簿包含摘要、每个客户的销售区域和销售代表、路线，以及相对于基准的变更。经理可编辑“区域 ID”列后发回（文件 &gt; 审阅已编辑的工作簿…）。</translation>
    </message>
    <message>
        <source>Export to</source>
        <translation>导出到</translation>
    </message>
    <message>
        <source>There is no folder {value}.</source>
        <translation>没有文件夹 {value}。</translation>
    </message>
    <message>
        <source>Replace {files}?
The old file is kept until the new one is complete.</source>
        <translation>要替换 {files} 吗？
新文件完成前会保留旧文件。</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>导出(&amp;E)…</translation>
    </message>
    <message>
        <source>Write the manager&apos;s workbook, an HTML map, CRM CSV or a map picture</source>
        <translation>写出经理用工作簿、HTML 地图、CRM CSV 或地图图片</translation>
    </message>
</context>
<context>
    <name>FirstPlanGuide</name>
    <message>
        <source>Your first plan</source>
        <translation>您的第一个计划</translation>
    </message>
    <message>
        <source>Skip the guide</source>
        <translation>跳过向导</translation>
    </message>
    <message>
        <source>from the units file</source>
        <translation>来自地理单元文件</translation>
    </message>
    <message>
        <source>The plan has {n} reps: one territory each is proposed; change the number to see another split.</source>
        <extracomment>Seconds the optimiser may take (None: the optimiser dialog&apos;s default for the size).</extracomment>
        <translation>计划有 {n} 位销售代表：建议每人一个销售区域；更改数量可查看其他划分。</translation>
    </message>
    <message>
        <source>Create territories</source>
        <translation>创建销售区域</translation>
    </message>
    <message>
        <source>Creating {n} territories…</source>
        <translation>正在创建 {n} 个销售区域…</translation>
    </message>
    <message>
        <source>Stopping: keeping the best plan found so far…</source>
        <translation>正在停止：保留目前找到的最佳计划…</translation>
    </message>
    <message>
        <source>Stopped; nothing changed.</source>
        <translation>已停止；未做任何更改。</translation>
    </message>
    <message>
        <source>Could not create: {error}</source>
        <translation>无法创建：{error}</translation>
    </message>
    <message>
        <source>Another plan is open now; nothing changed.</source>
        <translation>现在打开的是另一个计划；未做任何更改。</translation>
    </message>
    <message>
        <source>Created {n_territories} territories: {in_band} within every band. Finish to work on the map; Plan ▸ Optimise territories… refines them.</source>
        <translation>已创建 {n_territories} 个销售区域：{in_band} 个在所有容差带内。点“完成”后在地图上工作；计划 ▸ 优化销售区域… 可进一步细化。</translation>
    </message>
</context>
<context>
    <name>HeatLayer</name>
    <message>
        <source>Heat: {measure} (low → high in this view)</source>
        <extracomment>Screen pixels per density cell, and the smoothing radius in cells. Extra area rendered on each side, as a share of the view, so pans reuse the image. Paints closer together than this are one movement (a drag, a key held down). Renders put off until the view rested (counted for the benchmark).</extracomment>
        <translation>热力：{measure}（本视图中 低 → 高）</translation>
    </message>
    <message>
        <source>Potential</source>
        <extracomment>The account measures&apos; labels (heat_render.ACCOUNT_MEASURES), marked for lupdate.</extracomment>
        <translation>潜力</translation>
    </message>
    <message>
        <source>Revenue (L12M)</source>
        <translation>营收（近 12 个月）</translation>
    </message>
    <message>
        <source>White space (potential − revenue)</source>
        <translation>空白市场（潜力 − 营收）</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Actual {metric} ({period})</source>
        <translation>实际{metric}（{period}）</translation>
    </message>
    <message>
        <source>&amp;Heat Layer</source>
        <translation>热力图层(&amp;H)</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <source>(not in file)</source>
        <translation>（文件中没有）</translation>
    </message>
    <message>
        <source>ZIP areas (built in, offline)</source>
        <extracomment>Built-in geographies offered when no units file is given: (key, label).</extracomment>
        <translation>邮政编码区域（内置，离线可用）</translation>
    </message>
    <message>
        <source>Counties (built in, offline)</source>
        <translation>县（内置，离线可用）</translation>
    </message>
    <message>
        <source>States (built in, offline)</source>
        <translation>州（内置，离线可用）</translation>
    </message>
    <message>
        <source>Tables (*.csv *.txt *.xlsx *.xlsm);;All files (*)</source>
        <extracomment>File filters (translated where a file chooser shows them).</extracomment>
        <translation>表格 (*.csv *.txt *.xlsx *.xlsm);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Vector files (*.gpkg *.shp *.geojson *.json *.fgb *.kml);;All files (*)</source>
        <translation>矢量文件 (*.gpkg *.shp *.geojson *.json *.fgb *.kml);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Browse…</source>
        <extracomment>Built-in geography when no units file is given: &quot;zip&quot;, &quot;county&quot; or &quot;state&quot;. Decimal mark of the numbers: None (detected per column), &quot;.&quot; or &quot;,&quot;. &quot;auto&quot;: swap a latitude/longitude pair the ZIP shows is swapped (listed); &quot;never&quot;.</extracomment>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>New plan from import</source>
        <translation>从导入新建计划</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Accounts (CSV or XLSX)</source>
        <translation>客户（CSV 或 XLSX）</translation>
    </message>
    <message>
        <source>Accounts:</source>
        <translation>客户：</translation>
    </message>
    <message>
        <source>The units territories are built from when no units file is given: the bundled US geography covering the accounts</source>
        <translation>未提供单元文件时用来组成销售区域的地理单元：内置的覆盖这些客户的美国地理数据</translation>
    </message>
    <message>
        <source>Geography:</source>
        <translation>地理层级：</translation>
    </message>
    <message>
        <source>Units file (optional, instead of the built-in geography)</source>
        <translation>地理单元文件（可选，替代内置地理数据）</translation>
    </message>
    <message>
        <source>Units:</source>
        <translation>地理单元：</translation>
    </message>
    <message>
        <source>Reps (optional: CSV or XLSX)</source>
        <translation>销售代表（可选：CSV 或 XLSX）</translation>
    </message>
    <message>
        <source>Reps:</source>
        <translation>销售代表：</translation>
    </message>
    <message>
        <source>Column mapping (detected from the header; correct it if needed)</source>
        <translation>列映射（从表头检测；如有需要请更正）</translation>
    </message>
    <message>
        <source>Detect per column</source>
        <translation>逐列检测</translation>
    </message>
    <message>
        <source>Point: 1,234.50</source>
        <translation>句点：1,234.50</translation>
    </message>
    <message>
        <source>Comma: 1.234,50</source>
        <translation>逗号：1.234,50</translation>
    </message>
    <message>
        <source>Swap latitude and longitude where the ZIP shows they are swapped</source>
        <translation>邮编显示经纬度颠倒时，自动对调</translation>
    </message>
    <message>
        <source>Every swapped row is listed in the import report</source>
        <translation>每一行对调都会列在导入报告中</translation>
    </message>
    <message>
        <source>Decimal mark:</source>
        <translation>小数点符号：</translation>
    </message>
    <message>
        <source>Choose an accounts file.</source>
        <translation>请选择客户文件。</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>First rows:</source>
        <translation>前几行：</translation>
    </message>
    <message>
        <source>A units file is chosen: its polygons are the units</source>
        <translation>已选择单元文件：其多边形即为地理单元</translation>
    </message>
    <message>
        <source>&lt;b&gt;Cannot read:&lt;/b&gt; {exc}</source>
        <translation>&lt;b&gt;无法读取：&lt;/b&gt;{exc}</translation>
    </message>
    <message>
        <source>{rows} rows, {columns} columns, encoding {encoding}.</source>
        <translation>{rows} 行，{columns} 列，编码 {encoding}。</translation>
    </message>
    <message>
        <source> {n} malformed rows will be listed in the report.</source>
        <translation> {n} 行格式错误的记录会列在报告中。</translation>
    </message>
    <message>
        <source>Column mapping</source>
        <translation>列映射</translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>System Default</source>
        <translation>系统默认</translation>
    </message>
    <message>
        <source>The system&apos;s language</source>
        <translation>系统语言</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>The new language applies the next time the planner opens.</source>
        <translation>新语言将在下次打开规划工具时生效。</translation>
    </message>
</context>
<context>
    <name>LassoAssignTool</name>
    <message>
        <source>Lasso ignored: {exc}</source>
        <extracomment>The change and held count of the path as it is, from the last move (None: stale). How many times a change was computed from the path (a release reuses the last).</extracomment>
        <translation>已忽略套索：{exc}</translation>
    </message>
    <message>
        <source>Refused: {exc}</source>
        <translation>已拒绝：{exc}</translation>
    </message>
    <message>
        <source>; {held} locked or pinned items kept</source>
        <translation>；保留 {held} 个已锁定或已固定的项目</translation>
    </message>
    <message>
        <source>Nothing to move to {target}{note}</source>
        <translation>没有可移到 {target} 的项目{note}</translation>
    </message>
    <message>
        <source>Lasso {units} units, {accounts} accounts to {target}</source>
        <translation>套索：{units} 个地理单元、{accounts} 个客户移至 {target}</translation>
    </message>
</context>
<context>
    <name>Legend</name>
    <message>
        <source>… {n} more (View ▸ Legend)</source>
        <extracomment>Longest label shown in the box (the panel shows labels whole). Columns of ``(label, colour or None)`` entries, top to bottom.</extracomment>
        <translation>… 另有 {n} 项（视图 ▸ 图例）</translation>
    </message>
    <message>
        <source>No plan open</source>
        <translation>尚未打开计划</translation>
    </message>
    <message>
        <source>Legend</source>
        <translation>图例</translation>
    </message>
</context>
<context>
    <name>LegendPanel</name>
    <message numerus="yes">
        <source>%n entries</source>
        <translation>
            <numerusform>%n 个条目</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LockTool</name>
    <message>
        <source>Nothing to lock: no unlocked items in the lasso</source>
        <translation>没有可锁定的项目：套索内没有未锁定的项目</translation>
    </message>
    <message>
        <source>Nothing to unlock: no locked items in the lasso</source>
        <translation>没有可解锁的项目：套索内没有已锁定的项目</translation>
    </message>
    <message>
        <source>Lock {n_units} units, {n_accounts} accounts</source>
        <translation>锁定 {n_units} 个地理单元、{n_accounts} 个客户</translation>
    </message>
    <message>
        <source>Unlock {n_units} units, {n_accounts} accounts</source>
        <translation>解锁 {n_units} 个地理单元、{n_accounts} 个客户</translation>
    </message>
    <message>
        <source>Lock units</source>
        <translation>锁定地理单元</translation>
    </message>
    <message>
        <source>Unlock units</source>
        <translation>解锁地理单元</translation>
    </message>
    <message>
        <source>Lock accounts</source>
        <translation>锁定客户</translation>
    </message>
    <message>
        <source>Unlock accounts</source>
        <translation>解锁客户</translation>
    </message>
    <message>
        <source>Locked {n_units} units and {n_accounts} accounts</source>
        <translation>已锁定 {n_units} 个地理单元和 {n_accounts} 个客户</translation>
    </message>
    <message>
        <source>Unlocked {n_units} units and {n_accounts} accounts</source>
        <translation>已解锁 {n_units} 个地理单元和 {n_accounts} 个客户</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Territory plans (*.gpkg);;All files (*)</source>
        <translation>销售区域计划 (*.gpkg);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Balance</source>
        <extracomment>The open plan; :attr:`plan` and :attr:`path` read it. Why the open plan may not be saved over its file (None: it may). Every edit of the plan goes through this stack (see planner.ui.commands). Menus by key (&quot;file&quot;, &quot;edit&quot;, &quot;view&quot;, &quot;plan&quot;, &quot;help&quot;) for features to add actions to. The one path from plan events and previews to every view.</extracomment>
        <translation>均衡</translation>
    </message>
    <message>
        <source>&amp;New from Import…</source>
        <translation>从导入新建(&amp;N)…</translation>
    </message>
    <message>
        <source>Build a plan from accounts, units and reps files</source>
        <translation>从客户、地理单元和销售代表文件创建计划</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>打开(&amp;O)…</translation>
    </message>
    <message>
        <source>Open a plan file (.gpkg)</source>
        <translation>打开计划文件（.gpkg）</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>Save the plan</source>
        <translation>保存计划</translation>
    </message>
    <message>
        <source>Save &amp;As…</source>
        <translation>另存为(&amp;A)…</translation>
    </message>
    <message>
        <source>Save the plan under a new name</source>
        <translation>以新名称保存计划</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Close Territory Planner</source>
        <translation>关闭 Territory Planner</translation>
    </message>
    <message>
        <source>Zoom to &amp;Extent</source>
        <translation>缩放至全图(&amp;E)</translation>
    </message>
    <message>
        <source>Show the whole plan</source>
        <translation>显示整个计划</translation>
    </message>
    <message>
        <source>Zoom to &amp;Selection</source>
        <translation>缩放至所选范围(&amp;S)</translation>
    </message>
    <message>
        <source>Show the selected territories</source>
        <translation>显示所选销售区域</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>打开最近使用(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Plan</source>
        <translation>计划(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About Territory Planner</source>
        <translation>关于 Territory Planner(&amp;A)</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Tools</source>
        <translation>工具</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <source> Assign to: </source>
        <translation> 分配给： </translation>
    </message>
    <message>
        <source>The territory that lasso, brush and reassignments move items to</source>
        <translation>套索、画笔和重新分配会将项目移入的销售区域</translation>
    </message>
    <message>
        <source> Scope: </source>
        <translation> 范围： </translation>
    </message>
    <message>
        <source>Units and accounts</source>
        <translation>地理单元和客户</translation>
    </message>
    <message>
        <source>Units</source>
        <translation>地理单元</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>What a lasso picks up: units (centroid inside), accounts, or both</source>
        <translation>套索选取的对象：地理单元（中心点在内）、客户或两者</translation>
    </message>
    <message>
        <source>Select two or more territories to merge (Shift-click).</source>
        <translation>请选择两个或以上要合并的销售区域（Shift+点击）。</translation>
    </message>
    <message>
        <source>Refused: a locked territory cannot be merged.</source>
        <translation>已拒绝：已锁定的销售区域无法合并。</translation>
    </message>
    <message>
        <source>Select territories first.</source>
        <translation>请先选择销售区域。</translation>
    </message>
    <message>
        <source>Lock {names}</source>
        <translation>锁定 {names}</translation>
    </message>
    <message>
        <source>Unlock {names}</source>
        <translation>解锁 {names}</translation>
    </message>
    <message>
        <source>&amp;Merge Selected Territories</source>
        <translation>合并所选销售区域(&amp;M)</translation>
    </message>
    <message>
        <source>Merge the selected territories into the first</source>
        <translation>将所选销售区域合并到第一个</translation>
    </message>
    <message>
        <source>&amp;Lock Selected Territories</source>
        <translation>锁定所选销售区域(&amp;L)</translation>
    </message>
    <message>
        <source>Locked territories never change by any tool or optimiser</source>
        <translation>已锁定的销售区域不会被任何工具或优化器更改</translation>
    </message>
    <message>
        <source>&amp;Unlock Selected Territories</source>
        <translation>解锁所选销售区域(&amp;U)</translation>
    </message>
    <message>
        <source>Allow edits to the selected territories again</source>
        <translation>重新允许编辑所选销售区域</translation>
    </message>
    <message>
        <source>Plan as opened</source>
        <translation>打开时的计划</translation>
    </message>
    <message>
        <source>Undo history</source>
        <translation>撤销历史</translation>
    </message>
    <message>
        <source>Colour Territories By</source>
        <translation>销售区域着色依据</translation>
    </message>
    <message>
        <source>Territory</source>
        <translation>销售区域</translation>
    </message>
    <message>
        <source>Deviation of {measure}</source>
        <translation>{measure}偏差</translation>
    </message>
    <message>
        <source>Workload</source>
        <translation>工作负荷</translation>
    </message>
    <message>
        <source>Potential</source>
        <translation>潜力</translation>
    </message>
    <message>
        <source>Revenue</source>
        <translation>营收</translation>
    </message>
    <message>
        <source>Attainment (latest period)</source>
        <translation>达成率（最近一期）</translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>未分配</translation>
    </message>
    <message>
        <source>{n_accounts} accounts ({n_unplaced} unplaced), {n_units} units, {n_territories} territories, {n_reps} reps</source>
        <translation>{n_accounts} 个客户（{n_unplaced} 个未定位），{n_units} 个地理单元，{n_territories} 个销售区域，{n_reps} 位销售代表</translation>
    </message>
    <message>
        <source>demo</source>
        <translation>演示</translation>
    </message>
    <message>
        <source> ({why}, read-only: Save asks for a new place)</source>
        <translation>（{why}，只读：保存时会询问新位置）</translation>
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
        <translation>{title}失败</translation>
    </message>
    <message>
        <source>{title} cancelled; nothing changed</source>
        <translation>已取消{title}；未做任何更改</translation>
    </message>
    <message>
        <source>Opening {name}…</source>
        <translation>正在打开 {name}…</translation>
    </message>
    <message>
        <source>Opening {name}</source>
        <translation>正在打开 {name}</translation>
    </message>
    <message>
        <source>{name} not opened; nothing changed</source>
        <translation>未打开 {name}；未做任何更改</translation>
    </message>
    <message>
        <source>problems in the file</source>
        <translation>文件有问题</translation>
    </message>
    <message numerus="yes">
        <source>%n repair(s) made; Save writes them: </source>
        <translation>
            <numerusform>已进行 %n 项修复；保存时写入：</numerusform>
        </translation>
    </message>
    <message>
        <source>Problems in the plan file</source>
        <translation>计划文件中的问题</translation>
    </message>
    <message>
        <source>{name} has {n_problems} problem(s). Nothing has been changed in the file. Open it read-only (Save asks for a new place), or repair it (the repairs are made now; Save writes them; the baseline is never changed).</source>
        <translation>{name} 有 {n_problems} 个问题。文件未做任何更改。可以只读方式打开（保存时会询问新位置），或修复（现在进行修复；保存时写入；基准永不更改）。</translation>
    </message>
    <message>
        <source>… and {n} more</source>
        <translation>… 另有 {n} 项</translation>
    </message>
    <message>
        <source>Open read-only</source>
        <translation>以只读方式打开</translation>
    </message>
    <message>
        <source>Repair</source>
        <translation>修复</translation>
    </message>
    <message>
        <source>Open plan</source>
        <translation>打开计划</translation>
    </message>
    <message>
        <source>Reading {name}</source>
        <translation>正在读取 {name}</translation>
    </message>
    <message>
        <source>from {name}</source>
        <translation>来自 {name}</translation>
    </message>
    <message>
        <source>Choosing the units that cover the accounts</source>
        <translation>正在选取覆盖客户的地理单元</translation>
    </message>
    <message>
        <source>bundled US geography: {level}</source>
        <translation>内置美国地理数据：{level}</translation>
    </message>
    <message>
        <source>Building the plan</source>
        <translation>正在创建计划</translation>
    </message>
    <message>
        <source>Importing {name}</source>
        <translation>正在导入 {name}</translation>
    </message>
    <message>
        <source>Save plan as</source>
        <translation>计划另存为</translation>
    </message>
    <message>
        <source>{parent} is the application&apos;s own folder, which holds the demo plan. Choose another folder (e.g. your documents).</source>
        <translation>{parent} 是应用程序自身的文件夹，存放演示计划。请选择其他文件夹（例如您的文档）。</translation>
    </message>
    <message>
        <source>Save plan</source>
        <translation>保存计划</translation>
    </message>
    <message>
        <source>Could not save {path}: {value}
The last saved file is unchanged.</source>
        <translation>无法保存 {path}：{value}
上次保存的文件保持不变。</translation>
    </message>
    <message>
        <source>{exc}
The last saved file is unchanged.</source>
        <translation>{exc}
上次保存的文件保持不变。</translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation>已保存 {path}</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>未保存的更改</translation>
    </message>
    <message>
        <source>Save changes to {value}?</source>
        <translation>要保存对 {value} 的更改吗？</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>Open recent</source>
        <translation>打开最近使用</translation>
    </message>
    <message>
        <source>{name} no longer exists.</source>
        <translation>{name} 已不存在。</translation>
    </message>
    <message>
        <source>About Territory Planner</source>
        <translation>关于 Territory Planner</translation>
    </message>
    <message>
        <source>&lt;b&gt;Territory Planner&lt;/b&gt; {version}&lt;br&gt;Sales territory design on the desktop.&lt;br&gt;Map data: US Census ZCTA centroids and county outlines (public domain).</source>
        <translation>&lt;b&gt;Territory Planner&lt;/b&gt; {version}&lt;br&gt;桌面版销售区域规划工具。&lt;br&gt;地图数据：美国人口普查局 ZCTA 中心点和县界（公共领域）。</translation>
    </message>
</context>
<context>
    <name>MapPresenter</name>
    <message>
        <source>no quota</source>
        <extracomment>``&quot;territory&quot;`` (each territory its colour), ``(&quot;level&quot;, level)`` (one colour per district, region...), ``(&quot;deviation&quot;, measure_key)`` or ``(&quot;attainment&quot;, period)`` (``&quot;&quot;`` = the latest period; see :mod:`planner.ui.attainment_map`). The territory each account is coloured by on the map (None: colours follow something else, e.g. the deviation), so a recolour touches only what differs. Unit and account palettes a preview reuses (built again for each applied state).</extracomment>
        <translation>无配额</translation>
    </message>
    <message>
        <source>{pct} % of quota</source>
        <translation>配额的 {pct} %</translation>
    </message>
    <message>
        <source>Below target by more than {band}</source>
        <translation>低于目标超过 {band}</translation>
    </message>
    <message>
        <source>Within ±{band} of target</source>
        <translation>在目标 ±{band} 以内</translation>
    </message>
    <message>
        <source>Above target by more than {band}</source>
        <translation>高于目标超过 {band}</translation>
    </message>
    <message>
        <source>Unassigned unit</source>
        <translation>未分配地理单元</translation>
    </message>
    <message>
        <source>Unassigned account</source>
        <translation>未分配客户</translation>
    </message>
</context>
<context>
    <name>Measures</name>
    <message>
        <source>Workload (h/yr)</source>
        <extracomment>QSettings key of the language chosen in View ▸ Language (&quot;&quot; = the system&apos;s). The translators installed now (kept referenced: Qt does not own them). The default measures&apos; labels (planner.models.settings.default_measures), marked for lupdate: a plan&apos;s own measure names show as the planner typed them.</extracomment>
        <translation>工作负荷（小时/年）</translation>
    </message>
    <message>
        <source>Potential</source>
        <translation>潜力</translation>
    </message>
    <message>
        <source>Revenue (L12M)</source>
        <translation>营收（近 12 个月）</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>客户</translation>
    </message>
</context>
<context>
    <name>Metrics</name>
    <message>
        <source>Revenue</source>
        <extracomment>The actuals&apos; known metrics and their levels (planner.models.actuals.METRICS), marked for lupdate: a column the import does not know shows its own name.</extracomment>
        <translation>营收</translation>
    </message>
    <message>
        <source>Gross margin</source>
        <translation>毛利</translation>
    </message>
    <message>
        <source>Profit</source>
        <translation>利润</translation>
    </message>
    <message>
        <source>Deals won</source>
        <translation>赢单数</translation>
    </message>
    <message>
        <source>Deals lost</source>
        <translation>丢单数</translation>
    </message>
    <message>
        <source>Visits held</source>
        <translation>已完成拜访</translation>
    </message>
    <message>
        <source>Calls made</source>
        <translation>已拨电话</translation>
    </message>
    <message>
        <source>Opportunities created</source>
        <translation>新建商机</translation>
    </message>
    <message>
        <source>Pipeline value</source>
        <translation>销售管道金额</translation>
    </message>
    <message>
        <source>output</source>
        <translation>成果</translation>
    </message>
    <message>
        <source>activity</source>
        <translation>活动</translation>
    </message>
    <message>
        <source>pipeline</source>
        <translation>销售管道</translation>
    </message>
    <message>
        <source>other</source>
        <translation>其他</translation>
    </message>
</context>
<context>
    <name>OptimiseDialog</name>
    <message>
        <source>Rebalance the current alignment</source>
        <translation>重新均衡当前划分</translation>
    </message>
    <message>
        <source>Create territories from scratch (seeded at rep homes)</source>
        <translation>从零创建销售区域（以代表住址为起点）</translation>
    </message>
    <message>
        <source>Re-optimise the selected territories only</source>
        <translation>仅重新优化所选销售区域</translation>
    </message>
    <message>
        <source>Optimise territories</source>
        <translation>优化销售区域</translation>
    </message>
    <message>
        <source>Create mode: how many territories to fill</source>
        <extracomment>The last run&apos;s result (not ``result``: that is QDialog&apos;s exit code).</extracomment>
        <translation>创建模式：要生成多少个销售区域</translation>
    </message>
    <message>
        <source>Subset mode: the territories selected in the balance table, or every territory under a district or region of the plan&apos;s hierarchy</source>
        <translation>子集模式：平衡表中选中的销售区域，或计划层级中某个片区或大区下的所有销售区域</translation>
    </message>
    <message>
        <source>Balance</source>
        <translation>均衡</translation>
    </message>
    <message>
        <source>Tolerance ±%</source>
        <translation>容差 ±%</translation>
    </message>
    <message>
        <source>Limit disruption to</source>
        <translation>调整幅度上限</translation>
    </message>
    <message>
        <source>of accounts</source>
        <translation>的客户</translation>
    </message>
    <message>
        <source>accounts</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>of revenue</source>
        <translation>的营收</translation>
    </message>
    <message>
        <source>revenue</source>
        <translation>营收</translation>
    </message>
    <message>
        <source>Limit each rep to</source>
        <extracomment>What edits since the baseline already spent of the budget (counted, like the budget, against the baseline).</extracomment>
        <translation>每位代表上限</translation>
    </message>
    <message>
        <source>Largest share of each territory&apos;s baseline accounts it may lose plus gain (0 % keeps every rep&apos;s accounts as they are)</source>
        <translation>每个销售区域的基准客户可减少加增加的最大比例（0 % 表示每位代表的客户保持不变）</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>Required: every territory in one piece</source>
        <translation>必须：每个销售区域连成一片</translation>
    </message>
    <message>
        <source>Preferred: in pieces only where a band needs it</source>
        <translation>优先：仅在容差带需要时才分成多片</translation>
    </message>
    <message>
        <source>Off: territories may be in pieces</source>
        <translation>关闭：销售区域可分成多片</translation>
    </message>
    <message>
        <source>Whether territories must stay connected across shared unit borders</source>
        <translation>销售区域是否必须通过相邻地理单元的共同边界连成一体</translation>
    </message>
    <message>
        <source>Total distance to the territory centres</source>
        <translation>到销售区域中心的总距离</translation>
    </message>
    <message>
        <source>Largest territory diameter (min-max)</source>
        <translation>最大销售区域直径（最小化最大值）</translation>
    </message>
    <message>
        <source>What the optimiser keeps small; the result reports both figures</source>
        <translation>优化器要压低的指标；结果会同时列出两项数字</translation>
    </message>
    <message>
        <source>of its accounts, lost plus gained</source>
        <translation>的客户（减少加增加）</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>模式</translation>
    </message>
    <message>
        <source>Territories</source>
        <translation>销售区域</translation>
    </message>
    <message>
        <source>Territories under</source>
        <translation>下属销售区域</translation>
    </message>
    <message>
        <source>Measures</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Disruption</source>
        <translation>调整影响</translation>
    </message>
    <message>
        <source>Per rep</source>
        <translation>每位代表</translation>
    </message>
    <message>
        <source>&amp;Contiguity</source>
        <translation>连续性(&amp;C)</translation>
    </message>
    <message>
        <source>Com&amp;pactness</source>
        <translation>紧凑度(&amp;P)</translation>
    </message>
    <message>
        <source>Time limit</source>
        <translation>时间上限</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Set the options and press Run.</source>
        <translation>设置选项后点击“运行”。</translation>
    </message>
    <message>
        <source>Shortfalls and notes appear here after a run.</source>
        <translation>运行后，未达标项和说明会显示在这里。</translation>
    </message>
    <message>
        <source>Result: before → after deviation from target</source>
        <translation>结果：与目标的偏差（前 → 后）</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop the search and keep the best plan found so far</source>
        <translation>停止搜索，保留目前找到的最佳计划</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <source>Apply the proposal to the plan (one undo step)</source>
        <translation>将方案应用到计划（可一步撤销）</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>the territories selected in the balance table</source>
        <translation>均衡表中选中的销售区域</translation>
    </message>
    <message numerus="yes">
        <source>%n territory(s)</source>
        <translation>
            <numerusform>%n 个销售区域</numerusform>
        </translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Selected in the balance table: {names}. Select at least two territories.</source>
        <translation>均衡表中已选择：{names}。请至少选择两个销售区域。</translation>
    </message>
    <message>
        <source>Already {spent} % of revenue from the baseline</source>
        <translation>已有 {spent} % 的营收偏离基准</translation>
    </message>
    <message>
        <source>Already {spent} % of accounts from the baseline</source>
        <translation>已有 {spent} % 的客户偏离基准</translation>
    </message>
    <message>
        <source>: over the {budget} % budget. The run makes only moves that add no disruption (or move accounts back).</source>
        <translation>：已超出 {budget} % 的预算。本次运行只做不增加调整影响的移动（或把客户移回）。</translation>
    </message>
    <message>
        <source>; {left} % left.</source>
        <translation>；剩余 {left} %。</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <source>Stopping: keeping the best plan found so far…</source>
        <translation>正在停止：保留目前找到的最佳计划…</translation>
    </message>
    <message>
        <source>Searching… best so far: {good} of {total} bands in tolerance</source>
        <translation>搜索中… 目前最佳：{total} 个容差带中 {good} 个达标</translation>
    </message>
    <message>
        <source>The optimiser failed.</source>
        <translation>优化失败。</translation>
    </message>
    <message>
        <source>Territory</source>
        <translation>销售区域</translation>
    </message>
    <message>
        <source>value {before} → {after} (target {target})</source>
        <translation>数值 {before} → {after}（目标 {target}）</translation>
    </message>
    <message>
        <source>Every band met.</source>
        <translation>所有容差带均已满足。</translation>
    </message>
    <message>
        <source>Some bands are not met (see below).</source>
        <translation>部分容差带未满足（见下方）。</translation>
    </message>
    <message>
        <source>Some territories are in pieces.</source>
        <translation>部分销售区域分成多片。</translation>
    </message>
    <message>
        <source>Stopped: this is the best plan found so far.</source>
        <translation>已停止：这是目前找到的最佳计划。</translation>
    </message>
    <message>
        <source>The request cannot be served; nothing would change.</source>
        <translation>无法满足此请求；不会有任何更改。</translation>
    </message>
    <message>
        <source>required</source>
        <translation>必须</translation>
    </message>
    <message>
        <source>preferred</source>
        <translation>优先</translation>
    </message>
    <message>
        <source>off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>{verdict}  Territories in band: {in_band_before} → {in_band_after} of {n_optimised}.  Disruption: {accounts_moved} accounts ({accounts_pct} %), {revenue_pct} % of revenue, {units_moved} units.  Compactness: {compactness_before_km} → {compactness_after_km} km mean to the rep&apos;s home; largest territory {diameter_before_km} → {diameter_after_km} km across.  Contiguous: {contiguous_before} → {contiguous_after} (contiguity {contiguity}).  ({elapsed} s)</source>
        <translation>{verdict}  在容差带内的销售区域：{in_band_before} → {in_band_after}（共 {n_optimised}）。  调整影响：{accounts_moved} 个客户（{accounts_pct} %）、营收的 {revenue_pct} %、{units_moved} 个地理单元。  紧凑度：到代表住址平均距离 {compactness_before_km} → {compactness_after_km} 公里；最大销售区域直径 {diameter_before_km} → {diameter_after_km} 公里。  连续：{contiguous_before} → {contiguous_after}（连续性：{contiguity}）。  （{elapsed} 秒）</translation>
    </message>
    <message>
        <source>Disruption {budget}</source>
        <translation>调整影响 {budget}</translation>
    </message>
    <message>
        <source>Shortfall: {what}</source>
        <translation>未达标：{what}</translation>
    </message>
    <message>
        <source>Note: {note}</source>
        <translation>注：{note}</translation>
    </message>
    <message>
        <source>Moves ({n} units; every move is saved with the plan):</source>
        <translation>调整（{n} 个地理单元；每项调整都随计划保存）：</translation>
    </message>
    <message>
        <source>Done. Review the proposal and press Apply, or change the options and run again.</source>
        <translation>完成。请查看方案并点击“应用”，或更改选项后再次运行。</translation>
    </message>
    <message>
        <source>Done. Nothing to change.</source>
        <translation>完成。无需更改。</translation>
    </message>
    <message>
        <source>The plan changed while the optimiser ran, so its proposal no longer fits. Run it again.</source>
        <translation>优化运行期间计划已更改，方案不再适用。请重新运行。</translation>
    </message>
    <message>
        <source>Optimise territories ({mode})</source>
        <translation>优化销售区域（{mode}）</translation>
    </message>
    <message>
        <source>Applied. Edit ▸ Undo takes the whole run back.</source>
        <translation>已应用。编辑 ▸ 撤销可撤回整次运行。</translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>未分配</translation>
    </message>
    <message>
        <source>Open a plan first.</source>
        <translation>请先打开计划。</translation>
    </message>
    <message>
        <source>&amp;Optimise territories…</source>
        <translation>优化销售区域(&amp;O)…</translation>
    </message>
    <message>
        <source>Build or rebalance territories automatically, within a disruption budget</source>
        <translation>在调整预算内自动创建或重新均衡销售区域</translation>
    </message>
</context>
<context>
    <name>PerformancePanel</name>
    <message>
        <source>Import actuals (Plan ▸ Import Actuals…) to review them.</source>
        <translation>请先导入实际业绩（计划 ▸ 导入实际业绩…）再进行复盘。</translation>
    </message>
    <message>
        <source>Set {metric} quota of {territory}</source>
        <translation>设置 {territory} 的{metric}配额</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Quota</source>
        <translation>配额</translation>
    </message>
    <message>
        <source>Actual</source>
        <translation>实际</translation>
    </message>
    <message>
        <source>Att. %</source>
        <translation>达成率 %</translation>
    </message>
    <message>
        <source>YTD %</source>
        <translation>年累计 %</translation>
    </message>
    <message>
        <source>Visits %</source>
        <translation>拜访 %</translation>
    </message>
    <message>
        <source>Expected %</source>
        <translation>预期 %</translation>
    </message>
    <message>
        <source>Candidate: why</source>
        <translation>候选：原因</translation>
    </message>
    <message>
        <source>Territory</source>
        <translation>销售区域</translation>
    </message>
    <message>
        <source>Rep</source>
        <translation>销售代表</translation>
    </message>
    <message>
        <source>Colour map</source>
        <translation>地图着色</translation>
    </message>
    <message>
        <source>Colour territories by attainment: red below quota, blue above</source>
        <translation>按达成率为销售区域着色：低于配额为红色，高于配额为蓝色</translation>
    </message>
    <message>
        <source>Metric</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>期间</translation>
    </message>
    <message>
        <source>By</source>
        <translation>按</translation>
    </message>
    <message>
        <source>Set Quota…</source>
        <translation>设置配额…</translation>
    </message>
    <message>
        <source>Set the selected territory&apos;s annual quota of this metric (one undo step)</source>
        <translation>设置所选销售区域此指标的年度配额（一个撤销步骤）</translation>
    </message>
    <message>
        <source>{metric} ({level})</source>
        <translation>{metric}（{level}）</translation>
    </message>
    <message numerus="yes">
        <source>%n candidate(s) for the redesign.</source>
        <translation>
            <numerusform>%n 个重新规划候选。</numerusform>
        </translation>
    </message>
    <message>
        <source>Expected attainment: {model}.</source>
        <translation>预期达成率：{model}。</translation>
    </message>
    <message>
        <source>Attainment %</source>
        <translation>达成率 %</translation>
    </message>
    <message>
        <source>{metric}: attainment per period</source>
        <translation>{metric}：各期达成率</translation>
    </message>
    <message>
        <source>{metric}: attainment per period (select territories to follow them)</source>
        <translation>{metric}：各期达成率（选择销售区域即可跟踪）</translation>
    </message>
    <message>
        <source>Select one territory to set its quota.</source>
        <translation>请选择一个销售区域以设置其配额。</translation>
    </message>
    <message>
        <source>Set quota</source>
        <translation>设置配额</translation>
    </message>
    <message>
        <source>Annual {metric} quota of {territory} ({level}):</source>
        <translation>{territory} 的年度{metric}配额（{level}）：</translation>
    </message>
    <message>
        <source>Performance</source>
        <translation>绩效</translation>
    </message>
</context>
<context>
    <name>PinTool</name>
    <message>
        <source>No accounts inside the lasso</source>
        <translation>套索内没有客户</translation>
    </message>
    <message>
        <source>Refused: {exc}</source>
        <translation>已拒绝：{exc}</translation>
    </message>
    <message>
        <source>; {held} locked accounts kept</source>
        <translation>；保留 {held} 个已锁定的客户</translation>
    </message>
    <message>
        <source>Nothing to pin to {name}{note}</source>
        <translation>没有可固定到 {name} 的客户{note}</translation>
    </message>
    <message>
        <source>Pin {n} accounts to {name}</source>
        <translation>将 {n} 个客户固定到 {name}</translation>
    </message>
</context>
<context>
    <name>ProblemsPanel</name>
    <message>
        <source>Overlapping territories</source>
        <extracomment>Group headings, in the order of :data:`planner.models.problems.PROBLEM_KINDS`.</extracomment>
        <translation>重叠的销售区域</translation>
    </message>
    <message>
        <source>Unassigned accounts</source>
        <translation>未分配客户</translation>
    </message>
    <message>
        <source>Unassigned units</source>
        <translation>未分配的地理单元</translation>
    </message>
    <message>
        <source>Territories in separate parts</source>
        <translation>分成多块的销售区域</translation>
    </message>
    <message>
        <source>Empty territories</source>
        <translation>空销售区域</translation>
    </message>
    <message>
        <source>Accounts without a location</source>
        <translation>没有位置的客户</translation>
    </message>
    <message>
        <source>Accounts outside every unit</source>
        <translation>不在任何地理单元内的客户</translation>
    </message>
    <message>
        <source>No plan</source>
        <extracomment>Data roles of a row: the box to zoom to, and (item kind, indices) to select. The plan the listed problems were found on. The dock holding the panel (set by :func:`install`).</extracomment>
        <translation>没有计划</translation>
    </message>
    <message numerus="yes">
        <source>%n unit(s)</source>
        <translation>
            <numerusform>%n 个地理单元</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n account(s)</source>
        <translation>
            <numerusform>%n 个客户</numerusform>
        </translation>
    </message>
    <message>
        <source>Part {n}: {what}, {area} km²</source>
        <translation>第 {n} 部分：{what}，{area} km²</translation>
    </message>
    <message>
        <source>No problems</source>
        <translation>没有问题</translation>
    </message>
    <message numerus="yes">
        <source>%n problem(s)</source>
        <translation>
            <numerusform>%n 个问题</numerusform>
        </translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>问题</translation>
    </message>
</context>
<context>
    <name>QuotaDialog</name>
    <message>
        <source>Set quotas</source>
        <translation>设置配额</translation>
    </message>
    <message>
        <source>Quotas</source>
        <translation>配额</translation>
    </message>
    <message>
        <source>Share of potential</source>
        <translation>按潜力占比</translation>
    </message>
    <message>
        <source>Share of history (L12M revenue)</source>
        <translation>按历史占比（近 12 个月营收）</translation>
    </message>
    <message>
        <source>Blend</source>
        <translation>混合</translation>
    </message>
    <message>
        <source>Weight of potential in the blend (the rest is history)</source>
        <translation>混合中潜力的权重（其余为历史业绩）</translation>
    </message>
    <message>
        <source>Bottom-up: last-12-month revenue × (1 + growth)</source>
        <translation>自下而上：近 12 个月营收 × (1 + 增长率)</translation>
    </message>
    <message>
        <source>Compute</source>
        <translation>计算</translation>
    </message>
    <message>
        <source>Company target:</source>
        <translation>公司目标：</translation>
    </message>
    <message>
        <source>Top-down by:</source>
        <translation>自上而下依据：</translation>
    </message>
    <message>
        <source>Blend (potential weight):</source>
        <translation>混合（潜力权重）：</translation>
    </message>
    <message>
        <source>Bottom-up growth:</source>
        <translation>自下而上增长率：</translation>
    </message>
    <message>
        <source>Territory</source>
        <translation>销售区域</translation>
    </message>
    <message>
        <source>Top-down</source>
        <translation>自上而下</translation>
    </message>
    <message>
        <source>Bottom-up</source>
        <translation>自下而上</translation>
    </message>
    <message>
        <source>Gap</source>
        <translation>差距</translation>
    </message>
    <message>
        <source>Final quota (edit)</source>
        <translation>最终配额（可编辑）</translation>
    </message>
    <message>
        <source>A final quota is not a number.</source>
        <translation>有一个最终配额不是数字。</translation>
    </message>
    <message>
        <source>Final quotas add up to {total}; target {target}</source>
        <translation>最终配额合计 {total}；目标 {target}</translation>
    </message>
    <message>
        <source>  — off by {gap}</source>
        <translation>  — 相差 {gap}</translation>
    </message>
    <message>
        <source>Set quotas (target {target})</source>
        <translation>设置配额（目标 {target}）</translation>
    </message>
    <message>
        <source>Quotas set</source>
        <translation>已设置配额</translation>
    </message>
</context>
<context>
    <name>RealignmentDialog</name>
    <message>
        <source>Realignment: {name} against the baseline</source>
        <translation>重新划分：{name} 相对于基准</translation>
    </message>
    <message>
        <source>{n_accounts} accounts ({currency}{revenue} revenue) and {n_units} units change territory.</source>
        <translation>{n_accounts} 个客户（营收 {currency}{revenue}）和 {n_units} 个地理单元变更销售区域。</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>From</source>
        <translation>原属</translation>
    </message>
    <message>
        <source>To</source>
        <translation>改属</translation>
    </message>
    <message>
        <source>Revenue</source>
        <translation>营收</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
</context>
<context>
    <name>RedesignDialogs</name>
    <message>
        <source>Quotas</source>
        <translation>配额</translation>
    </message>
    <message>
        <source>Open a plan with territories first.</source>
        <translation>请先打开含有销售区域的计划。</translation>
    </message>
    <message>
        <source>Rep matching</source>
        <translation>销售代表匹配</translation>
    </message>
    <message>
        <source>The plan has no reps.</source>
        <translation>计划中没有销售代表。</translation>
    </message>
    <message>
        <source>&amp;Quotas…</source>
        <translation>配额(&amp;Q)…</translation>
    </message>
    <message>
        <source>Split a company target across territories (top-down beside bottom-up)</source>
        <translation>将公司目标分配到各销售区域（自上而下与自下而上并列）</translation>
    </message>
    <message>
        <source>Match &amp;Reps to Territories…</source>
        <translation>匹配销售代表与销售区域(&amp;R)…</translation>
    </message>
    <message>
        <source>Suggest which rep takes which territory, explained</source>
        <translation>建议由哪位代表负责哪个销售区域，并说明理由</translation>
    </message>
</context>
<context>
    <name>RepMatchDialog</name>
    <message>
        <source>Rep matching</source>
        <translation>销售代表匹配</translation>
    </message>
    <message>
        <source>Territory</source>
        <translation>销售区域</translation>
    </message>
    <message>
        <source>Suggested rep</source>
        <translation>建议代表</translation>
    </message>
    <message>
        <source>Now</source>
        <translation>当前</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>理由</translation>
    </message>
    <message>
        <source>Ticked rows give the territory the suggested rep (one undo step).</source>
        <translation>勾选的行会把建议代表分配给该销售区域（可一步撤销）。</translation>
    </message>
    <message>
        <source>Assign reps from matching</source>
        <translation>按匹配结果分配销售代表</translation>
    </message>
    <message>
        <source>{changed} territories got a new rep</source>
        <translation>{changed} 个销售区域换了新代表</translation>
    </message>
</context>
<context>
    <name>ReviewDialog</name>
    <message>
        <source>Excel workbooks (*.xlsx *.xlsm);;All files (*)</source>
        <translation>Excel 工作簿 (*.xlsx *.xlsm);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>未分配</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>From</source>
        <translation>原属</translation>
    </message>
    <message>
        <source>To</source>
        <translation>改属</translation>
    </message>
    <message>
        <source>Accounts along</source>
        <translation>随同调整的客户</translation>
    </message>
    <message>
        <source>{sheet} row {row}</source>
        <translation>{sheet} 第 {row} 行</translation>
    </message>
    <message>
        <source>Sheet</source>
        <translation>工作表</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Review {workbook}</source>
        <translation>审阅 {workbook}</translation>
    </message>
    <message>
        <source>&lt;b&gt;{workbook}&lt;/b&gt;: {accounts} account and {units} unit changes; {n_conflicts} rows cannot be applied.</source>
        <translation>&lt;b&gt;{workbook}&lt;/b&gt;：{accounts} 条客户变更和 {units} 条地理单元变更；{n_conflicts} 行无法应用。</translation>
    </message>
    <message>
        <source>Check all</source>
        <translation>全选</translation>
    </message>
    <message>
        <source>Uncheck all</source>
        <translation>全部取消</translation>
    </message>
    <message>
        <source>Changes to apply:</source>
        <translation>要应用的变更：</translation>
    </message>
    <message>
        <source>Conflicts (not applied; fix them in the workbook):</source>
        <translation>冲突（未应用；请在工作簿中修正）：</translation>
    </message>
    <message numerus="yes">
        <source>Apply %n change(s)</source>
        <translation>
            <numerusform>应用 %n 项变更</numerusform>
        </translation>
    </message>
    <message>
        <source>Review</source>
        <translation>审阅</translation>
    </message>
    <message numerus="yes">
        <source>Apply %n change(s) from {workbook}</source>
        <translation>
            <numerusform>应用 {workbook} 中的 %n 项变更</numerusform>
        </translation>
    </message>
    <message>
        <source>Reviewing {name}</source>
        <translation>正在审阅 {name}</translation>
    </message>
    <message>
        <source>Review edited workbook</source>
        <translation>审阅已编辑的工作簿</translation>
    </message>
    <message>
        <source>Review Edited &amp;Workbook…</source>
        <translation>审阅已编辑的工作簿(&amp;W)…</translation>
    </message>
    <message>
        <source>See a manager&apos;s changes to an exported workbook and apply the ones you accept</source>
        <translation>查看经理对导出工作簿的更改，并应用您接受的部分</translation>
    </message>
</context>
<context>
    <name>RoutesPanel</name>
    <message>
        <source>Plan and show one rep, or every rep</source>
        <extracomment>The dock and the Plan menu action (set by :func:`install`). Options for runs beyond the panel&apos;s own (e.g. a shorter search in tests). What the last run planned (shown above the travel note until another plan opens).</extracomment>
        <translation>规划并显示单个代表或所有代表</translation>
    </message>
    <message>
        <source> weeks</source>
        <translation> 周</translation>
    </message>
    <message>
        <source>Planning horizon: the call cycle repeats after it</source>
        <translation>规划周期：拜访周期在此之后重复</translation>
    </message>
    <message>
        <source>Monday the horizon starts (saved with the plan); another day picks its week&apos;s Monday</source>
        <translation>规划周期开始的星期一（随计划保存）；选择其他日期则取该周的星期一</translation>
    </message>
    <message>
        <source>US, US:CA, CA:ON, GB, none</source>
        <translation>US、US:CA、CA:ON、GB、none</translation>
    </message>
    <message>
        <source>Public holidays with no visits: a country code, optionally :state or :province, or none (saved with the plan). Reps&apos; own days off: the reps column days_off, e.g. 2026-12-28..2026-12-31; 2027-01-08</source>
        <translation>不安排拜访的公共假日：国家代码，可加 :州 或 :省，或 none（随计划保存）。代表个人休假：销售代表表的 days_off 列，例如 2026-12-28..2026-12-31; 2027-01-08</translation>
    </message>
    <message>
        <source>Write itineraries…</source>
        <translation>写出行程表…</translation>
    </message>
    <message>
        <source>Write one Excel itinerary per rep with routes (a page per day) into a folder</source>
        <translation>为每位有路线的代表写出一份 Excel 行程表（每天一页）到文件夹</translation>
    </message>
    <message>
        <source>Plan routes</source>
        <translation>规划路线</translation>
    </message>
    <message>
        <source>Choose visit days and plan each day&apos;s route for the selected rep(s), in the background</source>
        <translation>在后台为所选代表选择拜访日并规划每日路线</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Clear routes</source>
        <translation>清除路线</translation>
    </message>
    <message>
        <source>Remove the routes: workload goes back to estimated travel</source>
        <translation>移除路线：工作负荷恢复为按估算差旅计算</translation>
    </message>
    <message>
        <source>Rep</source>
        <extracomment>Day colours when one rep is shown (colour-blind friendly, distinct on the pale map). Above this many visible stops only the selected day&apos;s stops are numbered. The itinerary files written (a list of paths).</extracomment>
        <translation>销售代表</translation>
    </message>
    <message>
        <source>Horizon</source>
        <translation>规划周期</translation>
    </message>
    <message>
        <source>Starts</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Holidays</source>
        <translation>假日</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Itinerary</source>
        <translation>行程</translation>
    </message>
    <message>
        <source>Not planned</source>
        <translation>未安排</translation>
    </message>
    <message>
        <source>Visits</source>
        <translation>拜访</translation>
    </message>
    <message>
        <source>Distance (km)</source>
        <translation>距离（公里）</translation>
    </message>
    <message>
        <source>Drive (h)</source>
        <translation>驾车（小时）</translation>
    </message>
    <message>
        <source>Utilisation</source>
        <translation>利用率</translation>
    </message>
    <message>
        <source>Mileage</source>
        <translation>里程补贴</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>顺序</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Arrival</source>
        <translation>到达</translation>
    </message>
    <message>
        <source>Departure</source>
        <translation>离开</translation>
    </message>
    <message>
        <source>Drive (min)</source>
        <translation>驾车（分钟）</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source> No visits on {days}.</source>
        <translation> {days} 不安排拜访。</translation>
    </message>
    <message>
        <source> No public holidays on working days.</source>
        <translation> 工作日没有公共假日。</translation>
    </message>
    <message>
        <source>Routes start {day}</source>
        <translation>路线自 {day} 开始</translation>
    </message>
    <message>
        <source>Public holidays: {calendar}</source>
        <translation>公共假日：{calendar}</translation>
    </message>
    <message>
        <source>All reps</source>
        <translation>所有代表</translation>
    </message>
    <message>
        <source>No rep has a territory: nothing to plan.</source>
        <translation>没有代表负责销售区域：无可规划。</translation>
    </message>
    <message>
        <source>Planning {weeks} weeks of visits for {who}…</source>
        <translation>正在为 {who} 规划 {weeks} 周的拜访…</translation>
    </message>
    <message>
        <source>Planning visit routes for {who}</source>
        <translation>正在为 {who} 规划拜访路线</translation>
    </message>
    <message>
        <source>Clear visit routes</source>
        <translation>清除拜访路线</translation>
    </message>
    <message>
        <source>Another plan was opened meanwhile: the routes were not applied.</source>
        <translation>期间已打开另一个计划：路线未应用。</translation>
    </message>
    <message>
        <source>all reps</source>
        <translation>所有代表</translation>
    </message>
    <message>
        <source>Plan visit routes ({who})</source>
        <translation>规划拜访路线（{who}）</translation>
    </message>
    <message>
        <source>{planned} visits planned, {unplaced} not planned.</source>
        <translation>已安排 {planned} 次拜访，{unplaced} 次未安排。</translation>
    </message>
    <message>
        <source>Cancelled: the plan is unchanged.</source>
        <translation>已取消：计划未更改。</translation>
    </message>
    <message>
        <source>No routes planned: workload uses estimated travel.</source>
        <translation>尚未规划路线：工作负荷按估算差旅计算。</translation>
    </message>
    <message>
        <source>Workload uses routed travel for {routed} of {total} territories (estimated travel for the rest).</source>
        <translation>{total} 个销售区域中有 {routed} 个的工作负荷按规划路线计算（其余按估算）。</translation>
    </message>
    <message>
        <source>Workload uses routed travel for every territory.</source>
        <translation>所有销售区域的工作负荷均按规划路线的差旅计算。</translation>
    </message>
    <message>
        <source>Not planned ({value} visits)</source>
        <translation>未安排（{value} 次拜访）</translation>
    </message>
    <message>
        <source>Choose a rep to see their days</source>
        <translation>选择代表以查看其每日行程</translation>
    </message>
    <message>
        <source>No routes</source>
        <translation>没有路线</translation>
    </message>
    <message>
        <source>Every day</source>
        <translation>每一天</translation>
    </message>
    <message>
        <source>Leave home {leave}, back {back}: {visits} visits, {km} km, {drive} min driving, working {hours} h {minutes:02d}</source>
        <translation>{leave} 出门，{back} 返回：{visits} 次拜访，{km} 公里，驾车 {drive} 分钟，工作 {hours} 小时 {minutes:02d} 分</translation>
    </message>
    <message>
        <source>No routes planned: plan them first.</source>
        <translation>尚未规划路线：请先规划。</translation>
    </message>
    <message>
        <source>{value} has no routes planned.</source>
        <translation>{value} 没有已规划的路线。</translation>
    </message>
    <message>
        <source>Write itineraries into folder</source>
        <translation>将行程表写入文件夹</translation>
    </message>
    <message>
        <source>Wrote {n_files} itineraries to {target}.</source>
        <translation>已将 {n_files} 份行程表写入 {target}。</translation>
    </message>
    <message>
        <source>Writing itineraries</source>
        <translation>正在写入行程表</translation>
    </message>
    <message>
        <source>Visit routes</source>
        <translation>拜访路线</translation>
    </message>
    <message>
        <source>Plan visit &amp;routes…</source>
        <translation>规划拜访路线(&amp;R)…</translation>
    </message>
    <message>
        <source>Plan each rep&apos;s visit days and day routes; workload then uses them</source>
        <translation>规划每位代表的拜访日和每日路线；工作负荷随后据此计算</translation>
    </message>
</context>
<context>
    <name>ScenarioMapsDialog</name>
    <message>
        <source>Scenarios side by side</source>
        <translation>方案并排比较</translation>
    </message>
</context>
<context>
    <name>ScenariosPanel</name>
    <message>
        <source>Tick scenarios to compare; lower is better on every row, best in green.</source>
        <translation>勾选要比较的方案；每一行都越低越好，最佳者为绿色。</translation>
    </message>
    <message>
        <source>Save current as…</source>
        <translation>将当前划分另存为…</translation>
    </message>
    <message>
        <source>Switch to</source>
        <translation>切换到</translation>
    </message>
    <message>
        <source>Duplicate…</source>
        <translation>复制…</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Maps</source>
        <translation>地图</translation>
    </message>
    <message>
        <source>Realignment</source>
        <translation>重新划分</translation>
    </message>
    <message>
        <source>Scenarios</source>
        <extracomment>Figures of the scenarios other than &quot;current&quot;, kept between edits. The current alignment&apos;s account-to-home distances, measured again only where an edit moved accounts.</extracomment>
        <translation>方案</translation>
    </message>
    <message>
        <source>Save scenario</source>
        <translation>保存方案</translation>
    </message>
    <message>
        <source>Name for the current alignment:</source>
        <translation>当前划分的名称：</translation>
    </message>
    <message>
        <source>Save scenario {name}</source>
        <translation>保存方案 {name}</translation>
    </message>
    <message>
        <source>The plan already has the alignment of {name}</source>
        <translation>计划已是 {name} 的划分</translation>
    </message>
    <message>
        <source>Switch to scenario {name}</source>
        <translation>切换到方案 {name}</translation>
    </message>
    <message>
        <source>Duplicate scenario</source>
        <translation>复制方案</translation>
    </message>
    <message>
        <source>Name for the copy of {name}:</source>
        <translation>{name} 副本的名称：</translation>
    </message>
    <message>
        <source>{name} copy</source>
        <translation>{name} 副本</translation>
    </message>
    <message>
        <source>Duplicate scenario {name} as {new}</source>
        <translation>将方案 {name} 复制为 {new}</translation>
    </message>
    <message>
        <source>Rename scenario</source>
        <translation>重命名方案</translation>
    </message>
    <message>
        <source>New name for {name}:</source>
        <translation>{name} 的新名称：</translation>
    </message>
    <message>
        <source>Rename scenario {name} to {new}</source>
        <translation>将方案 {name} 重命名为 {new}</translation>
    </message>
    <message>
        <source>Select a scenario for its realignment report.</source>
        <translation>选择方案以查看其重新划分报告。</translation>
    </message>
    <message>
        <source>Delete scenario {name}</source>
        <translation>删除方案 {name}</translation>
    </message>
</context>
<context>
    <name>SplitTool</name>
    <message>
        <source>Split: select a territory or draw the line across one.</source>
        <translation>拆分：请选择销售区域，或画线穿过一个销售区域。</translation>
    </message>
    <message>
        <source>Refused: {value} is locked</source>
        <translation>已拒绝：{value} 已锁定</translation>
    </message>
    <message>
        <source>Not split: {exc}</source>
        <translation>未拆分：{exc}</translation>
    </message>
    <message>
        <source>{territory} (split)</source>
        <translation>{territory}（拆分）</translation>
    </message>
    <message>
        <source>Split {n_left} units into {value}</source>
        <translation>将 {n_left} 个地理单元拆分到 {value}</translation>
    </message>
</context>
<context>
    <name>Task</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>TerritoryDialog</name>
    <message>
        <source>Territory {value}</source>
        <translation>销售区域 {value}</translation>
    </message>
    <message>
        <source>(no rep)</source>
        <translation>（无代表）</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <source>Rep:</source>
        <translation>销售代表：</translation>
    </message>
    <message>
        <source>Colour:</source>
        <translation>颜色：</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>The {value} this territory rolls up into (its parent_id); the levels above come from the plan&apos;s hierarchy table</source>
        <translation>此销售区域归属的{value}（其 parent_id）；更上层级来自计划的层级表</translation>
    </message>
    <message>
        <source>Territory colour</source>
        <translation>销售区域颜色</translation>
    </message>
    <message>
        <source>Edit territory {name}</source>
        <translation>编辑销售区域 {name}</translation>
    </message>
    <message>
        <source>Select one territory to edit its properties.</source>
        <translation>请选择一个销售区域以编辑其属性。</translation>
    </message>
    <message>
        <source>Territory &amp;Properties…</source>
        <translation>销售区域属性(&amp;P)…</translation>
    </message>
    <message>
        <source>Rename a territory, change its rep or colour (undoable)</source>
        <translation>重命名销售区域、更改其代表或颜色（可撤销）</translation>
    </message>
    <message>
        <source>Show territories in the Balance panel to edit one&apos;s properties.</source>
        <translation>请在均衡面板中显示销售区域，以编辑其属性。</translation>
    </message>
</context>
<context>
    <name>TilesController</name>
    <message>
        <source>Online basemap tiles</source>
        <extracomment>Metres per pixel of zoom level 0 with 256-pixel tiles. Views needing more tiles than this are skipped (a tile set of the wrong zoom, or a wall). Decoded tiles kept in memory (256 x 256 x 4 bytes each: 512 tiles are 128 MB at most). Seconds before trying the network again after it failed. Disk tiles older than this are fetched again (and used as they are if that fails). key, image (QImage or None), outcome: &quot;ok&quot;, &quot;missing&quot; (HTTP 4xx, bad data), &quot;offline&quot;. Tiles requested from the pool so far (disk and network), for tests and diagnostics.</extracomment>
        <translation>在线底图瓦片</translation>
    </message>
    <message>
        <source>Draw OpenStreetMap tiles under the territories (needs the internet; cached on disk)</source>
        <translation>在销售区域下方绘制 OpenStreetMap 瓦片（需联网；缓存在磁盘）</translation>
    </message>
</context>
<context>
    <name>Tools</name>
    <message>
        <source>Pan</source>
        <translation>平移</translation>
    </message>
    <message>
        <source>Pan: drag to move the map, wheel to zoom towards the cursor.</source>
        <translation>平移：拖动移动地图，滚轮朝光标处缩放。</translation>
    </message>
    <message>
        <source>Select</source>
        <translation>选择</translation>
    </message>
    <message>
        <source>Select: click a territory (Shift adds), or drag a box to select every territory it touches.</source>
        <translation>选择：点击销售区域（Shift 可加选），或拖动方框选择所有接触到的销售区域。</translation>
    </message>
    <message>
        <source>Lasso assign</source>
        <translation>套索分配</translation>
    </message>
    <message>
        <source>Lasso assign: drag around units/accounts to move them to the active territory (toolbar). The balance previews while you draw; release applies, Esc or right-click cancels.</source>
        <translation>套索分配：圈选地理单元/客户，移到当前销售区域（工具栏）。绘制时实时预览均衡；松开即应用，Esc 或右键取消。</translation>
    </message>
    <message>
        <source>Brush</source>
        <translation>画笔</translation>
    </message>
    <message>
        <source>Brush: drag over units to move them to the active territory; [ and ] change the brush size; Esc cancels.</source>
        <translation>画笔：拖过地理单元即可移到当前销售区域；[ 和 ] 调整画笔大小；Esc 取消。</translation>
    </message>
    <message>
        <source>Draw territory</source>
        <translation>绘制销售区域</translation>
    </message>
    <message>
        <source>Draw territory: drag a freehand shape, or click corners and press Enter. The new shape cuts overlapping drawn territories; the accounts inside move to it. Esc cancels.</source>
        <translation>绘制销售区域：拖动手绘形状，或点击角点后按 Enter。新形状会切割重叠的手绘区域；其中的客户会移入。Esc 取消。</translation>
    </message>
    <message>
        <source>Edit vertices</source>
        <translation>编辑顶点</translation>
    </message>
    <message>
        <source>Edit vertices of drawn territories: drag a corner; Ctrl+click on an edge inserts a corner; Shift+click a corner deletes it. Accounts follow the new boundary; Esc cancels a drag.</source>
        <translation>编辑手绘区域的顶点：拖动角点；Ctrl+点击边可插入角点；Shift+点击角点可删除。客户随新边界调整；Esc 取消拖动。</translation>
    </message>
    <message>
        <source>Split</source>
        <translation>拆分</translation>
    </message>
    <message>
        <source>Split: drag a line across the selected (or the touched) territory; the units left of the line form a new territory.</source>
        <translation>拆分：在所选（或触及的）销售区域上拖动一条线；线左侧的地理单元组成新销售区域。</translation>
    </message>
    <message>
        <source>Lock items</source>
        <translation>锁定项目</translation>
    </message>
    <message>
        <source>Lock: drag around units and/or accounts (Scope) to lock them; hold Shift to unlock. Locked items never change by any tool or the optimiser.</source>
        <translation>锁定：圈选地理单元和/或客户（范围）即可锁定；按住 Shift 解锁。已锁定的项目不会被任何工具或优化器更改。</translation>
    </message>
    <message>
        <source>Pin accounts</source>
        <translation>固定客户</translation>
    </message>
    <message>
        <source>Pin: drag around accounts to move them to the active territory and pin them there (key-account override); boundaries no longer move them.</source>
        <translation>固定：圈选客户移到当前销售区域并固定（重点客户例外）；边界变动不再影响它们。</translation>
    </message>
</context>
<context>
    <name>VertexEditTool</name>
    <message>
        <source>Refused: {value} is locked</source>
        <translation>已拒绝：{value} 已锁定</translation>
    </message>
    <message>
        <source>Insert corner in {territory}</source>
        <translation>在 {territory} 插入角点</translation>
    </message>
    <message>
        <source>Corner kept: {exc}</source>
        <translation>已保留角点：{exc}</translation>
    </message>
    <message>
        <source>Delete corner of {territory}</source>
        <translation>删除 {territory} 的角点</translation>
    </message>
    <message>
        <source>Move corner of {territory}</source>
        <translation>移动 {territory} 的角点</translation>
    </message>
</context>
<context>
    <name>_CountPage</name>
    <message>
        <source>2. How many territories</source>
        <translation>2. 销售区域数量</translation>
    </message>
    <message>
        <source>From the accounts&apos; workload and a rep&apos;s working hours a year.</source>
        <translation>按客户工作负荷和销售代表每年工作小时数计算。</translation>
    </message>
    <message>
        <source>Territories to create:</source>
        <translation>要创建的销售区域数：</translation>
    </message>
</context>
<context>
    <name>_CoveragePage</name>
    <message>
        <source>1. Geography</source>
        <translation>1. 地理</translation>
    </message>
    <message>
        <source>The building blocks territories are made of.</source>
        <translation>组成销售区域的基本单元。</translation>
    </message>
    <message>
        <source>Back to the import to fix it…</source>
        <translation>返回导入以修正…</translation>
    </message>
    <message>
        <source>&lt;b&gt;{units}&lt;/b&gt; units ({level}) for &lt;b&gt;{accounts}&lt;/b&gt; accounts ({placed} placed on the map).</source>
        <translation>&lt;b&gt;{units}&lt;/b&gt; 个地理单元（{level}），&lt;b&gt;{accounts}&lt;/b&gt; 个客户（{placed} 个已定位到地图）。</translation>
    </message>
    <message>
        <source>Check the geography:</source>
        <translation>请检查地理数据：</translation>
    </message>
    <message>
        <source>{covered} placed accounts ({pct} %) lie inside a unit.</source>
        <translation>{covered} 个已定位客户（{pct} %）位于地理单元内。</translation>
    </message>
    <message>
        <source>{outside} accounts lie outside every unit: they stay in the plan, Unassigned, and are listed under Problems.</source>
        <translation>{outside} 个客户不在任何地理单元内：它们保留在计划中、未分配，并列在“问题”下。</translation>
    </message>
</context>
<context>
    <name>_CreatePage</name>
    <message>
        <source>3. Create territories</source>
        <translation>3. 创建销售区域</translation>
    </message>
    <message>
        <source>The optimiser builds balanced, contiguous, compact territories. Edit ▸ Undo takes the result back.</source>
        <translation>优化器会生成均衡、连续且紧凑的销售区域。编辑 ▸ 撤销可撤回结果。</translation>
    </message>
    <message>
        <source>Press Create.</source>
        <translation>请点击“创建”。</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>创建</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
</context>
<context>
    <name>_GestureTool</name>
    <message>
        <source>{label} cancelled; nothing changed</source>
        <extracomment>Widget area the path covered at its last repaint.</extracomment>
        <translation>已取消{label}；未做任何更改</translation>
    </message>
    <message>
        <source>Lasso ignored: {exc}</source>
        <translation>已忽略套索：{exc}</translation>
    </message>
</context>
</TS>
