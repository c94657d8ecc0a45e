import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inProcess } from "../lambda/in-process.ts";
import { type RunningEdge, startEdge } from "./server.ts";

let root: string;
let edge: RunningEdge | undefined;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "edge-vite-"));
  await writeFile(join(root, "index.html"), '<!doctype html><title>vite spa</title><script type="module" src="/main.js"></script>');
  await writeFile(join(root, "main.js"), "document.title = 'ready';\n");
});

afterAll(async () => {
  await edge?.stop();
  await rm(root, { recursive: true, force: true });
});

describe("startEdge in vite mode", () => {
  it("serves the SPA through Vite on the edge's origin, with the dev-only CSP and the BFF still routed", async () => {
    // Prepare
    edge = await startEdge({
      port: 0,
      spa: { kind: "vite", root },
      functions: [
        { prefix: "/auth/", invoke: inProcess(async (event: APIGatewayProxyEventV2) => ({ statusCode: 200, body: event.rawPath })) },
      ],
    });
    // Act
    const page = await fetch(`${edge.url}/items/42`, { headers: { accept: "text/html" } });
    const script = await fetch(`${edge.url}/main.js`);
    const bff = await fetch(`${edge.url}/auth/session`);
    // Assess
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain("<title>vite spa</title>");
    expect(html).toContain("/@vite/client");
    expect(page.headers.get("content-security-policy")).toContain(`connect-src 'self' ws://localhost:${edge.port}`);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self' 'unsafe-inline'");
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    expect(script.status).toBe(200);
    expect(await script.text()).toContain("ready");
    expect(await bff.text()).toBe("/auth/session");
  });
});
