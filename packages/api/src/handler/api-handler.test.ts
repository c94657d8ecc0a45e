import { createLogger, itemsTable } from "@spa-bff/core";
import { startTestDynamo, type TestDynamo } from "@spa-bff/local/testing";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadApiConfig } from "../config.ts";
import { type ApiHandler, createApiHandler } from "./api-handler.ts";

interface Caller {
  /** Epoch seconds, as the authorizer passes the token's `exp` (default: ten minutes from now). */
  exp?: string;
  sub: string;
  clientId: string;
  scope: string;
  principalType: "user" | "machine";
  username?: string;
}

const alice: Caller = {
  sub: "sub-alice",
  clientId: "local-web",
  scope: "openid items/read items/write",
  principalType: "user",
  username: "alice",
};
const bob: Caller = {
  sub: "sub-bob",
  clientId: "local-web",
  scope: "openid items/read items/write",
  principalType: "user",
  username: "bob",
};
const machine: Caller = { sub: "local-m2m", clientId: "local-m2m", scope: "items/read", principalType: "machine" };

function apiEvent(
  caller: Caller | undefined,
  method: string,
  resource: string,
  options: { body?: unknown; rawBody?: string; path?: string; query?: Record<string, string>; id?: string } = {},
): APIGatewayProxyEvent {
  const body = options.rawBody ?? (options.body === undefined ? null : JSON.stringify(options.body));
  return {
    resource,
    path: options.path ?? resource,
    httpMethod: method,
    headers: body === null ? {} : { "Content-Type": "application/json" },
    multiValueHeaders: {},
    queryStringParameters: options.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: options.id === undefined ? null : { id: options.id },
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: "123456789012",
      apiId: "local",
      stage: "local",
      requestId: "req-1",
      resourcePath: resource,
      httpMethod: method,
      authorizer: caller === undefined ? null : { exp: String(Math.floor(Date.now() / 1000) + 600), ...caller, principalId: caller.sub },
    } as unknown as APIGatewayProxyEvent["requestContext"],
  };
}

