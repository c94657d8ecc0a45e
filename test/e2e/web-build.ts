import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";

/** The SPA's folder and its production build. */
export const webDir = resolve(fileURLToPath(new URL("../../web", import.meta.url)));
export const webDist = join(webDir, "dist");

function newestSourceMtime(): number {
  const sources = [join(webDir, "index.html"), join(webDir, "vite.config.ts"), join(webDir, "package.json")];
  for (const folder of ["src", "public"]) {
    const root = join(webDir, folder);
    if (!existsSync(root)) continue;
    for (const entry of readdirSync(root, { recursive: true, encoding: "utf8" })) sources.push(join(root, entry));
  }
  return Math.max(...sources.filter((file) => existsSync(file)).map((file) => statSync(file).mtimeMs));
}

/**
 * Builds web/dist with Vite when it is missing or older than any source, so
 * the browser tests run against exactly what `npm run build -w web` ships.
 */
export async function ensureWebBuilt(): Promise<string> {
  const index = join(webDist, "index.html");
  if (existsSync(index) && statSync(index).mtimeMs >= newestSourceMtime()) return webDist;
  await build({ root: webDir, configFile: join(webDir, "vite.config.ts"), logLevel: "warn", mode: "production" });
  return webDist;
}

/** Every file of the build, relative to dist. */
export function listBuiltFiles(): string[] {
  return readdirSync(webDist, { recursive: true, encoding: "utf8" }).filter((entry) => statSync(join(webDist, entry)).isFile());
}
