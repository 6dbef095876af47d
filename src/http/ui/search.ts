import { ValidationError } from "../../domain/errors.js";
import { recordPath } from "../../domain/ids.js";
import { ENTITIES, type EntityRecord, type EntityType } from "../../domain/model.js";
import type { Ctx } from "./context.js";
import { render } from "./context.js";
import { html } from "./html.js";
import { recordName, typeLabel } from "./records.js";

/** How many records of each type a search lists; the count says when there are more. */
const PER_TYPE = 10;

/** The top bar's search: the same search over every entity type as `search_all_entities`. */
export async function searchRecords(ctx: Ctx) {
  const term = ctx.url.searchParams.get("q") ?? "";
  let error = "";
  let groups: { entity: EntityType; total: number; items: EntityRecord[] }[] = [];
  if (term.trim()) {
    try {
      groups = await ctx.app.crm.searchAll(ctx.session.actor, term, undefined, PER_TYPE);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      // The field is the tool's; on this page it is the search box.
      error = e.message.replace(/^searchTerm: /, "Search: ");
    }
  }
  const found = groups.reduce((n, g) => n + g.total, 0);
  const body = html`<div class="head"><h1>Search</h1></div>
<form class="filters search" method="get" action="/search" role="search">
  <div class="field grow"><label for="search-q">Name or email</label>
    <input type="search" id="search-q" name="q" value="${term}" maxlength="200"></div>
  <div class="actions"><button class="btn" type="submit">Search</button></div>
</form>
${error ? html`<div class="flash error" role="alert">${error}</div>` : ""}
${
  term.trim() && !error
    ? found === 0
      ? html`<p class="empty card" id="results">Nothing matches “${term}”.</p>`
      : html`<div id="results">${groups
          .filter((g) => g.total > 0)
          .map(
            (g) => html`<section class="card result-group" aria-labelledby="r-${g.entity}">
  <h2 id="r-${g.entity}" class="first">${typeLabel(ENTITIES[g.entity].plural)} <span class="muted small">${
    g.total > g.items.length ? `${g.items.length} of ${g.total}` : g.total
  }</span></h2>
  <ul class="plain">${g.items.map(
    (r) =>
      html`<li><a href="${recordPath(r.id)}">${recordName(g.entity, r)}</a>${
        Array.isArray(r.emails) && r.emails.length
          ? html` <span class="muted small">${r.emails[0]}</span>`
          : ""
      }</li>`,
  )}</ul>
</section>`,
          )}</div>`
    : ""
}`;
  await render(ctx, 200, { title: term.trim() ? `Search: ${term}` : "Search", body, search: term });
}
