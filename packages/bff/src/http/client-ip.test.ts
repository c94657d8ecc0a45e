import { createLogger } from "@spa-bff/core";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { clientIp } from "./client-ip.ts";
import { type BffRequest, createBffRequest } from "./request.ts";

function ctxWith(headers: Record<string, string>, sourceIp = "130.176.1.1"): BffRequest {
  const event = {
    rawPath: "/auth/signin",
    headers,
    requestContext: { http: { method: "POST", sourceIp } },
  } as unknown as APIGatewayProxyEventV2;
  return createBffRequest(event, "req-1", 0, createLogger("client-ip-test"));
}

describe("clientIp", () => {
  it("takes the viewer address CloudFront wrote, not the edge server's sourceIp", () => {
    expect(clientIp(ctxWith({ "x-viewer-ip": "203.0.113.7" }))).toBe("203.0.113.7");
    expect(clientIp(ctxWith({ "x-viewer-ip": "2001:db8::1" }))).toBe("2001:db8::1");
  });

  it("falls back to sourceIp when the header is missing", () => {
    expect(clientIp(ctxWith({}))).toBe("130.176.1.1");
  });

  it("ignores a value that is not an IP address", () => {
    expect(clientIp(ctxWith({ "x-viewer-ip": "evil\r\nx: 1" }))).toBe("130.176.1.1");
    expect(clientIp(ctxWith({ "x-viewer-ip": "a-user-name" }))).toBe("130.176.1.1");
  });
});
