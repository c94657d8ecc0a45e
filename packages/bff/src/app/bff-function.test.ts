import { describe, expect, it } from "vitest";
import { loadBffConfig } from "../config.ts";
import { functionUrlEvent, handlerEnv } from "../testing/fixtures.ts";
import { apiGroup } from "./api-group.ts";
import { createBffFunction } from "./bff-function.ts";

describe("createBffFunction", () => {
  it("serves only its own route group: the /api function answers 404 for /auth routes", async () => {
    // Prepare
    const handler = createBffFunction(loadBffConfig(handlerEnv), [apiGroup]);
    // Act
    const result = await handler(functionUrlEvent("GET", "/auth/session"));
    // Assess
    expect(result.statusCode).toBe(404);
    expect(JSON.parse(result.body ?? "")).toEqual({ error: "not_found", message: "No such route" });
    expect(result.headers?.["x-content-type-options"]).toBe("nosniff");
  });

  it("still checks CSRF first on its own routes", async () => {
    // Prepare
    const handler = createBffFunction(loadBffConfig(handlerEnv), [apiGroup]);
    const request = functionUrlEvent("GET", "/api/items");
    delete (request.headers as Record<string, string>)["x-csrf"];
    // Act
    const result = await handler(request);
    // Assess
    expect(result.statusCode).toBe(403);
    expect(JSON.parse(result.body ?? "")).toMatchObject({ error: "csrf_required" });
  });
});
