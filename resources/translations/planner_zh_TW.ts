<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_TW" sourcelanguage="en">
<context>
    <name>ActualsDialog</name>
    <message>
        <source>(automatic: numbers kept as a metric)</source>
        <translation>（自動：數值欄保留為指標）</translation>
    </message>
    <message>
        <source>Import actuals {periods}</source>
        <translation>匯入實績 {periods}</translation>
    </message>
    <message>
        <source>Account id</source>
        <translation>客戶 ID</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>期間</translation>
    </message>
    <message>
        <source>{metric} ({level})</source>
        <translation>{metric}（{level}）</translation>
    </message>
    <message>
        <source>Import actuals</source>
        <translation>匯入實績</translation>
    </message>
    <message>
        <source>Actuals (CSV or XLSX)</source>
        <translation>實績（CSV 或 XLSX）</translation>
    </message>
    <message>
        <source>from the period column, or e.g. 2026-Q3</source>
        <translation>取自期間欄，或例如 2026-Q3</translation>
    </message>
    <message>
        <source>The period of every row when the file has no period column (a quarter such as 2026-Q3 or a month such as 2026-07)</source>
        <translation>檔案沒有期間欄時，每一列所屬的期間（季度如 2026-Q3，或月份如 2026-07）</translation>
    </message>
    <message>
        <source>File:</source>
        <translation>檔案：</translation>
    </message>
    <message>
        <source>Period:</source>
        <translation>期間：</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>欄位</translation>
    </message>
    <message>
        <source>First values</source>
        <translation>前幾個值</translation>
    </message>
    <message>
        <source>Imported as</source>
        <translation>匯入為</translation>
    </message>
    <message>
        <source>Choose a file of results per account (and period).</source>
        <translation>請選擇按客戶（及期間）列出結果的檔案。</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>匯入</translation>
    </message>
    <message>
        <source>Columns (detected from the header; correct them if needed):</source>
        <translation>欄位（依標題列偵測；如有需要請更正）：</translation>
    </message>
    <message>
        <source>&lt;b&gt;Cannot read:&lt;/b&gt; {exc}</source>
        <translation>&lt;b&gt;無法讀取：&lt;/b&gt;{exc}</translation>
    </message>
    <message>
        <source>Ignore</source>
        <translation>忽略</translation>
    </message>
    <message>
        <source>{rows} rows, {columns} columns.</source>
        <translation>{rows} 列，{columns} 欄。</translation>
    </message>
    <message>
        <source>Columns</source>
        <translation>欄位</translation>
    </message>
    <message>
        <source>Two columns feed {fields}: choose one.</source>
        <translation>有兩個欄位都對應到 {fields}：請只選一個。</translation>
    </message>
    <message>
        <source>Actuals import report</source>
        <translation>實績匯入報告</translation>
    </message>
    <message>
        <source>Importing {name}</source>
        <translation>正在匯入 {name}</translation>
    </message>
    <message>
        <source>Open a plan first.</source>
        <translation>請先開啟計畫。</translation>
    </message>
    <message>
        <source>Import &amp;Actuals…</source>
        <translation>匯入實績(&amp;A)…</translation>
    </message>
    <message>
        <source>Import results per account and period (revenue, margin, deals, visits...) from a CRM export; a stored period is replaced (undoable)</source>
        <translation>從 CRM 匯出檔匯入各客戶、各期間的結果（營收、毛利、成交、拜訪…）；已存的期間會被取代（可復原）</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>Open plan</source>
        <translation>開啟計畫</translation>
    </message>
    <message>
        <source>{path}: no such file</source>
        <translation>{path}：找不到檔案</translation>
    </message>
    <message>
        <source>The demo plan is missing: regenerate it with `make demo`.</source>
        <translation>找不到示範計畫：請用 `make demo` 重新產生。</translation>
    </message>
</context>
<context>
    <name>AttainmentMap</name>
    <message>
        <source>≤ 70 % of quota</source>
        <extracomment>Colour by deviation: near white inside the tolerance band, then light to deep blue (under target) or red (over target), deepest at three band widths beyond the band. The words of the attainment legend (planner.ui.attainment_map.LEGEND, Qt-free), for lupdate.</extracomment>
        <translation>≤ 配額的 70 %</translation>
    </message>
    <message>
        <source>no quota</source>
        <translation>無配額</translation>
    </message>
</context>
<context>
    <name>BalanceChart</name>
    <message>
        <source>PREVIEW</source>
        <extracomment>Above this many territories the bars are not named under the chart. A scale that no longer fits is changed this long after the last update. Deviations shown beyond this (a zero target) are drawn at the edge of the panel. The dock holding the chart (set by :func:`install`).</extracomment>
        <translation>預覽</translation>
    </message>
    <message>
        <source>{k} territories, in plan order</source>
        <translation>{k} 個區域，依計畫順序</translation>
    </message>
    <message>
        <source>Balance chart</source>
        <translation>平衡圖</translation>
    </message>
</context>
<context>
    <name>BalancePanel</name>
    <message>
        <source>Territory</source>
        <extracomment>What a row is: &quot;Territory&quot;, or a hierarchy level (&quot;District&quot;, &quot;Region&quot;...). Utilisation per row (fraction; NaN when the plan balances no workload). Rows told to repaint by the last in-place update (tests count them).</extracomment>
        <translation>區域</translation>
    </message>
    <message>
        <source>Rep</source>
        <translation>業務代表</translation>
    </message>
    <message>
        <source>Quota</source>
        <translation>配額</translation>
    </message>
    <message>
        <source>Utilisation</source>
        <translation>使用率</translation>
    </message>
    <message>
        <source>Workload ÷ the rep&apos;s capacity (hours a year; the plan&apos;s default capacity without a rep). ! = over 100 %</source>
        <translation>工作量 ÷ 代表產能（每年時數；無代表時用計畫預設產能）。! = 超過 100 %</translation>
    </message>
    <message>
        <source>set target</source>
        <translation>設定的目標</translation>
    </message>
    <message>
        <source>mean of territories</source>
        <translation>各區域平均</translation>
    </message>
    <message>
        <source>{measure}: target {target} ({how}), band ±{band} %</source>
        <translation>{measure}：目標 {target}（{how}），容差 ±{band} %</translation>
    </message>
    <message>
        <source>{name}: {measure} {value}, target {target}, {deviation} (within ±{band} %)</source>
        <translation>{name}：{measure} {value}，目標 {target}，{deviation}（在 ±{band} % 內）</translation>
    </message>
    <message>
        <source>{name}: {measure} {value}, target {target}, {deviation} (outside ±{band} %)</source>
        <translation>{name}：{measure} {value}，目標 {target}，{deviation}（超出 ±{band} %）</translation>
    </message>
    <message>
        <source>{k} territories, {out} outside a band</source>
        <translation>{k} 個區域，{out} 個超出容差帶</translation>
    </message>
    <message>
        <source>{n} over capacity</source>
        <translation>{n} 個超出產能</translation>
    </message>
    <message>
        <source>{n} unassigned accounts</source>
        <translation>{n} 個未指派客戶</translation>
    </message>
    <message>
        <source>disruption {accounts} accounts ({accounts_share}), {revenue} revenue ({revenue_share})</source>
        <translation>變動影響 {accounts} 個客戶（{accounts_share}），營收 {revenue}（{revenue_share}）</translation>
    </message>
    <message>
        <source>Estimated since edits moved accounts in or out (plan routes again, or undo the edits, to use routed travel): {names}</source>
        <translation>因編輯將客戶移入或移出，此為估計值（重新規劃拜訪路線，或復原這些編輯，即改用路線的實際行車時間）：{names}</translation>
    </message>
    <message>
        <source> (grouped by parent_id only)</source>
        <translation>（僅依 parent_id 分組）</translation>
    </message>
    <message>
        <source> and {n} more</source>
        <translation>，另有 {n} 項</translation>
    </message>
    <message>
        <source>hierarchy: {problem}{more}{fallback}</source>
        <translation>層級：{problem}{more}{fallback}</translation>
    </message>
    <message>
        <source>Hierarchy table problems:</source>
        <translation>層級表問題：</translation>
    </message>
    <message>
        <source>PREVIEW — </source>
        <translation>預覽 — </translation>
    </message>
    <message>
        <source>Territories</source>
        <translation>區域</translation>
    </message>
    <message>
        <source>{name}: {share} of {capacity} h a year (over capacity)</source>
        <translation>{name}：每年 {capacity} 小時的 {share}（超出產能）</translation>
    </message>
    <message>
        <source>{name}: {share} of {capacity} h a year (within capacity)</source>
        <translation>{name}：每年 {capacity} 小時的 {share}（在產能內）</translation>
    </message>
    <message>
        <source>One row per territory, or per district, region... of the plan&apos;s hierarchy, with the totals of the territories under it</source>
        <translation>每個區域一列，或依計畫層級的每個地區、大區…一列，並顯示其下轄區域的合計</translation>
    </message>
    <message>
        <source>Show:</source>
        <extracomment>Territory indices behind each row when rows are parents (None: rows are territories).</extracomment>
        <translation>顯示：</translation>
    </message>
</context>
<context>
    <name>BasemapController</name>
    <message>
        <source>County outlines</source>
        <extracomment>The one colour of both when the canvas has a single basemap layer.</extracomment>
        <translation>郡界</translation>
    </message>
    <message>
        <source>Show county boundaries under the territories</source>
        <translation>在區域下方顯示郡界</translation>
    </message>
</context>
<context>
    <name>BrushTool</name>
    <message>
        <source>Refused: {exc}</source>
        <translation>已拒絕：{exc}</translation>
    </message>
    <message>
        <source>Brush {units} units to {target}</source>
        <translation>筆刷：{units} 個地理單元移至 {target}</translation>
    </message>
    <message>
        <source>Brush size {radius_km} km</source>
        <translation>筆刷大小 {radius_km} 公里</translation>
    </message>
