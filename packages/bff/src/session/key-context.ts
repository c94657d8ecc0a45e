import type { KeyContext } from "./types.ts";

/**
 * One canonical string for a key context (sorted keys), so the same context
 * always gives the same AAD and the same cache key whatever the property order.
 */
export function canonicalContext(context: KeyContext): string {
  const entries = Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(entries);
}

/** The context bound into every session data key unless the caller picks another. */
export const defaultKeyContext: KeyContext = Object.freeze({ purpose: "bff-session", app: "spa-bff" });
