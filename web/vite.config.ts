import react from "@vitejs/plugin-react";
import { defineConfig, type ProxyOptions } from "vite";

/** The port of `sst dev`'s URL (stacks/stage.ts `devServerOrigin`, a Cognito callback origin): taken means fail, not move. */
const devServerPort = 5173;

/**
 * The BFF's paths on the SPA's origin, as the Router routes them
 * (stacks/web.ts `bffPaths`): `/files` alone and everything below
 * `/auth/`, `/api/` and `/files/`.
 */
const bffPathPatterns = ["^/auth/", "^/api/", "^/files(/|$)"];

/**
 * Under `sst dev`, SST starts this dev server with `SPA_DEV_PROXY_TARGET`
 * set to the stage's Router URL (stacks/web.ts). The BFF's paths go there,
 * so the browser keeps one origin for the SPA and the BFF, as behind
 * CloudFront: the session cookie (no Domain attribute) belongs to this
 * origin, and the browser's Origin header reaches the BFF untouched, where
 * APP_ORIGIN is this server's origin under `sst dev`. Only Host changes, to
 * the Router's, which CloudFront requires.
 */
function devProxy(target: string | undefined): Record<string, ProxyOptions> | undefined {
  if (!target) return undefined;
  return Object.fromEntries(bffPathPatterns.map((pattern) => [pattern, { target, changeOrigin: true, secure: true, ws: false }]));
}

/**
 * Static build for S3 + CloudFront. No source maps in production, and no
 * inline scripts, so the CSP can stay `default-src 'self'`. Locally
 * (`npm start`) the local edge serves /auth and /api on the SPA's own
 * origin and embeds Vite without a proxy.
 */
export default defineConfig({
  plugins: [react()],
  server: { port: devServerPort, strictPort: true, proxy: devProxy(process.env.SPA_DEV_PROXY_TARGET) },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    target: "es2022",
    // The polyfill would be an inline script, which the CSP refuses; every target browser supports modulepreload.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
