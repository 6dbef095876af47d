import { ENTITY_TYPES } from "../../domain/model.js";
import { catalogAsJson } from "../../events/catalog.js";
import { type Ctx, render } from "./context.js";
import { html } from "./html.js";

/** The catalog page: the fifteen events, when each fires, and each payload's JSON Schema. */
export async function eventCatalog(ctx: Ctx) {
  const catalog = catalogAsJson();
  const sections = ENTITY_TYPES.map((entity) => {
    const events = catalog.filter((e) => e.name.startsWith(`${entity}.`));
    return html`<h2>${entity[0]!.toUpperCase() + entity.slice(1)}</h2>
${events.map(
  (e) => html`<section class="card event" id="${e.name}">
  <h3><code>${e.name}</code></h3>
  <p>${e.when}.</p>
  <p class="small"><span class="muted">Payload keys:</span> ${e.payloadKeys.map((k, i) => html`${i ? ", " : ""}<code>${k}</code>`)}</p>
  <details><summary>Payload JSON Schema</summary><pre tabindex="0" role="region" aria-label="Payload JSON Schema of ${e.name}">${JSON.stringify(e.payloadSchema, null, 2)}</pre></details>
</section>`,
)}`;
  });
  const body = html`<div class="head"><h1>Event catalog</h1></div>
<p>Every delivery is a POST of <code>{"event", "data": {"userId", "companyId", "entityId", "payload"}, "timestamp"}</code>.
The ${catalog.length} events below differ in their <code>payload</code>. <code>*.updated</code> payloads carry
<code>changes</code>: each field that moved, with its <code>previous</code> and <code>current</code> value.</p>
${sections}`;
  await render(ctx, 200, { title: "Events", active: "events", body });
}
