import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { AccountCard } from "./account-card.tsx";

const user = { sub: "u-alice", name: "Alice Anderson", email: "alice@example.com" };

describe("AccountCard", () => {
  it("says how the user signed in", () => {
    // Act
    const html = renderToStaticMarkup(
      createElement(AccountCard, { user, expiresAt: "2099-01-01T00:00:00.000Z", signInMethod: "password_and_code" }),
    );

    // Assess
    expect(html).toContain("<dt>Signed in with</dt><dd>Password and a one-time code</dd>");
  });

  it("leaves the sign-in method out when an older BFF does not say", () => {
    // Act
    const html = renderToStaticMarkup(createElement(AccountCard, { user, expiresAt: "2099-01-01T00:00:00.000Z" }));

    // Assess
    expect(html).not.toContain("Signed in with");
    expect(html).toContain("<dt>Session expires</dt>");
  });
});
