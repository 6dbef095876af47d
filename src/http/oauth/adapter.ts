import { createHash } from "node:crypto";
import type { Store } from "../../store/index.js";

type Payload = Record<string, unknown>;

/** Records are found by the SHA-256 of their id: tokens, codes and session ids are never stored. */
export function recordKey(id: string): string {
  return createHash("sha256").update(id).digest("hex");
}

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

/** A stored record as the provider wrote it: its id back in, and when it was consumed. */
function revive(model: string, row: { payload: string; consumedAt: number | null }, id: string): Payload {
  const payload = JSON.parse(row.payload) as Payload;
  if (model !== "Client") payload.jti = id;
  if (row.consumedAt !== null) payload.consumed = Math.floor(row.consumedAt / 1000);
  return payload;
}

/**
 * oidc-provider's storage contract over our store, for one model (AccessToken, Grant,
 * Client...). The payload is kept without its id (`jti`, or `client_id` for clients' keys),
 * which comes back from the caller's own copy on every find.
 */
export function storeAdapter(store: Store, now: () => number = Date.now) {
  return class StoreAdapter {
    constructor(readonly model: string) {}

    async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
      const { jti: _jti, ...rest } = payload;
      const at = now();
      await store.write(async (tx) => {
        // Opportunistic clean-up: expired rows are never read, so this only bounds the table.
        if (Math.random() < 0.02) await tx.oauth.deleteExpired(at);
        await tx.oauth.upsert({
          model: this.model,
          key: recordKey(id),
          uid: str(payload.uid),
          grantId: str(payload.grantId) ?? (this.model === "Grant" ? id : null),
          userId: str(payload.accountId),
          clientId: str(payload.clientId) ?? str(payload.client_id),
          payload: JSON.stringify(rest),
          expiresAt: typeof expiresIn === "number" ? at + expiresIn * 1000 : null,
          consumedAt: null,
        });
      });
    }

    async find(id: string): Promise<Payload | undefined> {
      const row = await store.read((tx) => tx.oauth.find(this.model, recordKey(id), now()));
      return row ? revive(this.model, row, id) : undefined;
    }

    async findByUid(uid: string): Promise<Payload | undefined> {
      const row = await store.read((tx) => tx.oauth.findByUid(this.model, uid, now()));
      if (!row) return undefined;
      // A session found by uid: its id (the cookie's value) is not stored, so the payload
      // carries none and the provider looks the session up by cookie afterwards.
      return JSON.parse(row.payload) as Payload;
    }

    async findByUserCode(): Promise<undefined> {
      return undefined;
    }

    async consume(id: string): Promise<void> {
      await store.write((tx) => tx.oauth.consume(this.model, recordKey(id), now()));
    }

    async destroy(id: string): Promise<void> {
      await store.write((tx) => tx.oauth.destroy(this.model, recordKey(id)));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await store.write((tx) => tx.oauth.revokeByGrantId(grantId));
    }
  };
}
