import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { SessionRow } from "./session-row.tsx";
import type { ActiveSession } from "./sessions-api.ts";

const now = new Date("2026-03-01T12:00:00.000Z");
const thisBrowser: ActiveSession = {
  handle: "h-1",
  createdAt: "2026-03-01T08:00:00.000Z",
  lastActiveAt: "2026-03-01T11:58:00.000Z",
  device: "Chrome on Linux",
  signInMethod: "password_and_code",
  current: true,
};
const phone: ActiveSession = {
  handle: "h-2",
  createdAt: "2026-02-27T18:00:00.000Z",
  lastActiveAt: "2026-03-01T07:00:00.000Z",
  device: "Safari on iOS",
  current: false,
};

function render(session: ActiveSession, confirming = false): string {
  const noop = () => undefined;
  return renderToStaticMarkup(
    createElement(SessionRow, {
      session,
      all: [thisBrowser, phone],
      now,
      confirming,
      ending: false,
      onAsk: noop,
      onConfirm: noop,
      onCancel: noop,
    }),
  );
}

describe("SessionRow", () => {
  it('marks this browser\'s session "This browser", says how it signed in, and offers no End session', () => {
    // Act
    const html = render(thisBrowser);

    // Assess
    expect(html).toContain('<span class="tag tag-current">This browser</span>');
    expect(html).toContain("<dt>Signed in with</dt><dd>Password and a one-time code</dd>");
    // The words depend on the machine's locale; formatRelativeTime's own test pins them.
    expect(html).toMatch(/<time dateTime="2026-03-01T11:58:00.000Z">[^<]+<\/time>/);
    expect(html).not.toContain("<button");
  });

  it("names another session's button after its device, and leaves out a sign-in method the BFF did not give", () => {
    // Act
    const html = render(phone);

    // Assess
    expect(html).toContain('aria-label="End session on Safari on iOS"');
    expect(html).toContain(">End session</button>");
    expect(html).not.toContain("Signed in with");
    expect(html).not.toContain("This browser");
  });

  it("asks before ending, in a group named by the question, with Yes and Cancel", () => {
    // Act
    const html = render(phone, true);

    // Assess
    expect(html).toMatch(
      /role="group" aria-labelledby="([^"]+)".*<p id="\1" class="confirm-question">End the session on Safari on iOS\?<\/p>/,
    );
    expect(html).toContain(">Yes, end it</button>");
    expect(html).toContain(">Cancel</button>");
    expect(html).not.toContain('aria-label="End session on Safari on iOS"');
  });
});
