import { afterEach, describe, expect, it, vi } from "vitest";
import { createLogger } from "../log.ts";
import { captureOutput } from "./capture-output.ts";

describe("captureOutput", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("collects the JSON lines a real logger writes, instead of printing them", () => {
    // Prepare
    const output = captureOutput();
    // Act
    createLogger("capture-test").warn("something happened", { reason: "code_expired" });
    // Assess
    expect(output.lines).toHaveLength(1);
    expect(JSON.parse(output.text())).toMatchObject({ level: "WARN", message: "something happened", reason: "code_expired" });
  });
});