describe("items API handler", () => {
  let dynamo: TestDynamo;
  let handle: ApiHandler;
  const logger = createLogger("api-test");

  const call = async (event: APIGatewayProxyEvent) => {
    const result = await handle(event);
    return { status: result.statusCode, body: result.body === "" ? undefined : JSON.parse(result.body) };
  };
  const create = async (caller: Caller, title: string) =>
    (await call(apiEvent(caller, "POST", "/items", { body: { title } }))).body as { id: string };

  beforeAll(async () => {
    dynamo = await startTestDynamo({ "Items-test": itemsTable });
    handle = createApiHandler(loadApiConfig({ ITEMS_TABLE: dynamo.tableName, DYNAMODB_ENDPOINT: dynamo.endpoint }), { logger });
  });
  afterAll(() => dynamo.close());

  it("creates an item owned by the caller, with a trimmed title", async () => {
    // Act
    const result = await call(apiEvent(alice, "POST", "/items", { body: { title: "  Buy milk  " } }));
    // Assess
    expect(result.status).toBe(201);
    expect(result.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      title: "Buy milk",
      done: false,
      createdAt: expect.any(String),
    });
  });

  it("shows a user only their own items", async () => {
    // Prepare
    const mine = await create(bob, "Bob's item");
    await create(alice, "Alice's item");
    // Act
    const result = await call(apiEvent(bob, "GET", "/items"));
    // Assess
    expect(result.status).toBe(200);
    expect(result.body.items.map((item: { id: string }) => item.id)).toEqual([mine.id]);
    expect(result.body.items[0]).not.toHaveProperty("owner");
  });

  it("lets a machine with items/read list every owner's items", async () => {
    // Act
    const result = await call(apiEvent(machine, "GET", "/items", { query: { limit: "100" } }));
    // Assess
    expect(result.status).toBe(200);
    const owners = new Set(result.body.items.map((item: { owner: string }) => item.owner));
    expect(owners).toEqual(new Set(["sub-alice", "sub-bob"]));
  });

  it("paginates with an opaque cursor until every item was seen once", async () => {
    // Prepare
    const carol: Caller = { ...alice, sub: "sub-carol", username: "carol" };
    const created = new Set<string>();
    for (const n of [1, 2, 3, 4, 5]) created.add((await create(carol, `item ${n}`)).id);
    // Act
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await call(apiEvent(carol, "GET", "/items", { query: { limit: "2", ...(cursor ? { cursor } : {}) } }));
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((item: { id: string }) => item.id));
      cursor = page.body.nextCursor;
    } while (cursor !== undefined);
    // Assess
    expect(seen.sort()).toEqual([...created].sort());
  });

  it("refuses a garbage cursor with 400", async () => {
    const result = await call(apiEvent(alice, "GET", "/items", { query: { cursor: "bm90LWpzb24" } }));
    expect(result).toEqual({
      status: 400,
      body: { error: "bad_request", message: '"cursor" is not a valid cursor', details: { fields: { cursor: "Invalid cursor" } } },
    });
  });

  it("refuses a user's cursor that points into another owner's partition", async () => {
    const foreign = Buffer.from(JSON.stringify({ o: "sub-bob", i: "x" })).toString("base64url");
    const result = await call(apiEvent(alice, "GET", "/items", { query: { cursor: foreign } }));
    expect(result.status).toBe(400);
    expect(result.body.error).toBe("bad_request");
  });

  it.each([["0"], ["101"], ["ten"], ["-1"]])("refuses limit=%s with 400", async (limit) => {
    const result = await call(apiEvent(alice, "GET", "/items", { query: { limit } }));
    expect(result.status).toBe(400);
    expect(result.body.details).toEqual({ fields: { limit: "An integer from 1 to 100" } });
  });

  it("answers 400 with field errors for an invalid item", async () => {
    const result = await call(apiEvent(alice, "POST", "/items", { body: { title: "   ", done: "yes" } }));
    expect(result).toEqual({
      status: 400,
      body: {
        error: "validation_failed",
        message: "The item is invalid",
        details: { fields: { title: '"title" must not be empty', done: '"done" must be a boolean' } },
      },
    });
  });

  it("refuses a title over 200 characters", async () => {
    const result = await call(apiEvent(alice, "POST", "/items", { body: { title: "x".repeat(201) } }));
    expect(result.status).toBe(400);
    expect(result.body.details.fields.title).toBe('"title" must be at most 200 characters');
  });

  it("rejects an owner in the body instead of trusting it", async () => {
    const result = await call(apiEvent(alice, "POST", "/items", { body: { title: "sneaky", owner: "sub-bob" } }));
    expect(result.status).toBe(400);
    expect(result.body.details.fields).toEqual({ owner: 'Unknown field "owner"' });
  });

  it("answers 415 unsupported_content_type for a body that is not declared as JSON, and stores nothing", async () => {
    // Prepare
    const event = apiEvent(alice, "POST", "/items", { body: { title: "form post" } });
    event.headers = { "Content-Type": "application/x-www-form-urlencoded" };
    // Act
    const result = await call(event);
    // Assess
    expect(result).toEqual({
      status: 415,
      body: { error: "unsupported_content_type", message: '"content-type" must be application/json' },
    });
    const list = await call(apiEvent(alice, "GET", "/items"));
    expect(list.body.items.map((item: { title: string }) => item.title)).not.toContain("form post");
  });

  it("answers 400 (not 500) for a body that is not JSON", async () => {
    const result = await call(apiEvent(alice, "POST", "/items", { rawBody: "{title:" }));
    expect(result).toEqual({ status: 400, body: { error: "bad_request", message: "The body is not valid JSON" } });
  });

  it("answers 400 for a JSON body that is not an object", async () => {
    const result = await call(apiEvent(alice, "POST", "/items", { body: ["a"] }));
    expect(result.status).toBe(400);
    expect(result.body.error).toBe("validation_failed");
  });

  it("deletes the caller's own item and answers 204", async () => {
    // Prepare
    const item = await create(alice, "to delete");
    // Act
    const result = await call(apiEvent(alice, "DELETE", "/items/{id}", { id: item.id, path: `/items/${item.id}` }));
    // Assess
    expect(result.status).toBe(204);
    const again = await call(apiEvent(alice, "DELETE", "/items/{id}", { id: item.id }));
    expect(again).toEqual({ status: 404, body: { error: "not_found", message: "No such item" } });
  });

  it("answers 404 when a user deletes someone else's item, and keeps it", async () => {
    // Prepare
    const item = await create(bob, "bob keeps this");
    // Act
    const result = await call(apiEvent(alice, "DELETE", "/items/{id}", { id: item.id }));
    // Assess
    expect(result).toEqual({ status: 404, body: { error: "not_found", message: "No such item" } });
    const bobs = await call(apiEvent(bob, "GET", "/items", { query: { limit: "100" } }));
    expect(bobs.body.items.map((entry: { id: string }) => entry.id)).toContain(item.id);
  });

  it("answers 404 for an id that is not a uuid", async () => {
    const result = await call(apiEvent(alice, "DELETE", "/items/{id}", { id: "../../etc" }));
    expect(result.status).toBe(404);
  });

  it("returns the authorizer context on GET /whoami", async () => {
    const result = await call(apiEvent(alice, "GET", "/whoami"));
    expect(result).toEqual({
      status: 200,
      body: { sub: "sub-alice", clientId: "local-web", scope: "openid items/read items/write", principalType: "user", username: "alice" },
    });
  });

  it("refuses a write by a token without items/write (403), even if the gateway let it through", async () => {
    const result = await call(apiEvent(machine, "POST", "/items", { body: { title: "x" } }));
    expect(result).toEqual({ status: 403, body: { error: "forbidden", message: 'The "items/write" scope is required' } });
  });

  it("answers 401 without an authorizer context", async () => {
    const result = await call(apiEvent(undefined, "GET", "/whoami"));
    expect(result).toEqual({ status: 401, body: { error: "unauthenticated", message: "No authorizer context" } });
  });

  it("refuses with 401 an authorizer answer (perhaps cached by API Gateway) whose token has expired", async () => {
    // Prepare: the authorizer's cached answer outlived the token by a second
    const expired = { ...alice, exp: String(Math.floor(Date.now() / 1000) - 1) };
    // Act
    const result = await call(apiEvent(expired, "GET", "/items"));
    // Assess
    expect(result).toEqual({ status: 401, body: { error: "unauthenticated", message: "The access token has expired" } });
  });

  it("answers 404 for an unknown route and 405 for a wrong method", async () => {
    expect((await call(apiEvent(alice, "GET", "/nope"))).status).toBe(404);
    const wrong = await call(apiEvent(alice, "PUT", "/items"));
    expect(wrong).toEqual({ status: 405, body: { error: "method_not_allowed", message: "Use GET, POST" } });
  });

  it("answers 503 with a fixed message when the table is missing, and logs the cause's class", async () => {
    // Prepare
    const warn = vi.spyOn(logger, "warn");
    const broken = createApiHandler(loadApiConfig({ ITEMS_TABLE: "no-such-table", DYNAMODB_ENDPOINT: dynamo.endpoint }), { logger });
    // Act
    const result = await broken(apiEvent(alice, "GET", "/items"));
    // Assess
    expect(result.statusCode).toBe(503);
    expect(JSON.parse(result.body)).toEqual({ error: "upstream_unavailable", message: "The upstream service is unavailable" });
    expect(warn).toHaveBeenCalledWith(
      "request failed",
      expect.objectContaining({ code: "upstream_unavailable", status: 503, causeName: "ResourceNotFoundException" }),
    );
  });
});