</context>
<context>
    <name>CapacityDialog</name>
    <message>
        <source>Capacity</source>
        <translation>產能</translation>
    </message>
    <message>
        <source> h a year</source>
        <translation> 小時／年</translation>
    </message>
    <message>
        <source>Working hours a year per rep; {source}: {default} h</source>
        <translation>每位業務代表每年工作時數；{source}：{default} 小時</translation>
    </message>
    <message>
        <source>Hours per rep</source>
        <translation>每位代表時數</translation>
    </message>
    <message>
        <source>Travel (h)</source>
        <translation>交通（小時）</translation>
    </message>
    <message>
        <source>Reps needed</source>
        <translation>所需業務代表</translation>
    </message>
    <message>
        <source>Territories</source>
        <translation>區域</translation>
    </message>
    <message>
        <source>Capacity per rep:</source>
        <translation>每位代表產能：</translation>
    </message>
    <message>
        <source>Sensitivity:</source>
        <translation>敏感度：</translation>
    </message>
    <message>
        <source>{accounts} accounts, {visits} visits a year</source>
        <translation>{accounts} 個客戶，每年 {visits} 次拜訪</translation>
    </message>
    <message>
        <source>Workload: visit hours {visit} + travel {travel} = {workload} h a year</source>
        <translation>工作量：拜訪時數 {visit} + 交通 {travel} = 每年 {workload} 小時</translation>
    </message>
    <message>
        <source>Capacity per rep: {hours} h ({source})</source>
        <translation>每位代表產能：{hours} 小時（{source}）</translation>
    </message>
    <message>
        <source>The plan has {n} territories today.</source>
        <translation>計畫目前有 {n} 個區域。</translation>
    </message>
    <message>
        <source>Open a plan first.</source>
        <translation>請先開啟計畫。</translation>
    </message>
    <message>
        <source>&amp;Capacity…</source>
        <translation>產能(&amp;C)…</translation>
    </message>
    <message>
        <source>How many territories the workload needs at a capacity per rep</source>
        <translation>依每位代表的產能，工作量需要多少個區域</translation>
    </message>
</context>
<context>
    <name>Commands</name>
    <message>
        <source>Set {field} of {territory}</source>
        <translation>設定 {territory} 的 {field}</translation>
    </message>
    <message>
        <source>Draw territory</source>
        <translation>繪製區域</translation>
    </message>
    <message>
        <source>Merge {names}</source>
        <translation>合併 {names}</translation>
    </message>
    <message>
        <source>Split {territory}</source>
        <translation>分割 {territory}</translation>
    </message>
</context>
<context>
    <name>DisruptionPanel</name>
    <message>
        <source>Territory</source>
        <translation>區域</translation>
    </message>
    <message>
        <source>Accounts in</source>
        <translation>移入客戶</translation>
    </message>
    <message>
        <source>Accounts out</source>
        <translation>移出客戶</translation>
    </message>
    <message>
        <source>Revenue in</source>
        <translation>移入營收</translation>
    </message>
    <message>
        <source>Revenue out</source>
        <translation>移出營收</translation>
    </message>
    <message>
        <source>No plan</source>
        <extracomment>Rows of territories that changed are tinted, so the eye finds them in a long table. Items per territory index (their table rows move when sorted). The figures the cells show, (territories, 4), NaN where none yet. The dock holding the panel (set by :func:`install`).</extracomment>
        <translation>沒有計畫</translation>
    </message>
    <message>
        <source>PREVIEW — </source>
        <translation>預覽 — </translation>
    </message>
    <message>
        <source>&lt;b&gt;{accounts_moved}&lt;/b&gt; of {accounts_total} accounts ({accounts_pct} %) and &lt;b&gt;{revenue_moved}&lt;/b&gt; of {revenue_total} revenue ({revenue_pct} %) moved against the baseline</source>
        <translation>相對於基準，{accounts_total} 個客戶中有 &lt;b&gt;{accounts_moved}&lt;/b&gt; 個（{accounts_pct} %）、營收 {revenue_total} 中有 &lt;b&gt;{revenue_moved}&lt;/b&gt;（{revenue_pct} %）被移動</translation>
    </message>
    <message>
        <source>Disruption</source>
        <translation>變動影響</translation>
    </message>
</context>
<context>
    <name>DrawTerritoryTool</name>
    <message>
        <source>Click the next corners; Enter finishes, Esc cancels.</source>
        <extracomment>The pointer left the press spot during this press (a closed freehand loop ends where it began, so the release position alone cannot tell a drag from a click).</extracomment>
        <translation>點選下一個角點；Enter 完成，Esc 取消。</translation>
    </message>
    <message>
        <source>Territory not drawn: {exc}</source>
        <translation>未繪製區域：{exc}</translation>
    </message>
    <message>
        <source>New territory {tid}</source>
        <translation>新區域 {tid}</translation>
    </message>
    <message>
        <source>Draw territory {tid}</source>
        <translation>繪製區域 {tid}</translation>
    </message>
    <message>
        <source>; it cut {n} overlapping drawn territories</source>
        <translation>；切割了 {n} 個重疊的手繪區域</translation>
    </message>
    <message>
        <source> (self-crossing outline repaired)</source>
        <translation>（已修復自我交叉的外框）</translation>
    </message>
    <message>
        <source>Drew {value}{repaired}: {moved} accounts moved to it{note}</source>
        <translation>已繪製 {value}{repaired}：{moved} 個客戶移入{note}</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Excel workbook for managers</source>
        <extracomment>Output kinds: (label, suffix, file filter).</extracomment>
        <translation>給主管的 Excel 活頁簿</translation>
    </message>
    <message>
        <source>Excel workbooks (*.xlsx)</source>
        <translation>Excel 活頁簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Interactive map (HTML)</source>
        <translation>互動式地圖（HTML）</translation>
    </message>
    <message>
        <source>Web pages (*.html)</source>
        <translation>網頁 (*.html)</translation>
    </message>
    <message>
        <source>CSV for CRM upload</source>
        <translation>供 CRM 上傳的 CSV</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 檔 (*.csv)</translation>
    </message>
    <message>
        <source>Map picture as shown (PNG)</source>
        <translation>目前畫面的地圖圖片（PNG）</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG 圖片 (*.png)</translation>
    </message>
    <message>
        <source>Map book for managers (PDF, a page per territory)</source>
        <translation>給主管的地圖冊（PDF，每區域一頁）</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 檔 (*.pdf)</translation>
    </message>
    <message>
        <source>Copying the plan</source>
        <translation>正在複製計畫</translation>
    </message>
    <message>
        <source>Exported {names} to {parent}</source>
        <translation>已匯出 {names} 至 {parent}</translation>
    </message>
    <message>
        <source>Exporting</source>
        <translation>正在匯出</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>匯出</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>瀏覽…</translation>
    </message>
    <message>
        <source>CRM CSV for loaders (raw ids, no formula protection)</source>
        <translation>供匯入工具用的 CRM CSV（原始 ID，不防公式）</translation>
    </message>
    <message>
        <source>Write every id exactly as in the plan, for a CRM loader that never evaluates cells. Without it, cells starting with = + - @ get a leading &apos; so a spreadsheet opening the CSV shows them as text.</source>
        <translation>完全依計畫寫出每個 ID，供從不計算儲存格的 CRM 匯入工具使用。不勾選時，以 = + - @ 開頭的儲存格會加上前置 &apos;，讓試算表開啟 CSV 時視為文字。</translation>
    </message>
    <message>
        <source>The workbook has a summary, every account&apos;s territory and rep, routes and the changes against the baseline. Managers can edit the Territory ID column and send it back (File &gt; Review Edited Workbook…).</source>
        <translation>活頁簿包含摘要、每個客戶的區域與業務代表、路線，以及相對於基準的變更。經理可編輯「區域 ID」欄後寄回（檔案 &gt; 審閱已編輯的活頁簿…）。</translation>
    </message>
    <message>
        <source>Export to</source>
        <translation>匯出至</translation>
    </message>
    <message>
        <source>There is no folder {value}.</source>
        <translation>沒有資料夾 {value}。</translation>
    </message>
    <message>
        <source>Replace {files}?
The old file is kept until the new one is complete.</source>
        <translation>要取代 {files} 嗎？
新檔案完成前會保留舊檔案。</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>匯出(&amp;E)…</translation>
    </message>
    <message>
        <source>Write the manager&apos;s workbook, an HTML map, CRM CSV or a map picture</source>
        <translation>寫出經理用活頁簿、HTML 地圖、CRM CSV 或地圖圖片</translation>
    </message>
</context>
<context>
    <name>FirstPlanGuide</name>
    <message>
        <source>Your first plan</source>
        <translation>您的第一個計畫</translation>
    </message>
    <message>
        <source>Skip the guide</source>
        <translation>略過導覽</translation>
    </message>
    <message>
        <source>from the units file</source>
        <translation>來自地理單元檔</translation>
    </message>
    <message>
        <source>The plan has {n} reps: one territory each is proposed; change the number to see another split.</source>
        <extracomment>Seconds the optimiser may take (None: the optimiser dialog&apos;s default for the size).</extracomment>
        <translation>計畫有 {n} 位業務代表：建議每人一個區域；變更數量可查看其他分法。</translation>
    </message>
    <message>
        <source>Create territories</source>
        <translation>建立區域</translation>
    </message>
    <message>
        <source>Creating {n} territories…</source>
        <translation>正在建立 {n} 個區域…</translation>
    </message>
    <message>
        <source>Stopping: keeping the best plan found so far…</source>
        <translation>正在停止：保留目前找到的最佳計畫…</translation>
    </message>
    <message>
        <source>Stopped; nothing changed.</source>
        <translation>已停止；沒有任何變更。</translation>
    </message>
    <message>
        <source>Could not create: {error}</source>
        <translation>無法建立：{error}</translation>
    </message>
    <message>
        <source>Another plan is open now; nothing changed.</source>
        <translation>現在開啟的是另一個計畫；沒有任何變更。</translation>
    </message>
    <message>
        <source>Created {n_territories} territories: {in_band} within every band. Finish to work on the map; Plan ▸ Optimise territories… refines them.</source>
        <translation>已建立 {n_territories} 個區域：{in_band} 個在所有容差帶內。按「完成」後在地圖上作業；計畫 ▸ 最佳化區域… 可再精修。</translation>
    </message>
