import type { IncomingMessage, Server, ServerResponse } from "node:http";

/** Connect-style middleware as Vite exposes it. */
export type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** A Vite dev server running inside the edge process. */
export interface EmbeddedVite {
  readonly middlewares: Middleware;
  close(): Promise<void>;
}

/**
 * Starts Vite in middleware mode, with HMR on the edge's own HTTP server so
 * the SPA, `/auth/*` and `/api/*` share one origin (as behind CloudFront) and
 * the HMR WebSocket needs no second port. Vite is imported lazily: static
 * mode and tests never load it.
 */
export async function startEmbeddedVite(root: string, server: Server): Promise<EmbeddedVite> {
  const { createServer } = await import("vite");
  const vite = await createServer({ root, server: { middlewareMode: true, hmr: { server } }, appType: "spa" });
  return { middlewares: vite.middlewares as unknown as Middleware, close: () => vite.close() };
}
