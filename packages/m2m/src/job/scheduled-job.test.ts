import { createLogger } from "@spa-bff/core";
import type { ScheduledEvent } from "aws-lambda";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { M2mApiError } from "../client/errors.ts";
import type { M2mClient } from "../client/m2m-client.ts";
import type { M2mConfig } from "../config.ts";
import { type FakeOAuth, startFakeOAuth } from "../testing/fake-oauth.ts";
import { createScheduledJob } from "./scheduled-job.ts";

const event = { "detail-type": "Scheduled Event", source: "aws.events" } as ScheduledEvent;

describe("scheduled M2M job", () => {
  let oauth: FakeOAuth;
  let config: M2mConfig;
  const logger = createLogger("m2m-test");

  beforeEach(async () => {
    oauth = await startFakeOAuth();
    config = {
      issuer: oauth.issuer,
      clientId: oauth.clientId,
      clientSecret: oauth.clientSecret,
      scope: "items/read",
      apiBaseUrl: oauth.apiBaseUrl,
      timeoutMs: 2000,
    };
  });
  afterEach(() => {
    vi.restoreAllMocks();
    return oauth.close();
  });

  it("reads the items with a machine token and logs the item count, without the secret or token", async () => {
    // Prepare
    const info = vi.spyOn(logger, "info");
    const run = createScheduledJob(config, { logger });
    // Act
    const report = await run(event);
    // Assess
    expect(report).toEqual({ itemCount: 2 });
    expect(info).toHaveBeenCalledWith("Item report", { itemCount: 2, complete: true });
    expect(oauth.apiRequests()[0]).toMatchObject({ path: "/local/items?limit=100", token: "token-1" });
    expect(JSON.stringify(info.mock.calls)).not.toMatch(/token-1|s3cret/);
  });

  it("follows nextCursor across pages", async () => {
    // Prepare
    const pages = [
      { status: 200, body: { items: [1, 2], nextCursor: "abc" } },
      { status: 200, body: { items: [3] } },
    ];
    const paths: string[] = [];
    const client: M2mClient = {
      request: async (_method, path) => {
        paths.push(path);
        return pages.shift() ?? { status: 500, body: {} };
      },
    };
    // Act
    const report = await createScheduledJob(config, { client, logger })(event);
    // Assess
    expect(report).toEqual({ itemCount: 3 });
    expect(paths).toEqual(["/items?limit=100", "/items?limit=100&cursor=abc"]);
  });

  it("fails with M2mApiError when the API refuses", async () => {
    const client: M2mClient = { request: async () => ({ status: 403, body: { Message: "denied" } }) };
    const outcome = createScheduledJob(config, { client, logger })(event);
    await expect(outcome).rejects.toThrow(new M2mApiError("API request GET /items answered 403"));
  });
});
