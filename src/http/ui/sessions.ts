import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Actor } from "../../events/recorder.js";

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
 * Browser sessions, in memory: the cookie holds only a random token, never the API key,
 * so a restart signs everyone out.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly now: () => number = Date.now) {}

  create(actor: Actor): Session {
    this.sweep();
    const session: Session = {
      token: randomBytes(32).toString("base64url"),
      actor,
      csrf: randomBytes(32).toString("base64url"),
      expiresAt: this.now() + SESSION_TTL_MS,
    };
    this.sessions.set(session.token, session);
    return session;
  }

  /** The live session named by the request's cookie, or null. */
  fromRequest(req: IncomingMessage): Session | null {
    const token = cookieValue(req.headers.cookie, SESSION_COOKIE);
    // Stryker disable next-line ConditionalExpression: equivalent, no session is filed under null
    if (!token) return null;
    const session = this.sessions.get(token);
    if (!session) return null;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(token);
      return null;
    }
    return session;
  }

  end(session: Session): void {
    this.sessions.delete(session.token);
  }

  private sweep(): void {
    const now = this.now();
    for (const [token, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(token);
  }
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
