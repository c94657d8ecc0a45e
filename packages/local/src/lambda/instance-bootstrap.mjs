// A worker's first module, in plain JavaScript because nothing can load TypeScript yet: neither
// vitest's transform nor a `tsx` CLI's loader reaches worker threads. Each instance registers tsx
// for itself (in-thread hooks where Node has `module.registerHooks`, a loader thread on Node 20).
import { register } from "tsx/esm/api";

register();
await import("./instance.ts");
