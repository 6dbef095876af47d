/**
 * How many sends one webhook may have in flight, adapted to how its receiver copes. Pure.
 *
 * Additive increase, multiplicative decrease: an answer in time earns a slot back, up to the
 * cap; a send that times out, cannot connect or is told to back off halves the slots, down to
 * one. A webhook starts with a few slots and earns the rest, so receivers that hang from the
 * start hold only a few of the process's shared slots, and a healthy one never waits behind
 * them for long.
 */
import type { SendErrorClass } from "./send.js";

/** Slots a webhook starts with, before its receiver has shown how it copes. */
export const INITIAL_SLOTS = 2;
export const MIN_SLOTS = 1;

/** Statuses by which a receiver says it is overloaded. */
const BACK_OFF_STATUSES: ReadonlySet<number | null> = new Set([429, 503]);

/** Failures that say the receiver is not keeping up or not there. */
const UNREACHABLE: ReadonlySet<SendErrorClass | null> = new Set<SendErrorClass>([
  "timeout",
  "refused",
  "reset",
  "network",
  "tls",
]);

export interface SendOutcome {
  errorClass: SendErrorClass | null;
  statusCode: number | null;
}

export function slotsAfter(current: number, outcome: SendOutcome, max: number): number {
  const { errorClass, statusCode } = outcome;
  if (UNREACHABLE.has(errorClass)) return Math.max(MIN_SLOTS, Math.floor(current / 2));
  if (BACK_OFF_STATUSES.has(statusCode)) return Math.max(MIN_SLOTS, Math.floor(current / 2));
  // Refused by our own policy or by DNS: nothing was learnt about the receiver's capacity.
  if (errorClass === "policy" || errorClass === "dns") return Math.min(current, max);
  return Math.min(max, current + 1);
}
