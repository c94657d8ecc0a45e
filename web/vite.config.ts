import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/**
 * Static build for S3 + CloudFront. No source maps in production, and no
 * inline scripts, so the CSP can stay `default-src 'self'`. No dev proxy: the
 * local edge serves /auth and /api on the SPA's own origin.
 */
export default defineConfig({
  plugins: [react()],
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
