/**
 * `changes` of an `*.updated` event: each field that moved, with its previous and current
 * value. Pure; the rules are the webhook contract's:
 * - relationship id arrays compare as sets and report both whole arrays;
 * - customFieldValues compare as a map keyed by columnId, a deal's services as a map keyed
 *   by serviceId (order never matters);
 * - objects (notes) by deep equality; scalars by value; `emails` in order;
 * - `updatedAt` never counts.
 */

export type Changes = Record<string, { previous: unknown; current: unknown }>;

const IGNORED = new Set(["id", "updatedAt", "createdAt"]);

export function diffRecords(previous: Record<string, unknown>, current: Record<string, unknown>): Changes {
  const changes: Changes = {};
  const fields = new Set([...Object.keys(previous), ...Object.keys(current)]);
  for (const field of fields) {
    if (IGNORED.has(field)) continue;
    const before = previous[field] ?? null;
    const after = current[field] ?? null;
    if (!sameField(field, before, after)) changes[field] = { previous: before, current: after };
  }
  return changes;
}

function sameField(field: string, a: unknown, b: unknown): boolean {
  if (field.endsWith("Ids")) return sameSet(a as string[] | null, b as string[] | null);
  if (field === "customFieldValues") return sameKeyed(a, b, "columnId");
  if (field === "services") return sameKeyed(a, b, "serviceId");
  return deepEqual(a, b);
}

function sameSet(a: string[] | null, b: string[] | null): boolean {
  const left = new Set(a ?? []);
  const right = new Set(b ?? []);
  if (left.size !== right.size) return false;
  for (const x of left) if (!right.has(x)) return false;
  return true;
}

function sameKeyed(a: unknown, b: unknown, key: string): boolean {
  const toMap = (list: unknown) => {
    const m = new Map<unknown, unknown>();
    for (const item of (list as Record<string, unknown>[] | null) ?? []) m.set(item[key], item);
    return m;
  };
  const left = toMap(a);
  const right = toMap(b);
  if (left.size !== right.size) return false;
  for (const [k, v] of left) {
    if (!right.has(k) || !deepEqual(v, right.get(k))) return false;
  }
  return true;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    return typeof a === "number" && typeof b === "number" && Number.isNaN(a) && Number.isNaN(b);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], bb[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bKeys = Object.keys(bo).filter((k) => bo[k] !== undefined);
  if (keys.length !== bKeys.length) return false;
  for (const k of keys) if (!deepEqual(ao[k], bo[k])) return false;
  return true;
}
