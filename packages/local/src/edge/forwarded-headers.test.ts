import { describe, expect, it } from "vitest";
import { forwardHeaders } from "./forwarded-headers.ts";

const facts = { clientIp: "127.0.0.1", host: "localhost:3000", port: 3000 };

describe("forwardHeaders", () => {
  it("appends the client IP to x-forwarded-for and sets proto, port and host", () => {
    // Act
    const headers = forwardHeaders(["Host", "evil.example", "X-Forwarded-For", "203.0.113.9", "X-Forwarded-Proto", "https"], facts);
    // Assess
    expect(headers).toEqual([
      ["host", "localhost:3000"],
      ["x-forwarded-for", "203.0.113.9, 127.0.0.1"],
      ["x-forwarded-proto", "http"],
      ["x-forwarded-port", "3000"],
      ["x-viewer-ip", "127.0.0.1"],
    ]);
  });

  it("replaces a client-sent x-viewer-ip with the address the edge saw, as the deployed Router does", () => {
    // Act
    const headers = forwardHeaders(["X-Viewer-IP", "198.51.100.1", "x-viewer-ip", "198.51.100.2"], facts);
    // Assess
    expect(headers.filter(([name]) => name === "x-viewer-ip")).toEqual([["x-viewer-ip", "127.0.0.1"]]);
  });

  it("strips hop-by-hop headers and the ones Connection names, lower-casing the rest", () => {
    const headers = forwardHeaders(
      [
        "Connection",
        "keep-alive, X-Secret-Hop",
        "Keep-Alive",
        "timeout=5",
        "X-Secret-Hop",
        "1",
        "Transfer-Encoding",
        "chunked",
        "Upgrade",
        "h2c",
        "Accept",
        "a",
        "accept",
        "b",
      ],
      facts,
    );
    expect(headers.slice(0, 2)).toEqual([
      ["accept", "a"],
      ["accept", "b"],
    ]);
    expect(headers.map(([name]) => name)).not.toContain("x-secret-hop");
    expect(headers.map(([name]) => name)).not.toContain("transfer-encoding");
  });
});
