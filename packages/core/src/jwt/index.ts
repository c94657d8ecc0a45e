export { LoopbackFetcher } from "./loopback-fetcher.ts";
