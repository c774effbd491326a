"""The report's stylesheet, inlined in the page: screen (projector) first, A4 landscape on print."""

CSS = """
:root{--ink:#1f2a3c;--muted:#5b6b82;--line:#d9dee7;--soft:#f4f6f9;--navy:#14213d;--accent:#1d5fbf;
--done:#1b7f3b;--on:#1d5fbf;--risk:#c27803;--late:#c0262d}
*{box-sizing:border-box}
html{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{margin:0;background:var(--soft);color:var(--ink);font:15px/1.45 "Segoe UI","Helvetica Neue",Arial,
"Liberation Sans","DejaVu Sans",sans-serif;font-variant-numeric:tabular-nums}
.page{max-width:1320px;margin:0 auto;padding:0 28px 40px}
.masthead{background:var(--navy);color:#fff;padding:26px 0 22px}
.masthead .page{padding-bottom:0}
.eyebrow{text-transform:uppercase;letter-spacing:.08em;font-size:12.5px;color:#9fb3d9;font-weight:600}
h1{font-size:30px;margin:4px 0 6px;font-weight:700;letter-spacing:-.01em}
.meta{color:#d4def0;font-size:14px}
.meta span+span:before{content:"·";margin:0 10px;color:#7d8fb3}
.since{margin-top:8px;color:#ffd98a;font-size:13px}
nav.toc{background:#fff;border-bottom:1px solid var(--line)}
nav.toc .page{padding-bottom:0;display:flex;flex-wrap:wrap;gap:4px 22px}
nav.toc a{display:inline-block;padding:10px 0;color:var(--muted);text-decoration:none;font-size:13.5px;
font-weight:600}
nav.toc a:hover{color:var(--accent)}
.kpis{display:grid;grid-template-columns:repeat(4,1fr);gap:16px;margin:22px 0 6px}
.kpi{background:#fff;border:1px solid var(--line);border-radius:10px;padding:16px 18px;
border-top:4px solid var(--accent)}
.kpi .label{font-size:12.5px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);font-weight:600}
.kpi .value{font-size:30px;font-weight:700;margin:4px 0 2px;white-space:nowrap}
.kpi .note{font-size:13px;color:var(--muted)}
.kpi.good{border-top-color:var(--done)}.kpi.warn{border-top-color:var(--risk)}.kpi.bad{border-top-color:var(--late)}
section{background:#fff;border:1px solid var(--line);border-radius:10px;padding:22px 26px;margin:20px 0}
h2{font-size:21px;margin:0 0 14px;padding-left:12px;border-left:5px solid var(--accent);line-height:1.2}
h3{font-size:16.5px;margin:20px 0 8px}
h4{font-size:15px;margin:16px 0 6px;display:flex;align-items:center;gap:12px;flex-wrap:wrap}
.lead{color:var(--muted);margin:0 0 12px}
.empty,.hint{color:var(--muted);font-style:italic}
.hint{font-size:12.5px;margin:4px 0 0}
table{width:100%;border-collapse:collapse;margin:6px 0 10px}
th{text-align:left;font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);
font-weight:600;border-bottom:2px solid var(--line);padding:7px 10px}
td{padding:8px 10px;border-bottom:1px solid #edf0f5;vertical-align:top}
tbody tr:nth-child(even) td{background:#fafbfd}
td.seg{background:#f4f7fc!important;border-right:1px solid var(--line);min-width:170px}
.num{text-align:right;white-space:nowrap}
.strong{font-weight:700}
.sub{font-size:12.5px;color:var(--muted);margin-top:2px}
.prog{min-width:200px}
.fig{white-space:nowrap}
.barline{display:flex;align-items:center;gap:8px;margin-top:3px}
.pct{font-size:12.5px;color:var(--muted);font-weight:600}
.pbar{display:block;flex:none}
.badge{display:inline-flex;align-items:center;gap:5px;border-radius:999px;padding:2px 10px;font-size:12.5px;
font-weight:600;white-space:nowrap;background:#eef0f4;color:#4a5568;border:1px solid transparent}
.badge .sym{font-size:11px}
.pace-done{background:#e3f3e8;color:#145c2b;border-color:#b9dfc5}
.pace-on_track{background:#e2ecfa;color:#174b96;border-color:#bcd0f0}
.pace-at_risk{background:#fdf0d5;color:#7a4a00;border-color:#f0d39a}
.pace-late{background:#fbe2e2;color:#9b1c22;border-color:#f0bcbc}
.pace-not_started{background:#eef0f4;color:#4a5568}
.pace-inactive{background:#f4f5f7;color:#6b7280}
.state-active{background:#eef3fb;color:#234a84}
.state-prioritised{background:#1d5fbf;color:#fff}
.state-suspended{background:#fdf0d5;color:#7a4a00;border-color:#f0d39a}
.state-dropped{background:#f1f2f4;color:#6b7280;text-decoration:line-through}
tr.left-out td{color:var(--muted)}
tr.left-out td b,tr.left-out .fig,tr.left-out .num{color:#8a94a6}
tr.left-out .pbar{opacity:.55}
.footnote{font-size:12.5px;color:var(--muted);margin:2px 0 14px;border-left:3px solid var(--line);
padding:2px 0 2px 10px}
.footnote p{margin:2px 0}
.kind-intention{background:#f3e8fb;color:#5b2a86}.kind-objective{background:#fdf0d5;color:#7a4a00}
.kind-complement{background:#eef3fb;color:#234a84}
.sync-ok{background:#e3f3e8;color:#145c2b}.sync-partial,.sync-quota_stopped{background:#fdf0d5;color:#7a4a00}
.sync-failed,.sync-locked{background:#fbe2e2;color:#9b1c22}
figure{margin:14px 0 6px}
figcaption{font-size:13px;font-weight:600;color:var(--muted);margin-bottom:6px;text-transform:uppercase;
letter-spacing:.05em}
svg.chart{max-width:100%;height:auto;display:block;font-family:inherit}
.segment{border-top:1px solid var(--line);padding-top:6px;margin-top:10px}
.segment:first-of-type{border-top:0;margin-top:0}
.segment h3{font-size:19px;display:flex;align-items:baseline;gap:10px}
.kind{font-size:12.5px;font-weight:600;color:var(--muted);text-transform:uppercase;letter-spacing:.05em}
.minis{display:flex;flex-wrap:wrap;gap:10px;margin:4px 0 12px}
.mini{background:var(--soft);border-radius:8px;padding:7px 12px;min-width:130px}
.mini span{display:block;font-size:11.5px;color:var(--muted);text-transform:uppercase;letter-spacing:.05em}
.mini b{font-size:16px}
.two{display:grid;grid-template-columns:1.1fr 1fr;gap:22px;align-items:start}
.swot{display:grid;grid-template-columns:1fr 1fr;gap:8px}
.q{border-radius:8px;padding:10px 12px;border:1px solid var(--line)}
.q h4{margin:0 0 4px;font-size:13.5px;text-transform:uppercase;letter-spacing:.05em}
.q h4 small{font-weight:400;color:var(--muted);text-transform:none;letter-spacing:0}
.q ul{margin:0;padding-left:18px;font-size:13.5px}.q li.none{color:var(--muted);font-style:italic;list-style:none;
margin-left:-18px}
.q-strengths{background:#eef7f1;border-color:#cfe7d7}.q-strengths h4{color:#145c2b}
.q-weaknesses{background:#fdf3f0;border-color:#f1d4ca}.q-weaknesses h4{color:#9b3b1c}
.q-opportunities{background:#eef3fb;border-color:#cfdcf1}.q-opportunities h4{color:#174b96}
.q-threats{background:#fbf1f6;border-color:#eed0df}.q-threats h4{color:#8a1f52}
.chips{display:flex;flex-wrap:wrap;gap:10px;margin:4px 0 10px}
.chip{display:inline-flex;align-items:center;gap:6px}.chip b{font-size:16px}
.chips.small{margin:0;gap:8px}.chips.small .chip b{font-size:13.5px}
.rep h4{font-size:16.5px;border-bottom:1px solid var(--line);padding-bottom:6px}
.action-text{max-width:460px}
table.actions{table-layout:fixed}
table.actions th:nth-child(1){width:37%}table.actions th:nth-child(2){width:17%}
table.actions th:nth-child(3){width:19%}table.actions th:nth-child(4){width:14%}table.actions th:nth-child(5){width:13%}
.tag{font-size:10.5px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);border:1px solid var(--line);
border-radius:4px;padding:0 4px;margin-left:4px}
tr.threshold td{color:var(--muted)}
table.actions .pbar{width:90px}
table.matrix td.num,table.matrix th.num{width:100px}
table.narrow{max-width:560px}
table.seg-axes{table-layout:fixed}
table.seg-axes th:nth-child(1){width:42%}table.seg-axes th:nth-child(2){width:20%}
table.seg-axes th:nth-child(3){width:24%}table.seg-axes th:nth-child(4){width:14%}
table.axes td:first-child{min-width:260px}
.badgeline{margin-top:5px}
table.axes .prog{min-width:190px}
.recos{display:grid;grid-template-columns:repeat(auto-fill,minmax(380px,1fr));gap:16px}
.reco{border:1px solid var(--line);border-left:5px solid var(--accent);border-radius:8px;padding:14px 16px}
.reco p{margin:8px 0;font-size:15px}
.reco-head{display:flex;gap:10px;align-items:center;flex-wrap:wrap}
.reco .where{font-weight:700}
.reco details{margin-top:8px;color:var(--muted)}
.reco details summary{cursor:default;font-size:13px;font-weight:600}
.overruled{border-top:1px dashed var(--line);padding-top:6px;margin-top:6px;opacity:.85}
.overruled p{font-size:13px}
.context ul{margin:4px 0 14px;padding-left:18px}
ul.kpi-list{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:6px 18px}
ul.kpi-list li b{font-variant-numeric:tabular-nums}
dl.kpi-formulas{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:6px 0}
dl.kpi-formulas dt{font-weight:600}
dl.kpi-formulas dd{margin:0}
.rule-drop{border-left-color:var(--late)}.rule-suspend{border-left-color:var(--risk)}
.rule-roll_out{border-left-color:var(--done)}.rule-prioritise{border-left-color:var(--accent)}
.badge.rule{background:var(--navy);color:#fff}
table.evidence{margin:4px 0 0;font-size:13.5px}
table.evidence caption{text-align:left;font-size:12px;text-transform:uppercase;letter-spacing:.05em;
color:var(--muted);font-weight:600;padding-bottom:2px}
table.evidence th{text-transform:none;letter-spacing:0;font-size:13px;color:var(--ink);font-weight:400;
border-bottom:1px solid #edf0f5;padding:4px 8px}
table.evidence td{padding:4px 8px}
table.evidence tr td,table.evidence tr th{background:none!important}
.facts{display:grid;grid-template-columns:auto 1fr;gap:6px 18px;margin:0}
.facts dt{color:var(--muted)}.facts dd{margin:0;font-weight:600}
.errors{color:#9b1c22}
footer{color:var(--muted);font-size:12.5px;text-align:center;padding:10px 0 30px}
@media (max-width:1180px){
 table.axes,table.glance{font-size:13px}
 table.axes td,table.axes th{padding:6px 6px}
 table.axes td:first-child{min-width:0}
 table.axes .num,table.axes th{white-space:normal}
 .prog,table.axes .prog{min-width:150px}
 .page{padding:0 16px 30px}
}
@media (max-width:900px){.kpis{grid-template-columns:1fr 1fr}.two{grid-template-columns:1fr}}
@page{size:A4 landscape;margin:11mm 10mm}
@media print{
 body{background:#fff;font-size:9.5pt}
 .kpi .value{font-size:22pt}
 h1{font-size:20pt}
 td{padding:5px 8px}
 table.axes{font-size:8.5pt}
 table.axes td,table.axes th{padding:4px 5px}
 table.axes td:first-child{min-width:0}
 table.axes .num,table.axes th{white-space:normal}
 .prog,table.axes .prog{min-width:0}
 .page{max-width:none;padding:0}
 nav.toc{display:none}
 .masthead{padding:12px 14px;border-radius:0}
 section{border:0;padding:0;margin:0;break-before:page}
 section:first-of-type{break-before:auto}
 .kpis{margin:10px 0}
 .avoid,.segment,.reco,figure,tr,.kpi{break-inside:avoid}
 thead{display:table-header-group}
 h2,h3,h4{break-after:avoid}
 a{color:inherit;text-decoration:none}
}
"""
