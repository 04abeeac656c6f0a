/**
 * The report's style sheet, inlined into the page. It names only fonts
 * installed on the reader's system, so the page loads nothing.
 */
export const REPORT_CSS = `
:root { color-scheme: light; --ink: #1d2430; --muted: #5b6573; --rule: #dde2e8; --accent: #2b5797; --warn: #8a4b00; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f7f9; color: var(--ink); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 40px; background: white; min-height: 100vh; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
h3 { font-size: 14px; margin: 16px 0 6px; }
p { margin: 6px 0; }
.subtitle { color: var(--muted); margin: 0 0 16px; }
.reading { border-left: 4px solid var(--accent); background: #eef3fa; padding: 10px 14px; margin: 12px 0; }
.reading p { margin: 2px 0; }
.warning { border-left: 4px solid var(--warn); background: #fdf3e6; padding: 8px 14px; margin: 8px 0; }
.note { color: var(--muted); font-size: 12.5px; }
table { border-collapse: collapse; margin: 6px 0 10px; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--rule); text-align: right; vertical-align: top; }
th { font-weight: 600; background: #f3f5f8; }
th:first-child, td:first-child { text-align: left; }
td.text, th.text, table.fields td { text-align: left; }
.interval { color: var(--muted); font-size: 12px; white-space: nowrap; }
.scroll { overflow-x: auto; }
table.attacks th, table.attacks td { padding: 4px 6px; font-size: 13px; }
figure { margin: 0; }
figure svg { display: block; max-width: 100%; height: auto; }
figure.plots { display: flex; flex-wrap: wrap; gap: 12px 24px; align-items: flex-start; }
figcaption { color: var(--muted); font-size: 12.5px; max-width: 420px; }
.histograms { display: grid; grid-template-columns: repeat(auto-fill, minmax(330px, 1fr)); gap: 8px 16px; }
dl.config { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 6px 0; font-size: 13px; }
dl.config dt { color: var(--muted); }
dl.config dd { margin: 0; font-family: ui-monospace, "DejaVu Sans Mono", monospace; overflow-wrap: anywhere; }
details summary { cursor: pointer; color: var(--accent); margin: 8px 0; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12.5px; }
footer { margin-top: 28px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--rule); padding-top: 8px; }
`;
