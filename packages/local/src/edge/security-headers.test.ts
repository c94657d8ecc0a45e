import { responseHeadersPolicy } from "@spa-bff/core/infra";
import { describe, expect, it } from "vitest";
import { applyResponseHeadersPolicy, policyHeaders } from "./security-headers.ts";

describe("policyHeaders", () => {
  it("sends the declared policy: its CSP directives, nosniff, DENY and the referrer policy, without HSTS over http", () => {
    // Act
    const headers = policyHeaders("static", 3000);
    // Assess
    expect(headers).toEqual({
      "content-security-policy": responseHeadersPolicy.contentSecurityPolicy.join("; "),
      "x-content-type-options": "nosniff",
      "x-frame-options": "DENY",
      "referrer-policy": "strict-origin-when-cross-origin",
    });
    expect(Object.keys(headers)).not.toContain("strict-transport-security");
  });

  it("lets the SPA connect to the extra origins, and in Vite mode only also to the dev server's socket and inline code", () => {
    // Act
    const built = policyHeaders("static", 3000, ["http://127.0.0.1:4566/bucket/key"])["content-security-policy"];
    const vite = policyHeaders("vite", 3000)["content-security-policy"];
    // Assess
    expect(built).toContain("connect-src 'self' http://127.0.0.1:4566;");
    expect(built).not.toContain("unsafe-inline");
    expect(vite).toContain("connect-src 'self' ws://localhost:3000 ws://127.0.0.1:3000;");
    expect(vite).toContain("script-src 'self' 'unsafe-inline'");
    expect(vite).toContain("frame-ancestors 'none'");
  });

  it("follows the policy it is given", () => {
    // Act
    const headers = policyHeaders("static", 3000, [], {
      ...responseHeadersPolicy,
      frameOptions: "SAMEORIGIN",
      referrerPolicy: "no-referrer",
    });
    // Assess
    expect(headers).toMatchObject({ "x-frame-options": "SAMEORIGIN", "referrer-policy": "no-referrer" });
  });
});

describe("applyResponseHeadersPolicy", () => {
  const policy = { "x-frame-options": "DENY", "referrer-policy": "strict-origin-when-cross-origin" };

  it("with override, replaces every value the origin sent under a policy header's name, in any case, and keeps the rest in order", () => {
    // Act
    const headers = applyResponseHeadersPolicy(
      [
        ["content-type", "application/json"],
        ["Referrer-Policy", "no-referrer"],
        ["x-frame-options", "SAMEORIGIN"],
        ["x-frame-options", "ALLOW-FROM https://evil.example"],
        ["set-cookie", "a=1"],
      ],
      policy,
      true,
    );
    // Assess
    expect(headers).toEqual([
      ["content-type", "application/json"],
      ["set-cookie", "a=1"],
      ["x-frame-options", "DENY"],
      ["referrer-policy", "strict-origin-when-cross-origin"],
    ]);
  });

  it("without override, keeps the origin's value and adds the policy's only where the origin sent none", () => {
    // Act
    const headers = applyResponseHeadersPolicy([["referrer-policy", "no-referrer"]], policy, false);
    // Assess
    expect(headers).toEqual([
      ["referrer-policy", "no-referrer"],
      ["x-frame-options", "DENY"],
    ]);
  });
});