</context>
<context>
    <name>HeatLayer</name>
    <message>
        <source>Heat: {measure} (low → high in this view)</source>
        <extracomment>Screen pixels per density cell, and the smoothing radius in cells. Extra area rendered on each side, as a share of the view, so pans reuse the image. Paints closer together than this are one movement (a drag, a key held down). Renders put off until the view rested (counted for the benchmark).</extracomment>
        <translation>熱度：{measure}（本視圖中 低 → 高）</translation>
    </message>
    <message>
        <source>Potential</source>
        <extracomment>The account measures&apos; labels (heat_render.ACCOUNT_MEASURES), marked for lupdate.</extracomment>
        <translation>潛力</translation>
    </message>
    <message>
        <source>Revenue (L12M)</source>
        <translation>營收（近 12 個月）</translation>
    </message>
    <message>
        <source>White space (potential − revenue)</source>
        <translation>未開發空間（潛力 − 營收）</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>客戶</translation>
    </message>
    <message>
        <source>Actual {metric} ({period})</source>
        <translation>實際{metric}（{period}）</translation>
    </message>
    <message>
        <source>&amp;Heat Layer</source>
        <translation>熱度圖層(&amp;H)</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>關閉</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <source>(not in file)</source>
        <translation>（檔案中沒有）</translation>
    </message>
    <message>
        <source>ZIP areas (built in, offline)</source>
        <extracomment>Built-in geographies offered when no units file is given: (key, label).</extracomment>
        <translation>郵遞區號區域（內建，離線可用）</translation>
    </message>
    <message>
        <source>Counties (built in, offline)</source>
        <translation>郡（內建，離線可用）</translation>
    </message>
    <message>
        <source>States (built in, offline)</source>
        <translation>州（內建，離線可用）</translation>
    </message>
    <message>
        <source>Tables (*.csv *.txt *.xlsx *.xlsm);;All files (*)</source>
        <extracomment>File filters (translated where a file chooser shows them).</extracomment>
        <translation>表格 (*.csv *.txt *.xlsx *.xlsm);;所有檔案 (*)</translation>
    </message>
    <message>
        <source>Vector files (*.gpkg *.shp *.geojson *.json *.fgb *.kml);;All files (*)</source>
        <translation>向量檔 (*.gpkg *.shp *.geojson *.json *.fgb *.kml);;所有檔案 (*)</translation>
    </message>
    <message>
        <source>Browse…</source>
        <extracomment>Built-in geography when no units file is given: &quot;zip&quot;, &quot;county&quot; or &quot;state&quot;. Decimal mark of the numbers: None (detected per column), &quot;.&quot; or &quot;,&quot;. &quot;auto&quot;: swap a latitude/longitude pair the ZIP shows is swapped (listed); &quot;never&quot;.</extracomment>
        <translation>瀏覽…</translation>
    </message>
    <message>
        <source>New plan from import</source>
        <translation>從匯入建立新計畫</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>檔案</translation>
    </message>
    <message>
        <source>Accounts (CSV or XLSX)</source>
        <translation>客戶（CSV 或 XLSX）</translation>
    </message>
    <message>
        <source>Accounts:</source>
        <translation>客戶：</translation>
    </message>
    <message>
        <source>The units territories are built from when no units file is given: the bundled US geography covering the accounts</source>
        <translation>未提供單元檔案時用來組成區域的地理單元：內建涵蓋這些客戶的美國地理資料</translation>
    </message>
    <message>
        <source>Geography:</source>
        <translation>地理層級：</translation>
    </message>
    <message>
        <source>Units file (optional, instead of the built-in geography)</source>
        <translation>地理單元檔案（選填，取代內建地理資料）</translation>
    </message>
    <message>
        <source>Units:</source>
        <translation>地理單元：</translation>
    </message>
    <message>
        <source>Reps (optional: CSV or XLSX)</source>
        <translation>業務代表（選用：CSV 或 XLSX）</translation>
    </message>
    <message>
        <source>Reps:</source>
        <translation>業務代表：</translation>
    </message>
    <message>
        <source>Column mapping (detected from the header; correct it if needed)</source>
        <translation>欄位對應（由標題列偵測；必要時請更正）</translation>
    </message>
    <message>
        <source>Detect per column</source>
        <translation>逐欄偵測</translation>
    </message>
    <message>
        <source>Point: 1,234.50</source>
        <translation>句點：1,234.50</translation>
    </message>
    <message>
        <source>Comma: 1.234,50</source>
        <translation>逗號：1.234,50</translation>
    </message>
    <message>
        <source>Swap latitude and longitude where the ZIP shows they are swapped</source>
        <translation>郵遞區號顯示經緯度顛倒時，自動對調</translation>
    </message>
    <message>
        <source>Every swapped row is listed in the import report</source>
        <translation>每一筆對調的列都會列在匯入報告中</translation>
    </message>
    <message>
        <source>Decimal mark:</source>
        <translation>小數點符號：</translation>
    </message>
    <message>
        <source>Choose an accounts file.</source>
        <translation>請選擇客戶檔案。</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>匯入</translation>
    </message>
    <message>
        <source>First rows:</source>
        <translation>前幾列：</translation>
    </message>
    <message>
        <source>A units file is chosen: its polygons are the units</source>
        <translation>已選擇單元檔案：其多邊形即為地理單元</translation>
    </message>
    <message>
        <source>&lt;b&gt;Cannot read:&lt;/b&gt; {exc}</source>
        <translation>&lt;b&gt;無法讀取：&lt;/b&gt;{exc}</translation>
    </message>
    <message>
        <source>{rows} rows, {columns} columns, encoding {encoding}.</source>
        <translation>{rows} 列，{columns} 欄，編碼 {encoding}。</translation>
    </message>
    <message>
        <source> {n} malformed rows will be listed in the report.</source>
        <translation> {n} 筆格式錯誤的列會列在報告中。</translation>
    </message>
    <message>
        <source>Column mapping</source>
        <translation>欄位對應</translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <source>&amp;Language</source>
        <translation>語言(&amp;L)</translation>
    </message>
    <message>
        <source>System Default</source>
        <translation>系統預設</translation>
    </message>
    <message>
        <source>The system&apos;s language</source>
        <translation>系統語言</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>語言</translation>
    </message>
    <message>
        <source>The new language applies the next time the planner opens.</source>
        <translation>新語言將在下次開啟規劃工具時套用。</translation>
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
        <translation>已拒絕：{exc}</translation>
    </message>
    <message>
        <source>; {held} locked or pinned items kept</source>
        <translation>；保留 {held} 個已鎖定或已固定的項目</translation>
    </message>
    <message>
        <source>Nothing to move to {target}{note}</source>
        <translation>沒有可移到 {target} 的項目{note}</translation>
    </message>
    <message>
        <source>Lasso {units} units, {accounts} accounts to {target}</source>
        <translation>套索：{units} 個地理單元、{accounts} 個客戶移至 {target}</translation>
    </message>
</context>
<context>
    <name>Legend</name>
    <message>
        <source>… {n} more (View ▸ Legend)</source>
        <extracomment>Longest label shown in the box (the panel shows labels whole). Columns of ``(label, colour or None)`` entries, top to bottom.</extracomment>
        <translation>… 另有 {n} 項（檢視 ▸ 圖例）</translation>
    </message>
    <message>
        <source>No plan open</source>
        <translation>尚未開啟計畫</translation>
    </message>
    <message>
        <source>Legend</source>
        <translation>圖例</translation>
    </message>
