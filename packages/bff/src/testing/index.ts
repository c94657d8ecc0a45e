/**
 * Test support of the BFF (subpath `@spa-bff/bff/testing`), for tests and
 * benchmarks only: never imported by a handler.
 */
export { createFakeCognito } from "./fake-cognito.ts";
export { createFakeKms } from "./fake-kms.ts";
export { memorySessionLayer } from "./fixtures.ts";
export type { MemorySessionStore } from "./memory-session-store.ts";
export { createMemorySessionStore } from "./memory-session-store.ts";
export { sessionItemKey } from "./session-item-key.ts";
