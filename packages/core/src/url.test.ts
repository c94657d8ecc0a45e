import { describe, expect, it } from "vitest";
import { isAllowedServiceUrl, isLoopbackUrl } from "./url.ts";

describe("isLoopbackUrl", () => {
  it.each(["http://localhost:3000", "http://127.0.0.1:3001/x", "http://127.10.0.1", "http://[::1]:8000"])("accepts %s", (url) => {
    expect(isLoopbackUrl(url)).toBe(true);
  });

  it.each([
    "http://localhost.evil.example",
    "http://127.0.0.1.nip.io",
    "http://10.0.0.1",
    "https://example.com",
    "http://0.0.0.0",
    "not a url",
    "http://[::ffff:7f00:1]",
  ])("refuses %s", (url) => {
    expect(isLoopbackUrl(url)).toBe(false);
  });
});

describe("isAllowedServiceUrl", () => {
  it("allows https anywhere and http only on loopback", () => {
    expect(isAllowedServiceUrl("https://cognito-idp.eu-west-1.amazonaws.com/pool")).toBe(true);
    expect(isAllowedServiceUrl("http://127.0.0.1:3001")).toBe(true);
    expect(isAllowedServiceUrl("http://idp.example.com")).toBe(false);
    expect(isAllowedServiceUrl("ftp://127.0.0.1")).toBe(false);
    expect(isAllowedServiceUrl("javascript:alert(1)")).toBe(false);
  });
});
