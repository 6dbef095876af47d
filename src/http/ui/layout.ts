import { type Html, html, raw } from "./html.js";
import type { Flash } from "./sessions.js";

const CSS = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2937;background:#f6f7f9}
a{color:#1d4ed8;text-decoration:none}
a:hover{text-decoration:underline}
p a{text-decoration:underline}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85em}
.topbar{display:flex;flex-wrap:wrap;align-items:center;gap:.25rem 1rem;padding:.6rem 1.25rem;background:#111827;color:#f9fafb}
.topbar .company{font-weight:700;margin-right:auto;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;max-width:100%}
.topbar nav{display:flex;flex-wrap:wrap;align-items:center;gap:.25rem .9rem}
.topbar nav a,.topbar nav button{color:#d1d5db;font:inherit;padding:.2rem 0;background:none;border:0;cursor:pointer}
.topbar nav a[aria-current=page]{color:#fff;border-bottom:2px solid #60a5fa}
.topbar nav a:hover,.topbar nav button:hover{color:#fff;text-decoration:none}
.topbar form{margin:0}
.topbar .find{display:flex;gap:.3rem;flex:0 1 16rem;min-width:0}
.topbar .find input{padding:.25rem .5rem;border-radius:6px;border:1px solid #374151;background:#1f2937;color:#f9fafb;width:100%;min-width:0;font:inherit}
.topbar .find input::placeholder{color:#9ca3af}
.topbar .find button{font:inherit;padding:.25rem .6rem;border-radius:6px;border:1px solid #374151;background:#374151;color:#f9fafb;cursor:pointer}
.result-group{margin-bottom:.75rem}
.health svg{display:block;margin-bottom:.2rem}
main{max-width:1120px;margin:0 auto;padding:1.5rem 1.25rem 3rem}
h1{font-size:1.45rem;margin:0 0 1rem}
h2{font-size:1.1rem;margin:1.75rem 0 .6rem}
.head{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.75rem;margin-bottom:1rem}
.head h1{margin:0}
.muted{color:#6b7280}
.small{font-size:.85rem}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:1.25rem}
.narrow{max-width:26rem;margin:3rem auto}
.history,.history code{overflow-wrap:anywhere;word-break:break-word}
.flash{padding:.65rem .9rem;border-radius:6px;margin-bottom:1rem;border:1px solid}
.flash.ok{background:#ecfdf5;border-color:#a7f3d0;color:#065f46}
.flash.error{background:#fef2f2;border-color:#fecaca;color:#991b1b}
.btn{display:inline-block;font:inherit;font-weight:600;padding:.45rem .9rem;border-radius:6px;border:1px solid #1d4ed8;background:#1d4ed8;color:#fff;cursor:pointer;line-height:1.3;white-space:nowrap}
.btn:hover{background:#1e40af;text-decoration:none}
.btn.secondary{background:#fff;color:#1f2937;border-color:#d1d5db}
.btn.secondary:hover{background:#f3f4f6}
.btn.danger{background:#b91c1c;border-color:#b91c1c}
.btn.danger:hover{background:#991b1b}
.btn.small{padding:.2rem .55rem;font-size:.85rem;font-weight:500}
.actions{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center}
.actions form{margin:0}
.table-wrap{overflow-x:auto;background:#fff;border:1px solid #e5e7eb;border-radius:8px}
table{width:100%;border-collapse:collapse}
th,td{text-align:left;padding:.55rem .75rem;border-bottom:1px solid #eef0f3;vertical-align:top}
th{font-size:.78rem;text-transform:uppercase;letter-spacing:.03em;color:#6b7280;background:#fafbfc;white-space:nowrap}
tbody tr:last-child td{border-bottom:0}
tbody tr:hover{background:#fafbff}
td.url{word-break:break-all;min-width:12rem}
td.num{text-align:right;white-space:nowrap}
td.nowrap{white-space:nowrap}
.empty{padding:1.5rem;text-align:center;color:#6b7280}
.badge{display:inline-block;padding:.05rem .55rem;border-radius:999px;font-size:.78rem;font-weight:600;white-space:nowrap;background:#f3f4f6;color:#4b5563}
.badge.succeeded,.badge.on{background:#dcfce7;color:#166534}
.badge.failed{background:#fee2e2;color:#991b1b}
.badge.pending,.badge.scheduled{background:#fef3c7;color:#92400e}
.badge.sending{background:#dbeafe;color:#1e40af}
.field{margin-bottom:1rem}
.field>label,.field>.label{display:block;font-weight:600;margin-bottom:.25rem}
.hint{font-size:.85rem;color:#6b7280;margin:.2rem 0 0}
input[type=text],input[type=url],input[type=password],input[type=search],input[type=datetime-local],select,textarea{font:inherit;width:100%;max-width:40rem;padding:.45rem .6rem;border:1px solid #d1d5db;border-radius:6px;background:#fff;color:inherit}
input:focus,select:focus,textarea:focus{outline:2px solid #93c5fd;outline-offset:0;border-color:#3b82f6}
[aria-invalid=true]{border-color:#dc2626!important}
.error{color:#b91c1c;font-size:.88rem;margin:.25rem 0 0}
.check,.field>label.check{display:flex;align-items:center;gap:.45rem;font-weight:400;margin:.15rem 0}
.check input{margin:0;width:1rem;height:1rem}
.events{display:grid;grid-template-columns:repeat(auto-fill,minmax(11.5rem,1fr));gap:.75rem}
.events fieldset{margin:0;border:1px solid #e5e7eb;border-radius:6px;padding:.5rem .75rem .6rem;background:#fcfcfd}
.events legend{font-weight:600;padding:0 .25rem;text-transform:capitalize}
.events .all{font-size:.85rem;color:#4b5563;border-bottom:1px dashed #e5e7eb;padding-bottom:.25rem;margin-bottom:.25rem}
.filters{display:flex;flex-wrap:wrap;gap:.6rem;align-items:flex-end;margin-bottom:1rem}
.filters .field{margin:0;flex:1 1 10rem}
.filters .field.grow{flex:3 1 16rem}
.filters.search{max-width:44rem}
.filters label{font-size:.8rem;font-weight:600;color:#4b5563;display:block;margin-bottom:.15rem}
.pager{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;justify-content:space-between;margin-top:.75rem}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1.25rem;margin:0}
dl.meta dt{color:#6b7280}
dl.meta dd{margin:0;word-break:break-all}
pre.wrap{white-space:pre-wrap;word-break:break-all}
pre{background:#f8fafc;border:1px solid #e5e7eb;border-radius:6px;padding:.75rem;overflow:auto;max-height:32rem;margin:0;white-space:pre}
details{background:#fff;border:1px solid #e5e7eb;border-radius:6px;margin-top:.5rem}
details>summary{cursor:pointer;padding:.4rem .75rem;color:#1d4ed8}
details>pre{border:0;border-top:1px solid #e5e7eb;border-radius:0 0 6px 6px}
.event h3{margin:0 0 .2rem;font-size:1rem}
.event p{margin:.2rem 0}
.event{margin-bottom:.75rem;padding:.9rem 1.1rem}
h2.first{margin-top:0}
h3{font-size:1rem;margin:1.25rem 0 .5rem}
ul.plain{list-style:none;margin:0;padding:0}
.notes{overflow-wrap:anywhere}
.notes>:first-child{margin-top:0}
.notes>:last-child{margin-bottom:0}
.notes img{max-width:100%}
.notes table{width:auto;border:1px solid #e5e7eb}
.notes td p,.notes th p{margin:0}
.notes ul.tasks{list-style:none;padding-left:.5rem}
.notes li.done{color:#6b7280}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
.grid2>*{min-width:0}
@media (max-width:640px){
  main{padding:1rem .75rem 2rem}
  .topbar{padding:.5rem .75rem}
  .topbar .company{flex-basis:100%}
  .topbar .find{flex-basis:100%}
  .grid2{grid-template-columns:1fr}
  dl.meta{grid-template-columns:1fr;gap:0}
  dl.meta dd{margin-bottom:.4rem}
  .filters .field,.filters .field.grow{flex-basis:100%}
  table.stack thead{display:none}
  table.stack,table.stack tbody,table.stack tr,table.stack td{display:block;width:100%}
  table.stack tr{border-bottom:1px solid #e5e7eb;padding:.4rem 0}
  table.stack tbody tr:last-child{border-bottom:0}
  table.stack td{border:0;padding:.15rem .75rem;display:flex;gap:.75rem;text-align:left;min-width:0}
  table.stack td::before{content:attr(data-label);flex:0 0 6.5rem;font-size:.78rem;color:#6b7280;text-transform:uppercase;letter-spacing:.03em;padding-top:.1rem}
  table.stack td>*{min-width:0}
  table.stack td.num{text-align:left}
}
`;

/** Ticks every event of an entity from its "all" box, and keeps that box in step. */
const SCRIPT = `
(function () {
  function sync(group) {
    var all = group.querySelector("input[data-select-all]");
    if (!all) return;
    var items = Array.prototype.slice.call(group.querySelectorAll('input[name="events"]'));
    var ticked = items.filter(function (i) { return i.checked; }).length;
    all.checked = ticked === items.length;
    all.indeterminate = ticked > 0 && ticked < items.length;
  }
  document.querySelectorAll("fieldset[data-entity]").forEach(function (group) {
    var label = group.querySelector(".all");
    if (label) label.hidden = false;
    sync(group);
  });
  document.addEventListener("change", function (e) {
    var box = e.target;
    var group = box && box.closest ? box.closest("fieldset[data-entity]") : null;
    if (!group) return;
    if (box.hasAttribute("data-select-all")) {
      group.querySelectorAll('input[name="events"]').forEach(function (i) { i.checked = box.checked; });
    }
    sync(group);
  });
})();
`;

export type Section = "webhooks" | "deliveries" | "events" | "apps" | "import";

export interface PageChrome {
  company: string;
  csrf: string;
  active?: Section;
  flash?: Flash;
  /** What the search box holds: the term of the search page it shows. */
  search?: string;
  /** The sections whose pages the server serves (all when absent). */
  sections?: readonly Section[];
  /** Whether the top bar has the search box (the server serves search_all_entities). */
  searchBox?: boolean;
}

export interface PageInput {
  title: string;
  nonce: string;
  body: Html;
  /** Absent on the sign-in page. */
  chrome?: PageChrome;
  /** Reload after this many seconds (a delivery still on its way). */
  refreshSeconds?: number;
  script?: boolean;
}

function navLink(href: string, label: string, section: Section, chrome: PageChrome): Html | "" {
  if (chrome.sections && !chrome.sections.includes(section)) return "";
  const active = chrome.active;
  return html`<a href="${href}" aria-current="${section === active ? "page" : "false"}">${label}</a>`;
}

export function page(input: PageInput): Html {
  const chrome = input.chrome;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${input.refreshSeconds ? html`<meta http-equiv="refresh" content="${input.refreshSeconds}">` : ""}
<title>${input.title} · crm-mcp</title>
<style nonce="${input.nonce}">${raw(CSS)}</style>
</head>
<body>
${
  chrome
    ? html`<header class="topbar">
  <span class="company" title="Company">${chrome.company}</span>
  ${
    chrome.searchBox === false
      ? ""
      : html`<form class="find" method="get" action="/search" role="search">
    <input type="search" name="q" aria-label="Search records" placeholder="Search records" maxlength="200" value="${chrome.search ?? ""}">
    <button type="submit">Go</button>
  </form>`
  }
  <nav aria-label="Main">
    ${navLink("/webhooks", "Webhooks", "webhooks", chrome)}
    ${navLink("/deliveries", "Webhook Deliveries", "deliveries", chrome)}
    ${navLink("/events", "Events", "events", chrome)}
    ${navLink("/apps", "Connected apps", "apps", chrome)}
    ${navLink("/import", "Import / Export", "import", chrome)}
    <form method="post" action="/logout">
      <input type="hidden" name="csrf" value="${chrome.csrf}">
      <button type="submit">Sign out</button>
    </form>
  </nav>
</header>`
    : ""
}
<main>
${chrome?.flash ? html`<div class="flash ${chrome.flash.kind}" role="status">${chrome.flash.text}</div>` : ""}
${input.body}
</main>
${input.script ? html`<script nonce="${input.nonce}">${raw(SCRIPT)}</script>` : ""}
</body>
</html>`;
}

/** `2026-11-29 10:00:05 UTC`: the UI shows and reads times in UTC. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

export function statusBadge(status: string | null | undefined): Html {
  if (!status) return html`<span class="badge">none yet</span>`;
  return html`<span class="badge ${status}">${status}</span>`;
}

/** A hidden field that carries the session's CSRF token. */
export function csrfField(csrf: string): Html {
  return html`<input type="hidden" name="csrf" value="${csrf}">`;
}
