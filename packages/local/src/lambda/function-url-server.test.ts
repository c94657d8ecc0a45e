import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../http/listen.ts";
import { startFunctionUrlServer } from "./function-url-server.ts";
import { inProcess } from "./in-process.ts";

describe("a public function URL (AuthType NONE)", () => {
  const seen: APIGatewayProxyEventV2[] = [];
  let ready = false;
  let url: RunningServer;

  beforeAll(async () => {
    const echo = inProcess(async (event: APIGatewayProxyEventV2) => {
      seen.push(event);
      if (event.rawPath === "/throw") throw new Error("boom");
      return { statusCode: 200, headers: { "content-type": "text/plain" }, cookies: ["a=1"], body: "ok" };
    });
    url = await startFunctionUrlServer({ port: 0, invoke: () => (ready ? echo : undefined), label: "test URL" });
  });

  afterAll(async () => {
    await url?.stop();
  });

  it("answers 502 Internal Server Error while its function does not exist yet", async () => {
    // Act
    const answer = await fetch(`${url.url}/x`);
    // Assess
    expect(answer.status).toBe(502);
    expect(await answer.text()).toBe("Internal Server Error");
    expect(seen).toHaveLength(0);
  });

  it("gives the function the connection's address as sourceIp and the caller's headers as sent, with no body hash asked", async () => {
    // Prepare
    ready = true;
    // Act
    const answer = await fetch(`${url.url}/auth/backchannel-logout?x=1`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-viewer-ip": "198.51.100.7" },
      body: "logout_token=t",
    });
    // Assess
    const event = seen.at(-1);
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe("ok");
    expect(answer.headers.get("set-cookie")).toBe("a=1");
    expect(event?.requestContext.http.sourceIp).toBe("127.0.0.1");
    expect(event?.headers["x-viewer-ip"]).toBe("198.51.100.7");
    expect(event?.rawPath).toBe("/auth/backchannel-logout");
    expect(event?.rawQueryString).toBe("x=1");
    expect(Buffer.from(event?.body ?? "", event?.isBase64Encoded ? "base64" : "utf8").toString()).toBe("logout_token=t");
  });

  it("answers a function error as a function URL does: 502 Internal Server Error", async () => {
    // Act
    const answer = await fetch(`${url.url}/throw`);
    // Assess
    expect(answer.status).toBe(502);
    expect(await answer.text()).toBe("Internal Server Error");
  });
});
