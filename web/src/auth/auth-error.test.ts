import { describe, expect, it } from "vitest";
import { describeAuthError, takeAuthError } from "./auth-error.ts";

function fakeHistory() {
  const replaced: string[] = [];
  return {
    replaced,
    history: {
      state: null,
      replaceState: (_state: unknown, _unused: string, url?: string | URL | null) => void replaced.push(String(url)),
    },
  };
}

describe("takeAuthError", () => {
  it("returns a readable message for auth_error and removes only that parameter from the URL", () => {
    // Prepare
    const { replaced, history } = fakeHistory();

    // Act
    const message = takeAuthError({ href: "http://localhost:3000/items?auth_error=access_denied&view=all#top" }, history);

    // Assess
    expect(message).toBe("Login was cancelled or not allowed. You can try again.");
    expect(replaced).toEqual(["/items?view=all#top"]);
  });

  it("leaves the URL alone when there is no auth_error", () => {
    // Prepare
    const { replaced, history } = fakeHistory();

    // Act
    const message = takeAuthError({ href: "http://localhost:3000/?view=all" }, history);

    // Assess
    expect(message).toBeNull();
    expect(replaced).toEqual([]);
  });

  it("never echoes an unknown code into the message", () => {
    // Act
    const message = describeAuthError("<img src=x onerror=alert(1)>");

    // Assess
    expect(message).toBe("Login did not succeed. Please try again.");
  });
});
