import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Actor } from "../../events/recorder.js";
import type { Store } from "../../store/index.js";

export const SESSION_COOKIE = "crm_session";
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export interface Flash {
  kind: "ok" | "error";
  text: string;
}

export interface Session {
  token: string;
  actor: Actor;
  /** Sent back in a hidden field by every form that changes something. */
  csrf: string;
  expiresAt: number;
  /** A one-shot message for the next page (after a redirect). */
  flash?: Flash;
}

/**
 * Browser sessions, kept in the store so that any node behind a load balancer answers any
 * request, and a restart signs no one out. The cookie holds only a random token, never the
 * API key; the store holds only the token's hash.
 */
export class SessionStore {
  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  async create(actor: Actor): Promise<Session> {
    const session: Session = {
      token: randomBytes(32).toString("base64url"),
      actor,
      csrf: randomBytes(32).toString("base64url"),
      expiresAt: this.now() + SESSION_TTL_MS,
    };
    await this.store.write(async (tx) => {
      await tx.sessions.deleteExpired(this.now());
      await tx.sessions.insert({
        tokenHash: hashToken(session.token),
        companyId: actor.companyId,
        userId: actor.userId,
        csrf: session.csrf,
        flash: null,
        expiresAt: session.expiresAt,
      });
    });
    return session;
  }

  /** The live session named by the request's cookie, or null. */
  async fromRequest(req: IncomingMessage): Promise<Session | null> {
    const token = cookieValue(req.headers.cookie, SESSION_COOKIE);
    if (!token || token.length > 100) return null;
    const row = await this.store.read((tx) => tx.sessions.get(hashToken(token), this.now()));
    if (!row) return null;
    return {
      token,
      actor: { userId: row.userId, companyId: row.companyId },
      csrf: row.csrf,
      expiresAt: row.expiresAt,
      flash: row.flash === null ? undefined : (JSON.parse(row.flash) as Flash),
    };
  }

  /** Keeps a message for the session's next page, or clears it once shown. */
  async setFlash(session: Session, flash: Flash | undefined): Promise<void> {
    session.flash = flash;
    await this.store.write((tx) =>
      tx.sessions.setFlash(hashToken(session.token), flash ? JSON.stringify(flash) : null),
    );
  }

  async end(session: Session): Promise<void> {
    await this.store.write((tx) => tx.sessions.delete(hashToken(session.token)));
  }
}

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    // Stryker disable next-line EqualityOperator: equivalent, a part starting with "=" has an empty name, never `name`
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

export function sessionCookie(session: Session): string {
  const maxAge = Math.floor(SESSION_TTL_MS / 1000);
  return `${SESSION_COOKIE}=${session.token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAge}`;
}

export function clearedCookie(): string {
  return `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`;
}

export function csrfMatches(session: Session, sent: string | null): boolean {
  if (!sent) return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(sent);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A POST whose Origin names another site is refused. The server speaks plain HTTP, but may
 * sit behind a proxy that ends TLS, so either scheme is accepted for this very host.
 */
export function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const host = req.headers.host;
  if (!host) return false;
  return origin === `http://${host}` || origin === `https://${host}`;
}
