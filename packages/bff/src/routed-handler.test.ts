import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { loadBffConfig } from "./config.ts";
import { createRoutedHandler } from "./routed-handler.ts";
import { apiRoutes } from "./routes/api-routes.ts";

const env = {
  OIDC_ISSUER: "https://idp.example",
  OIDC_CLIENT_ID: "web",
  OIDC_CLIENT_SECRET: "web-secret",
  APP_ORIGIN: "https://app.example",
  SESSION_TABLE: "Sessions",
  KEY_PROVIDER: "kms",
  KMS_KEY_ID: "alias/bff",
  API_BASE_URL: "https://api.example/prod",
};

function event(method: string, rawPath: string): APIGatewayProxyEventV2 {
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath,
    rawQueryString: "",
    headers: { "x-csrf": "1", origin: env.APP_ORIGIN },
    requestContext: { http: { method, path: rawPath, sourceIp: "203.0.113.1" }, requestId: "r1" },
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
}

describe("createRoutedHandler", () => {
  it("serves only its own route group: the /api function answers 404 for /auth routes", async () => {
    // Prepare
    const handler = createRoutedHandler(loadBffConfig(env), {}, [apiRoutes]);
    // Act
    const result = await handler(event("GET", "/auth/session"));
    // Assess
    expect(result.statusCode).toBe(404);
    expect(JSON.parse(result.body ?? "")).toEqual({ error: "not_found", message: "No such route" });
    expect(result.headers?.["x-content-type-options"]).toBe("nosniff");
  });

  it("still checks CSRF first on its own routes", async () => {
    const handler = createRoutedHandler(loadBffConfig(env), {}, [apiRoutes]);
    const request = event("GET", "/api/items");
    delete (request.headers as Record<string, string>)["x-csrf"];
    const result = await handler(request);
    expect(result.statusCode).toBe(403);
    expect(JSON.parse(result.body ?? "")).toMatchObject({ error: "csrf_required" });
  });
});
