import { describe, expect, it } from "vitest";
import { formatDateTime } from "../ui/format.ts";
import { deviceLabel, sessionName, signInMethodLabel } from "./labels.ts";
import type { ActiveSession } from "./sessions-api.ts";

function session(handle: string, device: string, createdAt = "2026-03-01T08:00:00.000Z"): ActiveSession {
  return { handle, device, createdAt, lastActiveAt: createdAt, current: false };
}

describe("signInMethodLabel", () => {
  it.each([
    ["password", "Password"],
    ["password_and_code", "Password and a one-time code"],
    ["federated", "Single sign-on"],
  ] as const)("calls %s %j", (method, label) => {
    // Act
    const text = signInMethodLabel(method);

    // Assess
    expect(text).toBe(label);
  });
});

describe("deviceLabel", () => {
  it.each([
    ["Chrome on Linux", "Chrome on Linux"],
    ["  Firefox \t on\nWindows ", "Firefox on Windows"],
    ["Edge\u0000on\u007fWindows", "Edge on Windows"],
    ["", "Unknown device"],
    [" \n ", "Unknown device"],
  ])("makes %j read %j", (device, label) => {
    // Act
    const text = deviceLabel(device);

    // Assess
    expect(text).toBe(label);
  });

  it("cuts a long summary to 60 characters, ending in an ellipsis, without splitting a character", () => {
    // Prepare
    const device = `${"🦊".repeat(70)}`;

    // Act
    const text = deviceLabel(device);

    // Assess
    expect(Array.from(text)).toHaveLength(60);
    expect(text.endsWith("🦊…")).toBe(true);
  });
});

describe("sessionName", () => {
  it("is the device alone when no other session in the list has the same one", () => {
    // Prepare
    const all = [session("a", "Chrome on Linux"), session("b", "Safari on iOS")];

    // Act
    const names = all.map((entry) => sessionName(entry, all));

    // Assess
    expect(names).toEqual(["Chrome on Linux", "Safari on iOS"]);
  });

  it("adds when it was signed in when two sessions share a device, so each End session button has its own name", () => {
    // Prepare
    const all = [
      session("a", "Chrome on Linux", "2026-03-01T08:00:00.000Z"),
      session("b", " Chrome  on Linux", "2026-02-20T17:30:00.000Z"),
      session("c", "Safari on iOS"),
    ];

    // Act
    const names = all.map((entry) => sessionName(entry, all));

    // Assess
    expect(names).toEqual([
      `Chrome on Linux, signed in ${formatDateTime("2026-03-01T08:00:00.000Z")}`,
      `Chrome on Linux, signed in ${formatDateTime("2026-02-20T17:30:00.000Z")}`,
      "Safari on iOS",
    ]);
    expect(new Set(names).size).toBe(3);
  });
});
