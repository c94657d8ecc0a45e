import { realpath, stat } from "node:fs/promises";
import { extname, isAbsolute, relative, resolve, sep } from "node:path";

const contentTypes: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".webmanifest": "application/manifest+json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".wasm": "application/wasm",
};

/** The content type for a file name; unknown extensions are opaque bytes (nosniff keeps them so). */
export function contentTypeFor(fileName: string): string {
  return contentTypes[extname(fileName).toLowerCase()] ?? "application/octet-stream";
}

/**
 * Cache policy of the deployed site: content-hashed build assets never
 * change, so browsers keep them for a year; `index.html` must be revalidated
 * every time so a deploy takes effect at once; other files get a short TTL.
 */
export function cacheControlFor(relativePath: string): string {
  const name = relativePath.split("/").pop() ?? relativePath;
  if (name === "index.html" || name.endsWith(".html")) return "no-cache";
  // Vite names build output `name-<hash>.ext` with an 8-character base64url hash.
  if (/-[A-Za-z0-9_-]{8,}\.[A-Za-z0-9]+$/.test(name)) return "public, max-age=31536000, immutable";
  return "public, max-age=300";
}

/** A file the edge may send. */
export interface StaticFile {
  readonly filePath: string;
  readonly contentType: string;
  readonly cacheControl: string;
  readonly size: number;
}

/**
 * Resolves a URL path to a file under `dir`, or `undefined`. Refuses anything
 * that could leave the directory: encoded or plain `..`, backslashes, NUL
 * bytes, dot-files (`.env`, `.git`) and symlinks pointing outside. For a
 * navigation request to an unknown path it answers `index.html` (SPA routes);
 * a missing asset stays a 404 so a broken build is not masked by HTML.
 */
export async function resolveStaticFile(dir: string, urlPath: string, options: { navigation: boolean }): Promise<StaticFile | undefined> {
  const root = await realpath(dir).catch(() => undefined);
  if (root === undefined) return undefined;
  const relativePath = safeRelativePath(urlPath);
  if (relativePath !== undefined) {
    const candidate = relativePath === "" ? "index.html" : relativePath;
    const found = await fileInside(root, candidate);
    if (found) return found;
    if (relativePath !== "") {
      const index = await fileInside(root, `${relativePath}/index.html`);
      if (index) return index;
    }
  }
  return options.navigation ? fileInside(root, "index.html") : undefined;
}

/** The decoded path relative to the root, or `undefined` when it is unsafe. */
export function safeRelativePath(urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (!decoded.startsWith("/") || decoded.includes("\0") || decoded.includes("\\")) return undefined;
  const segments = decoded.split("/").filter((segment) => segment !== "");
  if (segments.some((segment) => segment.startsWith("."))) return undefined;
  return segments.join("/");
}

async function fileInside(root: string, relativePath: string): Promise<StaticFile | undefined> {
  const target = resolve(root, relativePath);
  if (!isInside(root, target)) return undefined;
  try {
    // realpath follows symlinks, so a link to /etc/passwd is caught by the second check.
    const real = await realpath(target);
    if (!isInside(root, real)) return undefined;
    const info = await stat(real);
    if (!info.isFile()) return undefined;
    return { filePath: real, contentType: contentTypeFor(real), cacheControl: cacheControlFor(relativePath), size: info.size };
  } catch {
    return undefined;
  }
}

function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel !== "" && !rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel);
}
