import { quote } from "./quote.js";

/**
 * Errors the domain throws. Adapters (MCP tools, HTTP routes) turn them into
 * messages for the caller; they never carry a stack to the user.
 */

/** Input that cannot be accepted. `field` is a path such as `contacts[2].emails[0]`. */
export class ValidationError extends Error {
  override readonly name = "ValidationError";
  constructor(
    readonly field: string,
    message: string,
    /** Each problem with its own field, when a schema found several; the message lists the first few. */
    readonly issues: readonly { field: string; message: string }[] = [{ field, message }],
  ) {
    super(field ? `${field}: ${message}` : message);
  }
}

/**
 * Where an agent finds ids of each kind: the CRM's search tools cannot find webhooks,
 * deliveries, columns or users, so pointing at them would send it in circles.
 */
const LISTED_BY: Record<string, string> = {
  webhook: "list_webhooks",
  "webhook delivery": "list_webhook_deliveries",
  "custom column": "list_custom_columns",
  user: "list_users",
  company: "get_company",
};

/** An id that does not exist for the caller's company (ids of another company included). */
export class NotFoundError extends Error {
  override readonly name = "NotFoundError";
  constructor(
    readonly entity: string,
    readonly id: string,
    readonly field = "id",
  ) {
    super(
      `${field}: no ${entity} with id ${quote(id)} exists. Look ids up with ${LISTED_BY[entity] ?? "filter_entity or search_all_entities"}.`,
    );
  }
}

/** A request that is well-formed but cannot be carried out in the current state. */
export class ConflictError extends Error {
  override readonly name = "ConflictError";
}
