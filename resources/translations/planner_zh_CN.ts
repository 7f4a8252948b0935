<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>App</name>
    <message>
        <source>Open plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: no such file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The demo plan is missing: regenerate it with `make demo`.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>BasemapController</name>
    <message>
        <source>County outlines</source>
        <extracomment>The one colour of both when the canvas has a single basemap layer.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show county boundaries under the territories</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CapacityDialog</name>
    <message>
        <source>Capacity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> h a year</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Working hours a year per rep; {source}: {default} h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hours per rep</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Travel (h)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reps needed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Territories</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Capacity per rep:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sensitivity:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a plan first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Capacity…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How many territories the workload needs at a capacity per rep</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DisruptionPanel</name>
    <message>
        <source>No plan</source>
        <extracomment>Rows of territories that changed are tinted, so the eye finds them in a long table.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;{accounts_moved}&lt;/b&gt; of {accounts_total} accounts ({value} %) and &lt;b&gt;{value2}&lt;/b&gt; of {value3} revenue ({value4} %) moved against the baseline</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Exported {names} to {parent}</source>
        <extracomment>Output kinds: (label, suffix, file filter).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CRM CSV for loaders (raw ids, no formula protection)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write every id exactly as in the plan, for a CRM loader that never evaluates cells. Without it, cells starting with = + - @ get a leading &apos; so a spreadsheet opening the CSV shows them as text.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The workbook has a summary, every account&apos;s territory and rep, routes and the changes against the baseline. Managers can edit the Territory ID column and send it back (File &gt; Review Edited Workbook…).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no folder {value}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write the manager&apos;s workbook, an HTML map, CRM CSV or a map picture</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FirstPlanGuide</name>
    <message>
        <source>Your first plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Creating {n} territories…</source>
        <extracomment>Seconds the optimiser may take (None: the optimiser dialog&apos;s default for the size).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopping: keeping the best plan found so far…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Another plan is open now; nothing changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created {n_territories} territories: {in_band} within every band. Finish to work on the map; Plan ▸ Optimise territories… refines them.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <source>Browse…</source>
        <extracomment>Built-in geographies offered when no units file is given: (key, label). Built-in geography when no units file is given: &quot;zip&quot;, &quot;county&quot; or &quot;state&quot;. Decimal mark of the numbers: None (detected per column), &quot;.&quot; or &quot;,&quot;. &quot;auto&quot;: swap a latitude/longitude pair the ZIP shows is swapped (listed); &quot;never&quot;.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New plan from import</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Accounts:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The units territories are built from when no units file is given: the bundled US geography covering the accounts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Geography:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Units:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reps:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Column mapping (detected from the header; correct it if needed)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Swap latitude and longitude where the ZIP shows they are swapped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every swapped row is listed in the import report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Decimal mark:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose an accounts file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>First rows:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A units file is chosen: its polygons are the units</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;Cannot read:&lt;/b&gt; {exc}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Column mapping</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <source>&amp;Language</source>
        <extracomment>QSettings key of the language chosen in View ▸ Language (&quot;&quot; = the system&apos;s). The translators installed now (kept referenced: Qt does not own them).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System Default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The system&apos;s language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The new language applies the next time the planner opens.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>OptimiseDialog</name>
    <message>
        <source>Optimise territories</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create mode: how many territories to fill</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Subset mode: the territories selected in the balance table, or every territory under a district or region of the plan&apos;s hierarchy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Balance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tolerance ±%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Limit disruption to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>of accounts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>accounts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>of revenue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>revenue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Limit each rep to</source>
        <extracomment>What edits since the baseline already spent of the budget (counted, like the budget, against the baseline).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Largest share of each territory&apos;s baseline accounts it may lose plus gain (0 % keeps every rep&apos;s accounts as they are)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>of its accounts, lost plus gained</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Territories</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Territories under</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Measures</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disruption</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Per rep</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set the options and press Run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shortfalls and notes appear here after a run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Result: before → after deviation from target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop the search and keep the best plan found so far</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apply the proposal to the plan (one undo step)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the territories selected in the balance table</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopping: keeping the best plan found so far…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The optimiser failed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>value {value} → {value2} (target {value3})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{verdict}  Territories in band: {in_band_before} → {in_band_after} of {n_optimised}.  Disruption: {accounts_moved} accounts ({value} %), {value2} % of revenue, {units_moved} units.  Compactness: {compactness_before_km} → {compactness_after_km} km mean to the rep&apos;s home.  Contiguous: {contiguous_before} → {contiguous_after}.  ({elapsed} s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done. Review the proposal and press Apply, or change the options and run again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done. Nothing to change.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The plan changed while the optimiser ran, so its proposal no longer fits. Run it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Applied. Edit ▸ Undo takes the whole run back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a plan first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Optimise territories…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Build or rebalance territories automatically, within a disruption budget</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ProblemsPanel</name>
    <message>
        <source>No plan</source>
        <extracomment>Data roles of a row: the box to zoom to, and (item kind, indices) to select. Set by :func:`install`: keeps the list in step with the window&apos;s plan.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No problems</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{total} problem{value}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>QuotaDialog</name>
    <message>
        <source>Quotas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Weight of potential in the blend (the rest is history)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bottom-up: last-12-month revenue × (1 + growth)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Company target:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Top-down by:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Blend (potential weight):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bottom-up growth:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Territory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Top-down</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bottom-up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Final quota (edit)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A final quota is not a number.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quotas set</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RealignmentDialog</name>
    <message>
        <source>Realignment: {name} against the baseline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n_accounts} accounts ({currency}{value} revenue) and {value2} units change territory.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Revenue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reason</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RedesignDialogs</name>
    <message>
        <source>Quotas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a plan with territories first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rep matching</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The plan has no reps.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RepMatchDialog</name>
    <message>
        <source>Rep matching</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Territory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Suggested rep</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ticked rows give the territory the suggested rep (one undo step).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{changed} territories got a new rep</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReviewDialog</name>
    <message>
        <source>Review {workbook}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;{workbook}&lt;/b&gt;: {accounts} account and {units} unit changes; {n_conflicts} rows cannot be applied.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check all</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Uncheck all</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changes to apply:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Conflicts (not applied; fix them in the workbook):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apply {n} change{value}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Review edited workbook</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Review Edited &amp;Workbook…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>See a manager&apos;s changes to an exported workbook and apply the ones you accept</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RoutesPanel</name>
    <message>
        <source>Plan and show one rep, or every rep</source>
        <extracomment>Day colours when one rep is shown (colour-blind friendly, distinct on the pale map). Above this many visible stops only the selected day&apos;s stops are numbered. The itinerary files written (a list of paths). Options for runs beyond the panel&apos;s own (e.g. a shorter search in tests). What the last run planned (shown above the travel note until another plan opens).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> weeks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Planning horizon: the call cycle repeats after it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Monday the horizon starts (saved with the plan); another day picks its week&apos;s Monday</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>US, US:CA, CA:ON, GB, none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Public holidays with no visits: a country code, optionally :state or :province, or none (saved with the plan). Reps&apos; own days off: the reps column days_off, e.g. 2026-12-28..2026-12-31; 2027-01-08</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write itineraries…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write one Excel itinerary per rep with routes (a page per day) into a folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plan routes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose visit days and plan each day&apos;s route for the selected rep(s), in the background</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear routes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove the routes: workload goes back to estimated travel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rep</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Horizon</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Holidays</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Itinerary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not planned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All reps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No rep has a territory: nothing to plan.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Planning {weeks} weeks of visits for {who}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Another plan was opened meanwhile: the routes were not applied.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled: the plan is unchanged.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not planned ({value} visits)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a rep to see their days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No routes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Leave home {value}, back {value2}: {value3} visits, {value4} km, {value5} min driving, working {value6} h {value7:02d}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No routes planned: plan them first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{value} has no routes planned.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write itineraries into folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrote {n_files} itineraries to {target}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Visit routes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plan visit &amp;routes…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plan each rep&apos;s visit days and day routes; workload then uses them</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ScenarioMapsDialog</name>
    <message>
        <source>Scenarios side by side</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ScenariosPanel</name>
    <message>
        <source>Tick scenarios to compare; lower is better on every row, best in green.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scenarios</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The plan already has the alignment of {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a scenario for its realignment report.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Task</name>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TerritoryDialog</name>
    <message>
        <source>Territory {value}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(no rep)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rep:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Colour:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(none)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The {value} this territory rolls up into (its parent_id); the levels above come from the plan&apos;s hierarchy table</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select one territory to edit its properties.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Territory &amp;Properties…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rename a territory, change its rep or colour (undoable)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show territories in the Balance panel to edit one&apos;s properties.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TilesController</name>
    <message>
        <source>Online basemap tiles</source>
        <extracomment>Metres per pixel of zoom level 0 with 256-pixel tiles. Views needing more tiles than this are skipped (a tile set of the wrong zoom, or a wall). Decoded tiles kept in memory (256 x 256 x 4 bytes each: 512 tiles are 128 MB at most). Seconds before trying the network again after it failed. Disk tiles older than this are fetched again (and used as they are if that fails). key, image (QImage or None), outcome: &quot;ok&quot;, &quot;missing&quot; (HTTP 4xx, bad data), &quot;offline&quot;. Tiles requested from the pool so far (disk and network), for tests and diagnostics.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Draw OpenStreetMap tiles under the territories (needs the internet; cached on disk)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>_CountPage</name>
    <message>
        <source>2. How many territories</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Territories to create:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>_CoveragePage</name>
    <message>
        <source>1. Geography</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back to the import to fix it…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>_CreatePage</name>
    <message>
        <source>3. Create territories</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Press Create.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
