import { describe, expect, it } from "vitest";
import { loadBffConfig } from "./config.ts";
import { createRoutedHandler } from "./routed-handler.ts";
import { apiRoutes } from "./routes/api-routes.ts";
import { functionUrlEvent, handlerEnv } from "./testing/fixtures.ts";

describe("createRoutedHandler", () => {
  it("serves only its own route group: the /api function answers 404 for /auth routes", async () => {
    // Prepare
    const handler = createRoutedHandler(loadBffConfig(handlerEnv), {}, [apiRoutes]);
    // Act
    const result = await handler(functionUrlEvent("GET", "/auth/session"));
    // Assess
    expect(result.statusCode).toBe(404);
    expect(JSON.parse(result.body ?? "")).toEqual({ error: "not_found", message: "No such route" });
    expect(result.headers?.["x-content-type-options"]).toBe("nosniff");
  });

  it("still checks CSRF first on its own routes", async () => {
    // Prepare
    const handler = createRoutedHandler(loadBffConfig(handlerEnv), {}, [apiRoutes]);
    const request = functionUrlEvent("GET", "/api/items");
    delete (request.headers as Record<string, string>)["x-csrf"];
    // Act
    const result = await handler(request);
    // Assess
    expect(result.statusCode).toBe(403);
    expect(JSON.parse(result.body ?? "")).toMatchObject({ error: "csrf_required" });
  });
});
