import type { EventName } from "./catalog.js";

/** The webhook envelope of the contract. `timestamp` is ISO 8601 in UTC. */
export interface Envelope {
  event: EventName;
  data: {
    userId: string;
    companyId: string;
    entityId: string;
    payload: Record<string, unknown>;
  };
  timestamp: string;
}

/** The exact bytes every delivery of this event sends. */
export function serializeEnvelope(envelope: Envelope): string {
  return JSON.stringify(envelope);
}
