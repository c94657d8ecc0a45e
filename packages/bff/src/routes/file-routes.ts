import type { RouteGroup } from "../runtime.ts";
import { createFileRoutes } from "./files.ts";

/** `/files*`: per-user uploads, only with a bucket configured; otherwise an unknown route (404). */
export const fileRoutes: RouteGroup = (runtime, ensureFresh, deps) =>
  runtime.config.files || deps.files ? createFileRoutes(runtime, ensureFresh, runtime.config.files, deps.files) : [];
