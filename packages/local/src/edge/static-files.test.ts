import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cacheControlFor, contentTypeFor, resolveStaticFile, safeRelativePath } from "./static-files.ts";

let base: string;
let dir: string;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), "edge-static-"));
  dir = join(base, "dist");
  await mkdir(join(dir, "assets"), { recursive: true });
  await writeFile(join(dir, "index.html"), "<!doctype html><title>app</title>");
  await writeFile(join(dir, "assets", "index-BxYz12_a.js"), "console.log(1)");
  await writeFile(join(dir, "favicon.svg"), "<svg/>");
  await writeFile(join(dir, ".env"), "SECRET=1");
  await writeFile(join(base, "secret.txt"), "outside");
  await symlink(join(base, "secret.txt"), join(dir, "link.txt"));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe("resolveStaticFile", () => {
  it("serves a hashed asset as immutable JavaScript", async () => {
    const file = await resolveStaticFile(dir, "/assets/index-BxYz12_a.js", { navigation: false });
    expect(file).toMatchObject({
      contentType: "text/javascript; charset=utf-8",
      cacheControl: "public, max-age=31536000, immutable",
      size: 14,
    });
  });

  it("serves index.html for / and for a navigation to an unknown SPA route, never cached", async () => {
    const root = await resolveStaticFile(dir, "/", { navigation: true });
    const route = await resolveStaticFile(dir, "/items/42", { navigation: true });
    expect(root?.filePath).toBe(join(dir, "index.html"));
    expect(route?.filePath).toBe(join(dir, "index.html"));
    expect(route?.cacheControl).toBe("no-cache");
    expect(route?.contentType).toBe("text/html; charset=utf-8");
  });

  it("answers nothing for a missing asset that is not a navigation", async () => {
    expect(await resolveStaticFile(dir, "/assets/missing-12345678.js", { navigation: false })).toBeUndefined();
  });

  it("refuses traversal, dot-files and symlinks that leave the directory", async () => {
    for (const path of [
      "/../secret.txt",
      "/%2e%2e/secret.txt",
      "/assets/..%2f..%2fsecret.txt",
      "/.env",
      "/link.txt",
      "/%00index.html",
      "/..\\secret.txt",
    ]) {
      expect(await resolveStaticFile(dir, path, { navigation: false })).toBeUndefined();
    }
  });

  it("falls back to index.html, not the refused file, when a refused path is a navigation", async () => {
    const file = await resolveStaticFile(dir, "/../secret.txt", { navigation: true });
    expect(file?.filePath).toBe(join(dir, "index.html"));
  });

  it("answers nothing when the directory does not exist", async () => {
    expect(await resolveStaticFile(join(base, "missing"), "/", { navigation: true })).toBeUndefined();
  });
});

describe("safeRelativePath", () => {
  it("decodes and normalises a safe path", () => {
    expect(safeRelativePath("/assets//a%20b.js")).toBe("assets/a b.js");
    expect(safeRelativePath("/")).toBe("");
  });

  it("refuses malformed percent-encoding", () => {
    expect(safeRelativePath("/%E0%A4%A")).toBeUndefined();
  });
});

describe("contentTypeFor and cacheControlFor", () => {
  it("knows the web types and falls back to octet-stream", () => {
    expect(contentTypeFor("a.css")).toBe("text/css; charset=utf-8");
    expect(contentTypeFor("a.woff2")).toBe("font/woff2");
    expect(contentTypeFor("a.unknown")).toBe("application/octet-stream");
  });

  it("gives unhashed files a short TTL", () => {
    expect(cacheControlFor("favicon.svg")).toBe("public, max-age=300");
  });
});
