/**
 * Test fixtures of the session layer (subpath `@spa-bff/bff/testing`), for
 * tests and benchmarks only: never imported by the handler.
 */
export { createFakeKms } from "./fake-kms.ts";
