import { exportCsvText } from "../../csv/export.js";
import { CsvImporter, type ImportReport } from "../../csv/import.js";
import { ValidationError } from "../../domain/errors.js";
import { ENTITIES, ENTITY_TYPES, type EntityType } from "../../domain/model.js";
import { type Ctx, render, uiRefusal } from "./context.js";
import { type Html, html } from "./html.js";
import { csrfField } from "./layout.js";

/** What one upload may hold: room for some tens of thousands of rows; larger files go through the command line. */
export const UI_CSV_MAX_BYTES = 16 * 1024 * 1024;
/** The most an upload's request may declare: the file, and room for the form's other fields. */
export const UI_UPLOAD_MAX_BYTES = UI_CSV_MAX_BYTES + 64 * 1024;
/** Why an upload too large for the UI was refused, and where to take it instead. */
export const uploadTooLarge = () =>
  `The file is larger than ${UI_CSV_MAX_BYTES / (1024 * 1024)} MiB; import it with the command line (crm-mcp import).`;
/** Rows the report page lists (unchanged rows are only counted). */
const LISTED_ROWS = 1000;

const label = (type: EntityType) => ENTITIES[type].plural[0]!.toUpperCase() + ENTITIES[type].plural.slice(1);

function uploadForm(
  ctx: Ctx,
  entity: EntityType,
  dryRun: boolean,
  createOrganizations: boolean,
  error?: string,
): Html {
  const refusal = uiRefusal("import_records", ctx.selection);
  if (refusal) return html`<div class="card"><p id="import-off">${refusal}</p></div>`;
  return html`<form class="card" method="post" action="/import" enctype="multipart/form-data">
  ${csrfField(ctx.session.csrf)}
  ${error ? html`<div class="flash error" role="alert">${error}</div>` : ""}
  <div class="field"><label for="entity">Records</label>
    <select id="entity" name="entity">${ENTITY_TYPES.map(
      (t) => html`<option value="${t}"${t === entity ? " selected" : ""}>${label(t)}</option>`,
    )}</select></div>
  <div class="field"><label for="file">CSV file</label>
    <input id="file" type="file" name="file" accept=".csv,text/csv" required>
    <p class="hint">UTF-8, with a header row; comma or semicolon separated. Contacts are matched by email, other records by name or an Id column.</p></div>
  <div class="field">
    <label class="check"><input type="checkbox" name="dryRun" value="1"${dryRun ? " checked" : ""}> Dry run: check every row, write nothing</label>
    <label class="check"><input type="checkbox" name="createOrganizations" value="1"${createOrganizations ? " checked" : ""}> Create organizations the Organization column names</label>
  </div>
  <button class="btn" type="submit">Import</button>
</form>`;
}

function downloads(): Html {
  return html`<h2>Export</h2>
<p>${ENTITY_TYPES.map((t, i) => html`${i ? " · " : ""}<a href="/export/${ENTITIES[t].plural}" download>${label(t)} (CSV)</a>`)}</p>`;
}

/** The upload page, and the export links. */
export async function importPage(ctx: Ctx) {
  const entity = ENTITY_TYPES.find((t) => t === ctx.url.searchParams.get("entity")) ?? "contact";
  const body = html`<div class="head"><h1>Import and export</h1></div>
${uploadForm(ctx, entity, true, false)}
${downloads()}`;
  await render(ctx, 200, { title: "Import", active: "import", body });
}