</context>
<context>
    <name>LegendPanel</name>
    <message numerus="yes">
        <source>%n entries</source>
        <translation>
            <numerusform>%n 個項目</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LockTool</name>
    <message>
        <source>Nothing to lock: no unlocked items in the lasso</source>
        <translation>沒有可鎖定的項目：套索內沒有未鎖定的項目</translation>
    </message>
    <message>
        <source>Nothing to unlock: no locked items in the lasso</source>
        <translation>沒有可解除鎖定的項目：套索內沒有已鎖定的項目</translation>
    </message>
    <message>
        <source>Lock {n_units} units, {n_accounts} accounts</source>
        <translation>鎖定 {n_units} 個地理單元、{n_accounts} 個客戶</translation>
    </message>
    <message>
        <source>Unlock {n_units} units, {n_accounts} accounts</source>
        <translation>解除鎖定 {n_units} 個地理單元、{n_accounts} 個客戶</translation>
    </message>
    <message>
        <source>Lock units</source>
        <translation>鎖定地理單元</translation>
    </message>
    <message>
        <source>Unlock units</source>
        <translation>解除鎖定地理單元</translation>
    </message>
    <message>
        <source>Lock accounts</source>
        <translation>鎖定客戶</translation>
    </message>
    <message>
        <source>Unlock accounts</source>
        <translation>解除鎖定客戶</translation>
    </message>
    <message>
        <source>Locked {n_units} units and {n_accounts} accounts</source>
        <translation>已鎖定 {n_units} 個地理單元與 {n_accounts} 個客戶</translation>
    </message>
    <message>
        <source>Unlocked {n_units} units and {n_accounts} accounts</source>
        <translation>已解除鎖定 {n_units} 個地理單元與 {n_accounts} 個客戶</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Territory plans (*.gpkg);;All files (*)</source>
        <translation>區域計畫 (*.gpkg);;所有檔案 (*)</translation>
    </message>
    <message>
        <source>Balance</source>
        <extracomment>The open plan; :attr:`plan` and :attr:`path` read it. Why the open plan may not be saved over its file (None: it may). Every edit of the plan goes through this stack (see planner.ui.commands). Menus by key (&quot;file&quot;, &quot;edit&quot;, &quot;view&quot;, &quot;plan&quot;, &quot;help&quot;) for features to add actions to. The one path from plan events and previews to every view.</extracomment>
        <translation>平衡</translation>
    </message>
    <message>
        <source>&amp;New from Import…</source>
        <translation>從匯入新建(&amp;N)…</translation>
    </message>
    <message>
        <source>Build a plan from accounts, units and reps files</source>
        <translation>從客戶、地理單元與業務代表檔案建立計畫</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>開啟(&amp;O)…</translation>
    </message>
    <message>
        <source>Open a plan file (.gpkg)</source>
        <translation>開啟計畫檔（.gpkg）</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>儲存(&amp;S)</translation>
    </message>
    <message>
        <source>Save the plan</source>
        <translation>儲存計畫</translation>
    </message>
    <message>
        <source>Save &amp;As…</source>
        <translation>另存新檔(&amp;A)…</translation>
    </message>
    <message>
        <source>Save the plan under a new name</source>
        <translation>以新名稱儲存計畫</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>結束(&amp;Q)</translation>
    </message>
    <message>
        <source>Close Territory Planner</source>
        <translation>關閉 Territory Planner</translation>
    </message>
    <message>
        <source>Zoom to &amp;Extent</source>
        <translation>縮放至全圖(&amp;E)</translation>
    </message>
    <message>
        <source>Show the whole plan</source>
        <translation>顯示整個計畫</translation>
    </message>
    <message>
        <source>Zoom to &amp;Selection</source>
        <translation>縮放至選取範圍(&amp;S)</translation>
    </message>
    <message>
        <source>Show the selected territories</source>
        <translation>顯示所選區域</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>復原(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>檔案(&amp;F)</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>開啟最近使用(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>編輯(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>檢視(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Plan</source>
        <translation>計畫(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>說明(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About Territory Planner</source>
        <translation>關於 Territory Planner(&amp;A)</translation>
    </message>
    <message>
        <source>File</source>
        <translation>檔案</translation>
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
        <translation> 指派給： </translation>
    </message>
    <message>
        <source>The territory that lasso, brush and reassignments move items to</source>
        <translation>套索、筆刷與重新指派會將項目移入的區域</translation>
    </message>
    <message>
        <source> Scope: </source>
        <translation> 範圍： </translation>
    </message>
    <message>
        <source>Units and accounts</source>
        <translation>地理單元與客戶</translation>
    </message>
    <message>
        <source>Units</source>
        <translation>地理單元</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>客戶</translation>
    </message>
    <message>
        <source>What a lasso picks up: units (centroid inside), accounts, or both</source>
        <translation>套索選取的對象：地理單元（中心點在內）、客戶或兩者</translation>
    </message>
    <message>
        <source>Select two or more territories to merge (Shift-click).</source>
        <translation>請選取兩個以上要合併的區域（Shift+點選）。</translation>
    </message>
    <message>
        <source>Refused: a locked territory cannot be merged.</source>
        <translation>已拒絕：已鎖定的區域無法合併。</translation>
    </message>
    <message>
        <source>Select territories first.</source>
        <translation>請先選取區域。</translation>
    </message>
    <message>
        <source>Lock {names}</source>
        <translation>鎖定 {names}</translation>
    </message>
    <message>
        <source>Unlock {names}</source>
        <translation>解除鎖定 {names}</translation>
    </message>
    <message>
        <source>&amp;Merge Selected Territories</source>
        <translation>合併所選區域(&amp;M)</translation>
    </message>
    <message>
        <source>Merge the selected territories into the first</source>
        <translation>將所選區域合併到第一個</translation>
    </message>
    <message>
        <source>&amp;Lock Selected Territories</source>
        <translation>鎖定所選區域(&amp;L)</translation>
    </message>
    <message>
        <source>Locked territories never change by any tool or optimiser</source>
        <translation>已鎖定的區域不會被任何工具或最佳化變更</translation>
    </message>
    <message>
        <source>&amp;Unlock Selected Territories</source>
        <translation>解除鎖定所選區域(&amp;U)</translation>
    </message>
    <message>
        <source>Allow edits to the selected territories again</source>
        <translation>再次允許編輯所選區域</translation>
    </message>
    <message>
        <source>Plan as opened</source>
        <translation>開啟時的計畫</translation>
    </message>
    <message>
        <source>Undo history</source>
        <translation>復原記錄</translation>
    </message>
    <message>
        <source>Colour Territories By</source>
        <translation>區域著色依據</translation>
    </message>
    <message>
        <source>Territory</source>
        <translation>區域</translation>
    </message>
    <message>
        <source>Deviation of {measure}</source>
        <translation>{measure}偏差</translation>
    </message>
    <message>
        <source>Workload</source>
        <translation>工作量</translation>
    </message>
    <message>
        <source>Potential</source>
        <translation>潛力</translation>
    </message>
    <message>
        <source>Revenue</source>
        <translation>營收</translation>
    </message>
    <message>
        <source>Attainment (latest period)</source>
        <translation>達成率（最近一期）</translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>未指派</translation>
    </message>
    <message>
        <source>{n_accounts} accounts ({n_unplaced} unplaced), {n_units} units, {n_territories} territories, {n_reps} reps</source>
        <translation>{n_accounts} 個客戶（{n_unplaced} 個未定位），{n_units} 個地理單元，{n_territories} 個區域，{n_reps} 位業務代表</translation>
    </message>
    <message>
        <source>demo</source>
        <translation>示範</translation>
    </message>
    <message>
        <source> ({why}, read-only: Save asks for a new place)</source>
        <translation>（{why}，唯讀：儲存時會詢問新位置）</translation>
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
        <translation>{title}失敗</translation>
    </message>
    <message>
        <source>{title} cancelled; nothing changed</source>
        <translation>已取消{title}；沒有任何變更</translation>
    </message>
    <message>
        <source>Opening {name}…</source>
        <translation>正在開啟 {name}…</translation>
    </message>
    <message>
        <source>Opening {name}</source>
        <translation>正在開啟 {name}</translation>
    </message>
    <message>
        <source>{name} not opened; nothing changed</source>
        <translation>未開啟 {name}；沒有任何變更</translation>
    </message>
    <message>
        <source>problems in the file</source>
        <translation>檔案有問題</translation>
    </message>
    <message numerus="yes">
        <source>%n repair(s) made; Save writes them: </source>
        <translation>
            <numerusform>已進行 %n 項修復；儲存時寫入：</numerusform>
        </translation>
    </message>
    <message>
        <source>Problems in the plan file</source>
        <translation>計畫檔中的問題</translation>
    </message>
    <message>
        <source>{name} has {n_problems} problem(s). Nothing has been changed in the file. Open it read-only (Save asks for a new place), or repair it (the repairs are made now; Save writes them; the baseline is never changed).</source>
        <translation>{name} 有 {n_problems} 個問題。檔案沒有任何變更。可用唯讀方式開啟（儲存時會詢問新位置），或修復（現在進行修復；儲存時寫入；基準永不變更）。</translation>
    </message>
    <message>
        <source>… and {n} more</source>
        <translation>… 另有 {n} 項</translation>
    </message>
    <message>
        <source>Open read-only</source>
        <translation>以唯讀開啟</translation>
    </message>
    <message>
        <source>Repair</source>
        <translation>修復</translation>
    </message>
    <message>
        <source>Open plan</source>
        <translation>開啟計畫</translation>
    </message>
    <message>
        <source>Reading {name}</source>
        <translation>正在讀取 {name}</translation>
    </message>
    <message>
        <source>from {name}</source>
        <translation>來自 {name}</translation>
    </message>
    <message>
        <source>Choosing the units that cover the accounts</source>
        <translation>正在選取涵蓋客戶的地理單元</translation>
    </message>
    <message>
        <source>bundled US geography: {level}</source>
        <translation>內建美國地理資料：{level}</translation>
    </message>
    <message>
        <source>Building the plan</source>
        <translation>正在建立計畫</translation>
    </message>
    <message>
        <source>Importing {name}</source>
        <translation>正在匯入 {name}</translation>
    </message>
    <message>
        <source>Save plan as</source>
        <translation>計畫另存新檔</translation>
    </message>
    <message>
        <source>{parent} is the application&apos;s own folder, which holds the demo plan. Choose another folder (e.g. your documents).</source>
        <translation>{parent} 是應用程式本身的資料夾，存放示範計畫。請選擇其他資料夾（例如您的文件）。</translation>
    </message>
    <message>
        <source>Save plan</source>
        <translation>儲存計畫</translation>
    </message>
    <message>
        <source>Could not save {path}: {value}
The last saved file is unchanged.</source>
        <translation>無法儲存 {path}：{value}
上次儲存的檔案維持不變。</translation>
    </message>
    <message>
        <source>{exc}
The last saved file is unchanged.</source>
        <translation>{exc}
上次儲存的檔案維持不變。</translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation>已儲存 {path}</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>未儲存的變更</translation>
    </message>
    <message>
        <source>Save changes to {value}?</source>
        <translation>要儲存對 {value} 的變更嗎？</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（無）</translation>
    </message>
    <message>
        <source>Open recent</source>
        <translation>開啟最近使用</translation>
    </message>
    <message>
        <source>{name} no longer exists.</source>
        <translation>{name} 已不存在。</translation>
    </message>
    <message>
        <source>About Territory Planner</source>
        <translation>關於 Territory Planner</translation>
    </message>
    <message>
        <source>&lt;b&gt;Territory Planner&lt;/b&gt; {version}&lt;br&gt;Sales territory design on the desktop.&lt;br&gt;Map data: US Census ZCTA centroids and county outlines (public domain).</source>
        <translation>&lt;b&gt;Territory Planner&lt;/b&gt; {version}&lt;br&gt;桌面版銷售區域規劃工具。&lt;br&gt;地圖資料：美國人口普查局 ZCTA 中心點與郡界（公有領域）。</translation>
    </message>
</context>
<context>
    <name>MapPresenter</name>
    <message>
        <source>no quota</source>
        <extracomment>``&quot;territory&quot;`` (each territory its colour), ``(&quot;level&quot;, level)`` (one colour per district, region...), ``(&quot;deviation&quot;, measure_key)`` or ``(&quot;attainment&quot;, period)`` (``&quot;&quot;`` = the latest period; see :mod:`planner.ui.attainment_map`). The territory each account is coloured by on the map (None: colours follow something else, e.g. the deviation), so a recolour touches only what differs. Unit and account palettes a preview reuses (built again for each applied state).</extracomment>
        <translation>無配額</translation>
    </message>
    <message>
        <source>{pct} % of quota</source>
        <translation>配額的 {pct} %</translation>
    </message>
    <message>
        <source>Below target by more than {band}</source>
        <translation>低於目標超過 {band}</translation>
    </message>
    <message>
        <source>Within ±{band} of target</source>
        <translation>在目標 ±{band} 以內</translation>
    </message>
    <message>
        <source>Above target by more than {band}</source>
        <translation>高於目標超過 {band}</translation>
    </message>
    <message>
        <source>Unassigned unit</source>
        <translation>未指派地理單元</translation>
    </message>
    <message>
        <source>Unassigned account</source>
        <translation>未指派客戶</translation>
    </message>
</context>
<context>
    <name>Measures</name>
    <message>
        <source>Workload (h/yr)</source>
        <extracomment>QSettings key of the language chosen in View ▸ Language (&quot;&quot; = the system&apos;s). The translators installed now (kept referenced: Qt does not own them). The default measures&apos; labels (planner.models.settings.default_measures), marked for lupdate: a plan&apos;s own measure names show as the planner typed them.</extracomment>
        <translation>工作量（小時／年）</translation>
    </message>
    <message>
        <source>Potential</source>
        <translation>潛力</translation>
    </message>
    <message>
        <source>Revenue (L12M)</source>
        <translation>營收（近 12 個月）</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>客戶</translation>
    </message>
</context>
<context>
    <name>Metrics</name>
    <message>
        <source>Revenue</source>
        <extracomment>The actuals&apos; known metrics and their levels (planner.models.actuals.METRICS), marked for lupdate: a column the import does not know shows its own name.</extracomment>
        <translation>營收</translation>
    </message>
    <message>
        <source>Gross margin</source>
        <translation>毛利</translation>
    </message>
    <message>
        <source>Profit</source>
        <translation>利潤</translation>
    </message>
    <message>
        <source>Deals won</source>
        <translation>成交案件</translation>
    </message>
    <message>
        <source>Deals lost</source>
        <translation>失單案件</translation>
    </message>
    <message>
        <source>Visits held</source>
        <translation>已完成拜訪</translation>
    </message>
    <message>
        <source>Calls made</source>
        <translation>已撥電話</translation>
    </message>
    <message>
        <source>Opportunities created</source>
        <translation>新建商機</translation>
    </message>
    <message>
        <source>Pipeline value</source>
        <translation>商機管道金額</translation>
    </message>
    <message>
        <source>output</source>
        <translation>成果</translation>
    </message>
    <message>
        <source>activity</source>
        <translation>活動</translation>
    </message>
    <message>
        <source>pipeline</source>
        <translation>商機管道</translation>
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
        <translation>重新平衡目前的劃分</translation>
    </message>
    <message>
        <source>Create territories from scratch (seeded at rep homes)</source>
        <translation>從頭建立區域（以代表住處為起點）</translation>
    </message>
    <message>
        <source>Re-optimise the selected territories only</source>
        <translation>只重新最佳化所選區域</translation>
    </message>
    <message>
        <source>Optimise territories</source>
        <translation>最佳化區域</translation>
    </message>
    <message>
        <source>Create mode: how many territories to fill</source>
        <extracomment>The last run&apos;s result (not ``result``: that is QDialog&apos;s exit code).</extracomment>
        <translation>建立模式：要填滿多少個區域</translation>
    </message>
    <message>
        <source>Subset mode: the territories selected in the balance table, or every territory under a district or region of the plan&apos;s hierarchy</source>
        <translation>子集模式：平衡表中選取的區域，或計畫層級中某個地區或大區下的所有區域</translation>
    </message>
    <message>
        <source>Balance</source>
        <translation>平衡</translation>
    </message>
    <message>
        <source>Tolerance ±%</source>
        <translation>容差 ±%</translation>
    </message>
    <message>
        <source>Limit disruption to</source>
        <translation>變動上限</translation>
    </message>
    <message>
        <source>of accounts</source>
        <translation>的客戶</translation>
    </message>
    <message>
        <source>accounts</source>
        <translation>客戶</translation>
    </message>
    <message>
        <source>of revenue</source>
        <translation>的營收</translation>
    </message>
    <message>
        <source>revenue</source>
        <translation>營收</translation>
    </message>
    <message>
        <source>Limit each rep to</source>
        <extracomment>What edits since the baseline already spent of the budget (counted, like the budget, against the baseline).</extracomment>
        <translation>每位代表上限</translation>
    </message>
    <message>
        <source>Largest share of each territory&apos;s baseline accounts it may lose plus gain (0 % keeps every rep&apos;s accounts as they are)</source>
        <translation>每個區域的基準客戶可失去加上獲得的最大比例（0 % 表示每位代表的客戶維持不變）</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>Required: every territory in one piece</source>
        <translation>必須：每個區域連成一塊</translation>
    </message>
    <message>
        <source>Preferred: in pieces only where a band needs it</source>
        <translation>優先：只有容差帶需要時才分成多塊</translation>
    </message>
    <message>
        <source>Off: territories may be in pieces</source>
        <translation>關閉：區域可分成多塊</translation>
    </message>
    <message>
        <source>Whether territories must stay connected across shared unit borders</source>
        <translation>區域是否必須經由相鄰地理單元的共同邊界連成一體</translation>
    </message>
    <message>
        <source>Total distance to the territory centres</source>
        <translation>到區域中心的總距離</translation>
    </message>
    <message>
        <source>Largest territory diameter (min-max)</source>
        <translation>最大區域直徑（最小化最大值）</translation>
    </message>
    <message>
        <source>What the optimiser keeps small; the result reports both figures</source>
        <translation>最佳化要壓低的指標；結果會同時列出兩項數字</translation>
    </message>
    <message>
        <source>of its accounts, lost plus gained</source>
        <translation>的客戶（失去加獲得）</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>模式</translation>
    </message>
    <message>
        <source>Territories</source>
        <translation>區域</translation>
    </message>
    <message>
        <source>Territories under</source>
        <translation>下轄區域</translation>
    </message>
    <message>
        <source>Measures</source>
        <translation>指標</translation>
    </message>
    <message>
        <source>Disruption</source>
        <translation>變動影響</translation>
    </message>
    <message>
        <source>Per rep</source>
        <translation>每位代表</translation>
    </message>
    <message>
        <source>&amp;Contiguity</source>
        <translation>連續性(&amp;C)</translation>
    </message>
    <message>
        <source>Com&amp;pactness</source>
        <translation>緊密度(&amp;P)</translation>
    </message>
    <message>
        <source>Time limit</source>
        <translation>時間上限</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>亂數種子</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <source>Set the options and press Run.</source>
        <translation>設定選項後按「執行」。</translation>
    </message>
    <message>
        <source>Shortfalls and notes appear here after a run.</source>
        <translation>執行後，未達標項目與說明會顯示在這裡。</translation>
    </message>
    <message>
        <source>Result: before → after deviation from target</source>
        <translation>結果：與目標的偏差（前 → 後）</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>執行</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop the search and keep the best plan found so far</source>
        <translation>停止搜尋，保留目前找到的最佳計畫</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>套用</translation>
    </message>
    <message>
        <source>Apply the proposal to the plan (one undo step)</source>
        <translation>將提案套用到計畫（可一次復原）</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>關閉</translation>
    </message>
    <message>
        <source>the territories selected in the balance table</source>
        <translation>平衡表中選取的區域</translation>
    </message>
    <message numerus="yes">
        <source>%n territory(s)</source>
        <translation>
            <numerusform>%n 個區域</numerusform>
        </translation>
    </message>
    <message>
        <source>none</source>
        <translation>無</translation>
    </message>
    <message>
        <source>Selected in the balance table: {names}. Select at least two territories.</source>
        <translation>平衡表中已選取：{names}。請至少選取兩個區域。</translation>
    </message>
    <message>
        <source>Already {spent} % of revenue from the baseline</source>
        <translation>已有 {spent} % 的營收偏離基準</translation>
    </message>
    <message>
        <source>Already {spent} % of accounts from the baseline</source>
        <translation>已有 {spent} % 的客戶偏離基準</translation>
    </message>
    <message>
        <source>: over the {budget} % budget. The run makes only moves that add no disruption (or move accounts back).</source>
        <translation>：已超過 {budget} % 的預算。本次執行只做不增加變動的調整（或把客戶移回）。</translation>
    </message>
    <message>
        <source>; {left} % left.</source>
        <translation>；尚餘 {left} %。</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在開始…</translation>
    </message>
    <message>
        <source>Stopping: keeping the best plan found so far…</source>
        <translation>正在停止：保留目前找到的最佳計畫…</translation>
    </message>
    <message>
        <source>Searching… best so far: {good} of {total} bands in tolerance</source>
        <translation>搜尋中… 目前最佳：{total} 個容差帶中 {good} 個符合</translation>
    </message>
    <message>
        <source>The optimiser failed.</source>
        <translation>最佳化失敗。</translation>
    </message>
    <message>
        <source>Territory</source>
        <translation>區域</translation>
    </message>
    <message>
        <source>value {before} → {after} (target {target})</source>
        <translation>數值 {before} → {after}（目標 {target}）</translation>
    </message>
    <message>
        <source>Every band met.</source>
        <translation>所有容差帶皆達成。</translation>
    </message>
    <message>
        <source>Some bands are not met (see below).</source>
        <translation>部分容差帶未達成（見下方）。</translation>
    </message>
    <message>
        <source>Some territories are in pieces.</source>
        <translation>部分區域分成多塊。</translation>
    </message>
    <message>
        <source>Stopped: this is the best plan found so far.</source>
        <translation>已停止：這是目前找到的最佳計畫。</translation>
    </message>
    <message>
        <source>The request cannot be served; nothing would change.</source>
        <translation>無法滿足此要求；不會有任何變更。</translation>
    </message>
    <message>
        <source>required</source>
        <translation>必須</translation>
    </message>
    <message>
        <source>preferred</source>
        <translation>優先</translation>
    </message>
    <message>
        <source>off</source>
        <translation>關閉</translation>
    </message>
    <message>
        <source>{verdict}  Territories in band: {in_band_before} → {in_band_after} of {n_optimised}.  Disruption: {accounts_moved} accounts ({accounts_pct} %), {revenue_pct} % of revenue, {units_moved} units.  Compactness: {compactness_before_km} → {compactness_after_km} km mean to the rep&apos;s home; largest territory {diameter_before_km} → {diameter_after_km} km across.  Contiguous: {contiguous_before} → {contiguous_after} (contiguity {contiguity}).  ({elapsed} s)</source>
        <translation>{verdict}  在容差帶內的區域：{in_band_before} → {in_band_after}（共 {n_optimised}）。  變動影響：{accounts_moved} 個客戶（{accounts_pct} %）、營收的 {revenue_pct} %、{units_moved} 個地理單元。  緊密度：與代表住處平均距離 {compactness_before_km} → {compactness_after_km} 公里；最大區域直徑 {diameter_before_km} → {diameter_after_km} 公里。  連續：{contiguous_before} → {contiguous_after}（連續性：{contiguity}）。  （{elapsed} 秒）</translation>
    </message>
    <message>
        <source>Disruption {budget}</source>
        <translation>變動影響 {budget}</translation>
    </message>
    <message>
        <source>Shortfall: {what}</source>
        <translation>未達標：{what}</translation>
    </message>
    <message>
        <source>Note: {note}</source>
        <translation>附註：{note}</translation>
    </message>
    <message>
        <source>Moves ({n} units; every move is saved with the plan):</source>
        <translation>調整（{n} 個地理單元；每項調整都隨計畫儲存）：</translation>
    </message>
    <message>
        <source>Done. Review the proposal and press Apply, or change the options and run again.</source>
        <translation>完成。請檢視提案並按「套用」，或變更選項後再次執行。</translation>
    </message>
    <message>
        <source>Done. Nothing to change.</source>
        <translation>完成。沒有需要變更的地方。</translation>
    </message>
    <message>
        <source>The plan changed while the optimiser ran, so its proposal no longer fits. Run it again.</source>
        <translation>最佳化執行期間計畫已變更，提案已不適用。請再執行一次。</translation>
    </message>
    <message>
        <source>Optimise territories ({mode})</source>
        <translation>最佳化區域（{mode}）</translation>
    </message>
    <message>
        <source>Applied. Edit ▸ Undo takes the whole run back.</source>
        <translation>已套用。編輯 ▸ 復原可撤回整次執行。</translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>未指派</translation>
    </message>
    <message>
        <source>Open a plan first.</source>
        <translation>請先開啟計畫。</translation>
    </message>
    <message>
        <source>&amp;Optimise territories…</source>
        <translation>最佳化區域(&amp;O)…</translation>
    </message>
    <message>
        <source>Build or rebalance territories automatically, within a disruption budget</source>
        <translation>在變動預算內自動建立或重新平衡區域</translation>
    </message>
</context>
<context>
    <name>PerformancePanel</name>
    <message>
        <source>Import actuals (Plan ▸ Import Actuals…) to review them.</source>
        <translation>請先匯入實績（計畫 ▸ 匯入實績…）再進行檢討。</translation>
    </message>
    <message>
        <source>Set {metric} quota of {territory}</source>
        <translation>設定 {territory} 的{metric}配額</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名稱</translation>
    </message>
    <message>
        <source>Quota</source>
        <translation>配額</translation>
    </message>
    <message>
        <source>Actual</source>
        <translation>實績</translation>
    </message>
    <message>
        <source>Att. %</source>
        <translation>達成率 %</translation>
    </message>
    <message>
        <source>YTD %</source>
        <translation>年累計 %</translation>
    </message>
    <message>
        <source>Visits %</source>
        <translation>拜訪 %</translation>
    </message>
    <message>
        <source>Expected %</source>
        <translation>預期 %</translation>
    </message>
    <message>
        <source>Candidate: why</source>
        <translation>候選：原因</translation>
    </message>
    <message>
        <source>Territory</source>
        <translation>區域</translation>
    </message>
    <message>
        <source>Rep</source>
        <translation>業務代表</translation>
    </message>
    <message>
        <source>Colour map</source>
        <translation>地圖著色</translation>
    </message>
    <message>
        <source>Colour territories by attainment: red below quota, blue above</source>
        <translation>依達成率為區域著色：低於配額為紅色，高於配額為藍色</translation>
    </message>
    <message>
        <source>Metric</source>
        <translation>指標</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>期間</translation>
    </message>
    <message>
        <source>By</source>
        <translation>依</translation>
    </message>
    <message>
        <source>Set Quota…</source>
        <translation>設定配額…</translation>
    </message>
    <message>
        <source>Set the selected territory&apos;s annual quota of this metric (one undo step)</source>
        <translation>設定所選區域此指標的年度配額（一個復原步驟）</translation>
    </message>
    <message>
        <source>{metric} ({level})</source>
        <translation>{metric}（{level}）</translation>
    </message>
    <message numerus="yes">
        <source>%n candidate(s) for the redesign.</source>
        <translation>
            <numerusform>%n 個重新規劃候選。</numerusform>
        </translation>
    </message>
    <message>
        <source>Expected attainment: {model}.</source>
        <translation>預期達成率：{model}。</translation>
    </message>
    <message>
        <source>Attainment %</source>
        <translation>達成率 %</translation>
    </message>
    <message>
        <source>{metric}: attainment per period</source>
        <translation>{metric}：各期達成率</translation>
    </message>
    <message>
        <source>{metric}: attainment per period (select territories to follow them)</source>
        <translation>{metric}：各期達成率（選取區域即可追蹤）</translation>
    </message>
    <message>
        <source>Select one territory to set its quota.</source>
        <translation>請選取一個區域以設定其配額。</translation>
    </message>
    <message>
        <source>Set quota</source>
        <translation>設定配額</translation>
    </message>
    <message>
        <source>Annual {metric} quota of {territory} ({level}):</source>
        <translation>{territory} 的年度{metric}配額（{level}）：</translation>
    </message>
    <message>
        <source>Performance</source>
        <translation>績效</translation>
    </message>
</context>
<context>
    <name>PinTool</name>
    <message>
        <source>No accounts inside the lasso</source>
        <translation>套索內沒有客戶</translation>
    </message>
    <message>
        <source>Refused: {exc}</source>
        <translation>已拒絕：{exc}</translation>
    </message>
    <message>
        <source>; {held} locked accounts kept</source>
        <translation>；保留 {held} 個已鎖定的客戶</translation>
    </message>
    <message>
        <source>Nothing to pin to {name}{note}</source>
        <translation>沒有可固定到 {name} 的客戶{note}</translation>
    </message>
    <message>
        <source>Pin {n} accounts to {name}</source>
        <translation>將 {n} 個客戶固定至 {name}</translation>
    </message>
</context>
<context>
    <name>ProblemsPanel</name>
    <message>
        <source>Overlapping territories</source>
        <extracomment>Group headings, in the order of :data:`planner.models.problems.PROBLEM_KINDS`.</extracomment>
        <translation>重疊的區域</translation>
    </message>
    <message>
        <source>Unassigned accounts</source>
        <translation>未指派客戶</translation>
    </message>
    <message>
        <source>Unassigned units</source>
        <translation>未指派的地理單元</translation>
    </message>
    <message>
        <source>Territories in separate parts</source>
        <translation>分成多塊的區域</translation>
    </message>
    <message>
        <source>Empty territories</source>
        <translation>空白區域</translation>
    </message>
    <message>
        <source>Accounts without a location</source>
        <translation>沒有位置的客戶</translation>
    </message>
    <message>
        <source>Accounts outside every unit</source>
        <translation>不在任何地理單元內的客戶</translation>
    </message>
    <message>
        <source>No plan</source>
        <extracomment>Data roles of a row: the box to zoom to, and (item kind, indices) to select. The plan the listed problems were found on. The dock holding the panel (set by :func:`install`).</extracomment>
        <translation>沒有計畫</translation>
    </message>
    <message numerus="yes">
        <source>%n unit(s)</source>
        <translation>
            <numerusform>%n 個地理單元</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n account(s)</source>
        <translation>
            <numerusform>%n 個客戶</numerusform>
        </translation>
    </message>
    <message>
        <source>Part {n}: {what}, {area} km²</source>
        <translation>第 {n} 部分：{what}，{area} km²</translation>
    </message>
    <message>
        <source>No problems</source>
        <translation>沒有問題</translation>
    </message>
    <message numerus="yes">
        <source>%n problem(s)</source>
        <translation>
            <numerusform>%n 個問題</numerusform>
        </translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>問題</translation>
    </message>
</context>
<context>
    <name>QuotaDialog</name>
    <message>
        <source>Set quotas</source>
        <translation>設定配額</translation>
    </message>
    <message>
        <source>Quotas</source>
        <translation>配額</translation>
    </message>
    <message>
        <source>Share of potential</source>
        <translation>依潛力比例</translation>
    </message>
    <message>
        <source>Share of history (L12M revenue)</source>
        <translation>依歷史比例（近 12 個月營收）</translation>
    </message>
    <message>
        <source>Blend</source>
        <translation>混合</translation>
    </message>
    <message>
        <source>Weight of potential in the blend (the rest is history)</source>
        <translation>混合中潛力的權重（其餘為歷史業績）</translation>
    </message>
    <message>
        <source>Bottom-up: last-12-month revenue × (1 + growth)</source>
        <translation>由下而上：近 12 個月營收 × (1 + 成長率)</translation>
    </message>
    <message>
        <source>Compute</source>
        <translation>計算</translation>
    </message>
    <message>
        <source>Company target:</source>
        <translation>公司目標：</translation>
    </message>
    <message>
        <source>Top-down by:</source>
        <translation>由上而下依據：</translation>
    </message>
    <message>
        <source>Blend (potential weight):</source>
        <translation>混合（潛力權重）：</translation>
    </message>
    <message>
        <source>Bottom-up growth:</source>
        <translation>由下而上成長率：</translation>
    </message>
    <message>
        <source>Territory</source>
        <translation>區域</translation>
    </message>
    <message>
        <source>Top-down</source>
        <translation>由上而下</translation>
    </message>
    <message>
        <source>Bottom-up</source>
        <translation>由下而上</translation>
    </message>
    <message>
        <source>Gap</source>
        <translation>差距</translation>
    </message>
    <message>
        <source>Final quota (edit)</source>
        <translation>最終配額（可編輯）</translation>
    </message>
    <message>
        <source>A final quota is not a number.</source>
        <translation>有一個最終配額不是數字。</translation>
    </message>
    <message>
        <source>Final quotas add up to {total}; target {target}</source>
        <translation>最終配額合計 {total}；目標 {target}</translation>
    </message>
    <message>
        <source>  — off by {gap}</source>
        <translation>  — 相差 {gap}</translation>
    </message>
    <message>
        <source>Set quotas (target {target})</source>
        <translation>設定配額（目標 {target}）</translation>
    </message>
    <message>
        <source>Quotas set</source>
        <translation>已設定配額</translation>
    </message>
</context>
<context>
    <name>RealignmentDialog</name>
    <message>
        <source>Realignment: {name} against the baseline</source>
        <translation>重新劃分：{name} 相對於基準</translation>
    </message>
    <message>
        <source>{n_accounts} accounts ({currency}{revenue} revenue) and {n_units} units change territory.</source>
        <translation>{n_accounts} 個客戶（營收 {currency}{revenue}）與 {n_units} 個地理單元變更區域。</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>類型</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名稱</translation>
    </message>
    <message>
        <source>From</source>
        <translation>原屬</translation>
    </message>
    <message>
        <source>To</source>
        <translation>改屬</translation>
    </message>
    <message>
        <source>Revenue</source>
        <translation>營收</translation>
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
        <translation>配額</translation>
    </message>
    <message>
        <source>Open a plan with territories first.</source>
        <translation>請先開啟含有區域的計畫。</translation>
    </message>
    <message>
        <source>Rep matching</source>
        <translation>業務代表配對</translation>
    </message>
    <message>
        <source>The plan has no reps.</source>
        <translation>計畫中沒有業務代表。</translation>
    </message>
    <message>
        <source>&amp;Quotas…</source>
        <translation>配額(&amp;Q)…</translation>
    </message>
    <message>
        <source>Split a company target across territories (top-down beside bottom-up)</source>
        <translation>將公司目標分配到各區域（由上而下與由下而上並列）</translation>
    </message>
    <message>
        <source>Match &amp;Reps to Territories…</source>
        <translation>配對業務代表與區域(&amp;R)…</translation>
    </message>
    <message>
        <source>Suggest which rep takes which territory, explained</source>
        <translation>建議由哪位代表負責哪個區域，並說明理由</translation>
    </message>
</context>
<context>
    <name>RepMatchDialog</name>
    <message>
        <source>Rep matching</source>
        <translation>業務代表配對</translation>
    </message>
    <message>
        <source>Territory</source>
        <translation>區域</translation>
    </message>
    <message>
        <source>Suggested rep</source>
        <translation>建議代表</translation>
    </message>
    <message>
        <source>Now</source>
        <translation>目前</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>理由</translation>
    </message>
    <message>
        <source>Ticked rows give the territory the suggested rep (one undo step).</source>
        <translation>勾選的列會把建議代表指派給該區域（可一次復原）。</translation>
    </message>
    <message>
        <source>Assign reps from matching</source>
        <translation>依配對結果指派業務代表</translation>
    </message>
    <message>
        <source>{changed} territories got a new rep</source>
        <translation>{changed} 個區域換了新代表</translation>
    </message>
</context>
<context>
    <name>ReviewDialog</name>
    <message>
        <source>Excel workbooks (*.xlsx *.xlsm);;All files (*)</source>
        <translation>Excel 活頁簿 (*.xlsx *.xlsm);;所有檔案 (*)</translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>未指派</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>套用</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>類型</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名稱</translation>
    </message>
    <message>
        <source>From</source>
        <translation>原屬</translation>
    </message>
    <message>
        <source>To</source>
        <translation>改屬</translation>
    </message>
    <message>
        <source>Accounts along</source>
        <translation>隨同移動的客戶</translation>
    </message>
    <message>
        <source>{sheet} row {row}</source>
        <translation>{sheet} 第 {row} 列</translation>
    </message>
    <message>
        <source>Sheet</source>
        <translation>工作表</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>欄</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Review {workbook}</source>
        <translation>審閱 {workbook}</translation>
    </message>
    <message>
        <source>&lt;b&gt;{workbook}&lt;/b&gt;: {accounts} account and {units} unit changes; {n_conflicts} rows cannot be applied.</source>
        <translation>&lt;b&gt;{workbook}&lt;/b&gt;：{accounts} 筆客戶變更與 {units} 筆地理單元變更；{n_conflicts} 列無法套用。</translation>
    </message>
    <message>
        <source>Check all</source>
        <translation>全部勾選</translation>
    </message>
    <message>
        <source>Uncheck all</source>
        <translation>全部取消勾選</translation>
    </message>
    <message>
        <source>Changes to apply:</source>
        <translation>要套用的變更：</translation>
    </message>
    <message>
        <source>Conflicts (not applied; fix them in the workbook):</source>
        <translation>衝突（未套用；請在活頁簿中修正）：</translation>
    </message>
    <message numerus="yes">
        <source>Apply %n change(s)</source>
        <translation>
            <numerusform>套用 %n 項變更</numerusform>
        </translation>
    </message>
    <message>
        <source>Review</source>
        <translation>審閱</translation>
    </message>
    <message numerus="yes">
        <source>Apply %n change(s) from {workbook}</source>
        <translation>
            <numerusform>套用 {workbook} 的 %n 項變更</numerusform>
        </translation>
    </message>
    <message>
        <source>Reviewing {name}</source>
        <translation>正在審閱 {name}</translation>
    </message>
    <message>
        <source>Review edited workbook</source>
        <translation>審閱已編輯的活頁簿</translation>
    </message>
    <message>
        <source>Review Edited &amp;Workbook…</source>
        <translation>審閱已編輯的活頁簿(&amp;W)…</translation>
    </message>
    <message>
        <source>See a manager&apos;s changes to an exported workbook and apply the ones you accept</source>
        <translation>檢視經理在匯出活頁簿中的變更，並套用您接受的部分</translation>
    </message>
</context>
<context>
    <name>RoutesPanel</name>
    <message>
        <source>Plan and show one rep, or every rep</source>
        <extracomment>The dock and the Plan menu action (set by :func:`install`). Options for runs beyond the panel&apos;s own (e.g. a shorter search in tests). What the last run planned (shown above the travel note until another plan opens).</extracomment>
        <translation>規劃並顯示單一代表或所有代表</translation>
    </message>
    <message>
        <source> weeks</source>
        <translation> 週</translation>
    </message>
    <message>
        <source>Planning horizon: the call cycle repeats after it</source>
        <translation>規劃期間：拜訪週期在此之後重複</translation>
    </message>
    <message>
        <source>Monday the horizon starts (saved with the plan); another day picks its week&apos;s Monday</source>
        <translation>規劃期間開始的星期一（隨計畫儲存）；選其他日期則取該週的星期一</translation>
    </message>
    <message>
        <source>US, US:CA, CA:ON, GB, none</source>
        <translation>US、US:CA、CA:ON、GB、none</translation>
    </message>
    <message>
        <source>Public holidays with no visits: a country code, optionally :state or :province, or none (saved with the plan). Reps&apos; own days off: the reps column days_off, e.g. 2026-12-28..2026-12-31; 2027-01-08</source>
        <translation>不安排拜訪的國定假日：國家代碼，可加 :州 或 :省，或 none（隨計畫儲存）。代表個人休假：業務代表表格的 days_off 欄，例如 2026-12-28..2026-12-31; 2027-01-08</translation>
    </message>
    <message>
        <source>Write itineraries…</source>
        <translation>寫出行程表…</translation>
    </message>
    <message>
        <source>Write one Excel itinerary per rep with routes (a page per day) into a folder</source>
        <translation>為每位有路線的代表寫出一份 Excel 行程表（每天一頁）至資料夾</translation>
    </message>
    <message>
        <source>Plan routes</source>
        <translation>規劃路線</translation>
    </message>
    <message>
        <source>Choose visit days and plan each day&apos;s route for the selected rep(s), in the background</source>
        <translation>在背景為所選代表選擇拜訪日並規劃每日路線</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Clear routes</source>
        <translation>清除路線</translation>
    </message>
    <message>
        <source>Remove the routes: workload goes back to estimated travel</source>
        <translation>移除路線：工作量改回以估計的交通時間計算</translation>
    </message>
    <message>
        <source>Rep</source>
        <extracomment>Day colours when one rep is shown (colour-blind friendly, distinct on the pale map). Above this many visible stops only the selected day&apos;s stops are numbered. The itinerary files written (a list of paths).</extracomment>
        <translation>業務代表</translation>
    </message>
    <message>
        <source>Horizon</source>
        <translation>規劃期間</translation>
    </message>
    <message>
        <source>Starts</source>
        <translation>開始</translation>
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
        <translation>未排入</translation>
    </message>
    <message>
        <source>Visits</source>
        <translation>拜訪</translation>
    </message>
    <message>
        <source>Distance (km)</source>
        <translation>距離（公里）</translation>
    </message>
    <message>
        <source>Drive (h)</source>
        <translation>車程（小時）</translation>
    </message>
    <message>
        <source>Utilisation</source>
        <translation>使用率</translation>
    </message>
    <message>
        <source>Mileage</source>
        <translation>里程補貼</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>順序</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>客戶</translation>
    </message>
    <message>
        <source>Arrival</source>
        <translation>抵達</translation>
    </message>
    <message>
        <source>Departure</source>
        <translation>離開</translation>
    </message>
    <message>
        <source>Drive (min)</source>
        <translation>車程（分鐘）</translation>
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
        <translation> {days} 不安排拜訪。</translation>
    </message>
    <message>
        <source> No public holidays on working days.</source>
        <translation> 工作日沒有國定假日。</translation>
    </message>
    <message>
        <source>Routes start {day}</source>
        <translation>路線自 {day} 開始</translation>
    </message>
    <message>
        <source>Public holidays: {calendar}</source>
        <translation>國定假日：{calendar}</translation>
    </message>
    <message>
        <source>All reps</source>
        <translation>所有代表</translation>
    </message>
    <message>
        <source>No rep has a territory: nothing to plan.</source>
        <translation>沒有代表負責區域：無可規劃。</translation>
    </message>
    <message>
        <source>Planning {weeks} weeks of visits for {who}…</source>
        <translation>正在為 {who} 規劃 {weeks} 週的拜訪…</translation>
    </message>
    <message>
        <source>Planning visit routes for {who}</source>
        <translation>正在為 {who} 規劃拜訪路線</translation>
    </message>
    <message>
        <source>Clear visit routes</source>
        <translation>清除拜訪路線</translation>
    </message>
    <message>
        <source>Another plan was opened meanwhile: the routes were not applied.</source>
        <translation>期間已開啟另一個計畫：路線未套用。</translation>
    </message>
    <message>
        <source>all reps</source>
        <translation>所有代表</translation>
    </message>
    <message>
        <source>Plan visit routes ({who})</source>
        <translation>規劃拜訪路線（{who}）</translation>
    </message>
    <message>
        <source>{planned} visits planned, {unplaced} not planned.</source>
        <translation>已排入 {planned} 次拜訪，{unplaced} 次未排入。</translation>
    </message>
    <message>
        <source>Cancelled: the plan is unchanged.</source>
        <translation>已取消：計畫未變更。</translation>
    </message>
    <message>
        <source>No routes planned: workload uses estimated travel.</source>
        <translation>尚未規劃路線：工作量以估計的交通時間計算。</translation>
    </message>
    <message>
        <source>Workload uses routed travel for {routed} of {total} territories (estimated travel for the rest).</source>
        <translation>{total} 個區域中有 {routed} 個的工作量以規劃路線計算（其餘以估計值）。</translation>
    </message>
    <message>
        <source>Workload uses routed travel for every territory.</source>
        <translation>所有區域的工作量皆以規劃路線的交通時間計算。</translation>
    </message>
    <message>
        <source>Not planned ({value} visits)</source>
        <translation>未排入（{value} 次拜訪）</translation>
    </message>
    <message>
        <source>Choose a rep to see their days</source>
        <translation>選擇代表以查看其每日行程</translation>
    </message>
    <message>
        <source>No routes</source>
        <translation>沒有路線</translation>
    </message>
    <message>
        <source>Every day</source>
        <translation>每一天</translation>
    </message>
    <message>
        <source>Leave home {leave}, back {back}: {visits} visits, {km} km, {drive} min driving, working {hours} h {minutes:02d}</source>
        <translation>{leave} 出門，{back} 返家：{visits} 次拜訪，{km} 公里，開車 {drive} 分鐘，工作 {hours} 小時 {minutes:02d} 分</translation>
    </message>
    <message>
        <source>No routes planned: plan them first.</source>
        <translation>尚未規劃路線：請先規劃。</translation>
    </message>
    <message>
        <source>{value} has no routes planned.</source>
        <translation>{value} 沒有已規劃的路線。</translation>
    </message>
    <message>
        <source>Write itineraries into folder</source>
        <translation>將行程表寫入資料夾</translation>
    </message>
    <message>
        <source>Wrote {n_files} itineraries to {target}.</source>
        <translation>已將 {n_files} 份行程表寫入 {target}。</translation>
    </message>
    <message>
        <source>Writing itineraries</source>
        <translation>正在寫入行程表</translation>
    </message>
    <message>
        <source>Visit routes</source>
        <translation>拜訪路線</translation>
    </message>
    <message>
        <source>Plan visit &amp;routes…</source>
        <translation>規劃拜訪路線(&amp;R)…</translation>
    </message>
    <message>
        <source>Plan each rep&apos;s visit days and day routes; workload then uses them</source>
        <translation>規劃每位代表的拜訪日與每日路線；工作量隨後以此計算</translation>
    </message>
</context>
<context>
    <name>ScenarioMapsDialog</name>
    <message>
        <source>Scenarios side by side</source>
        <translation>方案並排比較</translation>
    </message>
</context>
<context>
    <name>ScenariosPanel</name>
    <message>
        <source>Tick scenarios to compare; lower is better on every row, best in green.</source>
        <translation>勾選要比較的方案；每一列皆越低越好，最佳者為綠色。</translation>
    </message>
    <message>
        <source>Save current as…</source>
        <translation>將目前劃分另存為…</translation>
    </message>
    <message>
        <source>Switch to</source>
        <translation>切換至</translation>
    </message>
    <message>
        <source>Duplicate…</source>
        <translation>複製…</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>重新命名…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>刪除</translation>
    </message>
    <message>
        <source>Maps</source>
        <translation>地圖</translation>
    </message>
    <message>
        <source>Realignment</source>
        <translation>重新劃分</translation>
    </message>
    <message>
        <source>Scenarios</source>
        <extracomment>Figures of the scenarios other than &quot;current&quot;, kept between edits. The current alignment&apos;s account-to-home distances, measured again only where an edit moved accounts.</extracomment>
        <translation>方案</translation>
    </message>
    <message>
        <source>Save scenario</source>
        <translation>儲存方案</translation>
    </message>
    <message>
        <source>Name for the current alignment:</source>
        <translation>目前劃分的名稱：</translation>
    </message>
    <message>
        <source>Save scenario {name}</source>
        <translation>儲存方案 {name}</translation>
    </message>
    <message>
        <source>The plan already has the alignment of {name}</source>
        <translation>計畫已是 {name} 的劃分</translation>
    </message>
    <message>
        <source>Switch to scenario {name}</source>
        <translation>切換至方案 {name}</translation>
    </message>
    <message>
        <source>Duplicate scenario</source>
        <translation>複製方案</translation>
    </message>
    <message>
        <source>Name for the copy of {name}:</source>
        <translation>{name} 副本的名稱：</translation>
    </message>
    <message>
        <source>{name} copy</source>
        <translation>{name} 副本</translation>
    </message>
    <message>
        <source>Duplicate scenario {name} as {new}</source>
        <translation>將方案 {name} 複製為 {new}</translation>
    </message>
    <message>
        <source>Rename scenario</source>
        <translation>重新命名方案</translation>
    </message>
    <message>
        <source>New name for {name}:</source>
        <translation>{name} 的新名稱：</translation>
    </message>
    <message>
        <source>Rename scenario {name} to {new}</source>
        <translation>將方案 {name} 重新命名為 {new}</translation>
    </message>
    <message>
        <source>Select a scenario for its realignment report.</source>
        <translation>選取方案以查看其重新劃分報告。</translation>
    </message>
    <message>
        <source>Delete scenario {name}</source>
        <translation>刪除方案 {name}</translation>
    </message>
</context>
<context>
    <name>SplitTool</name>
    <message>
        <source>Split: select a territory or draw the line across one.</source>
        <translation>分割：請選取區域，或畫線穿過一個區域。</translation>
    </message>
    <message>
        <source>Refused: {value} is locked</source>
        <translation>已拒絕：{value} 已鎖定</translation>
    </message>
    <message>
        <source>Not split: {exc}</source>
        <translation>未分割：{exc}</translation>
    </message>
    <message>
        <source>{territory} (split)</source>
        <translation>{territory}（分割）</translation>
    </message>
    <message>
        <source>Split {n_left} units into {value}</source>
        <translation>將 {n_left} 個地理單元分割到 {value}</translation>
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
        <translation>區域 {value}</translation>
    </message>
    <message>
        <source>(no rep)</source>
        <translation>（無代表）</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>名稱：</translation>
    </message>
    <message>
        <source>Rep:</source>
        <translation>業務代表：</translation>
    </message>
    <message>
        <source>Colour:</source>
        <translation>顏色：</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（無）</translation>
    </message>
    <message>
        <source>The {value} this territory rolls up into (its parent_id); the levels above come from the plan&apos;s hierarchy table</source>
        <translation>此區域歸屬的{value}（其 parent_id）；更上層級來自計畫的層級表</translation>
    </message>
    <message>
        <source>Territory colour</source>
        <translation>區域顏色</translation>
    </message>
    <message>
        <source>Edit territory {name}</source>
        <translation>編輯區域 {name}</translation>
    </message>
    <message>
        <source>Select one territory to edit its properties.</source>
        <translation>請選取一個區域以編輯其屬性。</translation>
    </message>
    <message>
        <source>Territory &amp;Properties…</source>
        <translation>區域屬性(&amp;P)…</translation>
    </message>
    <message>
        <source>Rename a territory, change its rep or colour (undoable)</source>
        <translation>重新命名區域、變更其代表或顏色（可復原）</translation>
    </message>
    <message>
        <source>Show territories in the Balance panel to edit one&apos;s properties.</source>
        <translation>請在平衡面板中顯示區域，以編輯其屬性。</translation>
    </message>
</context>
<context>
    <name>TilesController</name>
    <message>
        <source>Online basemap tiles</source>
        <extracomment>Metres per pixel of zoom level 0 with 256-pixel tiles. Views needing more tiles than this are skipped (a tile set of the wrong zoom, or a wall). Decoded tiles kept in memory (256 x 256 x 4 bytes each: 512 tiles are 128 MB at most). Seconds before trying the network again after it failed. Disk tiles older than this are fetched again (and used as they are if that fails). key, image (QImage or None), outcome: &quot;ok&quot;, &quot;missing&quot; (HTTP 4xx, bad data), &quot;offline&quot;. Tiles requested from the pool so far (disk and network), for tests and diagnostics.</extracomment>
        <translation>線上底圖圖磚</translation>
    </message>
    <message>
        <source>Draw OpenStreetMap tiles under the territories (needs the internet; cached on disk)</source>
        <translation>在區域下方繪製 OpenStreetMap 圖磚（需連網；快取於磁碟）</translation>
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
        <translation>平移：拖曳移動地圖，滾輪朝游標處縮放。</translation>
    </message>
    <message>
        <source>Select</source>
        <translation>選取</translation>
    </message>
    <message>
        <source>Select: click a territory (Shift adds), or drag a box to select every territory it touches.</source>
        <translation>選取：點選區域（Shift 可加選），或拖曳方框選取所有接觸到的區域。</translation>
    </message>
    <message>
        <source>Lasso assign</source>
        <translation>套索指派</translation>
    </message>
    <message>
        <source>Lasso assign: drag around units/accounts to move them to the active territory (toolbar). The balance previews while you draw; release applies, Esc or right-click cancels.</source>
        <translation>套索指派：圈選地理單元／客戶，移到作用中區域（工具列）。繪製時即時預覽平衡；放開即套用，Esc 或右鍵取消。</translation>
    </message>
    <message>
        <source>Brush</source>
        <translation>筆刷</translation>
    </message>
    <message>
        <source>Brush: drag over units to move them to the active territory; [ and ] change the brush size; Esc cancels.</source>
        <translation>筆刷：拖過地理單元即可移到作用中區域；[ 與 ] 調整筆刷大小；Esc 取消。</translation>
    </message>
    <message>
        <source>Draw territory</source>
        <translation>繪製區域</translation>
    </message>
    <message>
        <source>Draw territory: drag a freehand shape, or click corners and press Enter. The new shape cuts overlapping drawn territories; the accounts inside move to it. Esc cancels.</source>
        <translation>繪製區域：拖曳手繪形狀，或點選角點後按 Enter。新形狀會切割重疊的手繪區域；其中的客戶會移入。Esc 取消。</translation>
    </message>
    <message>
        <source>Edit vertices</source>
        <translation>編輯頂點</translation>
    </message>
    <message>
        <source>Edit vertices of drawn territories: drag a corner; Ctrl+click on an edge inserts a corner; Shift+click a corner deletes it. Accounts follow the new boundary; Esc cancels a drag.</source>
        <translation>編輯手繪區域的頂點：拖曳角點；Ctrl+點選邊可插入角點；Shift+點選角點可刪除。客戶隨新邊界移動；Esc 取消拖曳。</translation>
    </message>
    <message>
        <source>Split</source>
        <translation>分割</translation>
    </message>
    <message>
        <source>Split: drag a line across the selected (or the touched) territory; the units left of the line form a new territory.</source>
        <translation>分割：在所選（或觸及的）區域上拖曳一條線；線左側的地理單元組成新區域。</translation>
    </message>
    <message>
        <source>Lock items</source>
        <translation>鎖定項目</translation>
    </message>
    <message>
        <source>Lock: drag around units and/or accounts (Scope) to lock them; hold Shift to unlock. Locked items never change by any tool or the optimiser.</source>
        <translation>鎖定：圈選地理單元及／或客戶（範圍）即可鎖定；按住 Shift 解除鎖定。已鎖定的項目不會被任何工具或最佳化變更。</translation>
    </message>
    <message>
        <source>Pin accounts</source>
        <translation>固定客戶</translation>
    </message>
    <message>
        <source>Pin: drag around accounts to move them to the active territory and pin them there (key-account override); boundaries no longer move them.</source>
        <translation>固定：圈選客戶移到作用中區域並固定（重點客戶例外）；邊界變動不再影響它們。</translation>
    </message>
</context>
<context>
    <name>VertexEditTool</name>
    <message>
        <source>Refused: {value} is locked</source>
        <translation>已拒絕：{value} 已鎖定</translation>
    </message>
    <message>
        <source>Insert corner in {territory}</source>
        <translation>在 {territory} 插入角點</translation>
    </message>
    <message>
        <source>Corner kept: {exc}</source>
        <translation>已保留角點：{exc}</translation>
    </message>
    <message>
        <source>Delete corner of {territory}</source>
        <translation>刪除 {territory} 的角點</translation>
    </message>
    <message>
        <source>Move corner of {territory}</source>
        <translation>移動 {territory} 的角點</translation>
    </message>
</context>
<context>
    <name>_CountPage</name>
    <message>
        <source>2. How many territories</source>
        <translation>2. 區域數量</translation>
    </message>
    <message>
        <source>From the accounts&apos; workload and a rep&apos;s working hours a year.</source>
        <translation>依客戶工作量與業務代表每年工作時數計算。</translation>
    </message>
    <message>
        <source>Territories to create:</source>
        <translation>要建立的區域數：</translation>
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
        <translation>組成區域的基本單元。</translation>
    </message>
    <message>
        <source>Back to the import to fix it…</source>
        <translation>返回匯入以修正…</translation>
    </message>
    <message>
        <source>&lt;b&gt;{units}&lt;/b&gt; units ({level}) for &lt;b&gt;{accounts}&lt;/b&gt; accounts ({placed} placed on the map).</source>
        <translation>&lt;b&gt;{units}&lt;/b&gt; 個地理單元（{level}），&lt;b&gt;{accounts}&lt;/b&gt; 個客戶（{placed} 個已定位於地圖）。</translation>
    </message>
    <message>
        <source>Check the geography:</source>
        <translation>請檢查地理資料：</translation>
    </message>
    <message>
        <source>{covered} placed accounts ({pct} %) lie inside a unit.</source>
        <translation>{covered} 個已定位客戶（{pct} %）位於地理單元內。</translation>
    </message>
    <message>
        <source>{outside} accounts lie outside every unit: they stay in the plan, Unassigned, and are listed under Problems.</source>
        <translation>{outside} 個客戶不在任何地理單元內：它們留在計畫中、未指派，並列於「問題」下。</translation>
    </message>
</context>
<context>
    <name>_CreatePage</name>
    <message>
        <source>3. Create territories</source>
        <translation>3. 建立區域</translation>
    </message>
    <message>
        <source>The optimiser builds balanced, contiguous, compact territories. Edit ▸ Undo takes the result back.</source>
        <translation>最佳化會建立平衡、連續且緊密的區域。編輯 ▸ 復原可撤回結果。</translation>
    </message>
    <message>
        <source>Press Create.</source>
        <translation>請按「建立」。</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>建立</translation>
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
        <translation>已取消{label}；沒有任何變更</translation>
    </message>
    <message>
        <source>Lasso ignored: {exc}</source>
        <translation>已忽略套索：{exc}</translation>
    </message>
</context>
</TS>
