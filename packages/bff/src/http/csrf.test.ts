import { CsrfError } from "@spa-bff/core";
import { describe, expect, it } from "vitest";
import { thrown } from "../testing/fixtures.ts";
import { assertCsrfHeader, assertSameSite } from "./csrf.ts";

const origin = "https://app.example";

describe("assertCsrfHeader", () => {
  it("accepts X-CSRF: 1", () => {
    expect(() => assertCsrfHeader({ "x-csrf": "1" })).not.toThrow();
  });

  it.each([
    ["missing", {}],
    ["another value", { "x-csrf": "true" }],
  ])("refuses a %s header with csrf_required", (_name, headers) => {
    // Act
    const error = thrown(() => assertCsrfHeader(headers));
    // Assess
    expect(error).toBeInstanceOf(CsrfError);
    expect(error).toMatchObject({ code: "csrf_required", status: 403, message: 'The "X-CSRF: 1" header is required' });
  });
});

describe("assertSameSite", () => {
  it("accepts a same-origin request", () => {
    expect(() => assertSameSite({ origin, "sec-fetch-site": "same-origin" }, origin)).not.toThrow();
  });

  it("accepts a request without Origin or Fetch Metadata (old browsers, curl)", () => {
    expect(() => assertSameSite({}, origin)).not.toThrow();
  });

  it.each([
    ["another Origin", { origin: "https://evil.example" }],
    ["Origin null", { origin: "null" }],
    ["Sec-Fetch-Site cross-site", { "sec-fetch-site": "cross-site" }],
  ])("refuses %s with cross_site_request", (_name, headers) => {
    // Act
    const error = thrown(() => assertSameSite(headers, origin));
    // Assess
    expect(error).toBeInstanceOf(CsrfError);
    expect(error).toMatchObject({ code: "cross_site_request", status: 403, message: "Cross-site requests are not allowed" });
  });

  it("lets a cross-site top-level navigation start a login", () => {
    expect(() => assertSameSite({ "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate" }, origin, true)).not.toThrow();
  });

  it("refuses a cross-site fetch of a navigation route", () => {
    const error = thrown(() => assertSameSite({ "sec-fetch-site": "cross-site", "sec-fetch-mode": "cors" }, origin, true));
    expect(error).toMatchObject({ code: "cross_site_request" });
  });
});