function reportTable(report: ImportReport): Html {
  const listed = report.rows.filter((r) => r.action !== "unchanged");
  const shown = listed.slice(0, LISTED_ROWS);
  if (shown.length === 0)
    return html`<p class="empty">Every row matches a record as it is: nothing to change.</p>`;
  return html`<div class="table-wrap"><table id="report">
<thead><tr><th>Row</th><th>Result</th><th>Record</th><th>Details</th></tr></thead>
<tbody>${shown.map(
    (
      r,
    ) => html`<tr><td class="num">${r.row}</td><td><span class="badge ${r.action === "refused" ? "failed" : "succeeded"}">${r.action}</span></td>
<td>${r.id && !r.id.startsWith("org_new_") && !report.dryRun ? html`<a href="/records/${r.id}">${r.name || r.id}</a>` : (r.name ?? "")}</td>
<td>${r.action === "refused" ? (r.problems ?? []).map((p) => html`<div>${p.column ? html`<strong>${p.column}</strong>: ` : ""}${p.message}</div>`) : (r.changed ?? []).join(", ")}</td></tr>`,
  )}</tbody></table></div>
${listed.length > shown.length ? html`<p class="muted">${listed.length - shown.length} more rows are not listed.</p>` : ""}`;
}

/** Runs an uploaded file (a dry run or the real one) and shows the per-row report. */
export async function runImport(ctx: Ctx) {
  const entity = ENTITY_TYPES.find((t) => t === ctx.form.get("entity")) ?? "contact";
  const dryRun = ctx.form.get("dryRun") === "1";
  const createOrganizations = ctx.form.get("createOrganizations") === "1";
  const again = (status: number, error: string) =>
    render(ctx, status, {
      title: "Import",
      active: "import",
      body: html`<div class="head"><h1>Import and export</h1></div>${uploadForm(ctx, entity, dryRun, createOrganizations, error)}${downloads()}`,
    });
  if (!ctx.upload) return again(400, "Choose a CSV file to import.");
  if (ctx.upload.error) return again(400, `${ctx.upload.name}: ${ctx.upload.error}`);
  let report: ImportReport;
  try {
    report = await new CsvImporter(ctx.app.crm).import(ctx.session.actor, entity, ctx.upload.text, {
      dryRun,
      createOrganizations,
      maxBytes: UI_CSV_MAX_BYTES,
    });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const where = error.field === "file" ? ctx.upload.name || "The file" : error.field;
    return again(400, `${where}: ${error.message.slice(error.field.length + 2)}`);
  }
  const { counts } = report;
  const skipped = report.columns.filter((c) => c.field === null).map((c) => c.header);
  const body = html`<div class="head"><h1>${dryRun ? "Dry run" : "Import"}: ${ctx.upload.name}</h1></div>
<div class="flash ${counts.refused ? "error" : "ok"}" role="status" id="summary">${dryRun ? "Would create" : "Created"} ${counts.created}, ${dryRun ? "would update" : "updated"} ${counts.updated}, unchanged ${counts.unchanged}, refused ${counts.refused}.${dryRun ? " Nothing was written." : ""}</div>
${report.organizationsCreated.length ? html`<p>Organizations ${dryRun ? "to create" : "created"}: ${report.organizationsCreated.join(", ")}</p>` : ""}
${skipped.length ? html`<p class="muted">Columns skipped (no field or custom column by that name): ${skipped.join(", ")}</p>` : ""}
${reportTable(report)}
<h2>${dryRun ? "Import it" : "Import another file"}</h2>
${uploadForm(ctx, entity, false, createOrganizations)}
${downloads()}`;
  await render(ctx, 200, { title: "Import report", active: "import", body });
}

/** `/export/contacts`: the download. */
export async function exportDownload(ctx: Ctx, plural: string) {
  const type = ENTITY_TYPES.find((t) => ENTITIES[t].plural === plural);
  if (!type)
    throw new ValidationError("type", `use one of ${ENTITY_TYPES.map((t) => ENTITIES[t].plural).join(", ")}`);
  const text = await exportCsvText(ctx.app.crm, ctx.session.actor, type);
  ctx.res.writeHead(200, {
    "content-type": "text/csv; charset=utf-8",
    "content-disposition": `attachment; filename="${plural}.csv"`,
    "content-length": String(Buffer.byteLength(text)),
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  });
  ctx.res.end(text);
}
