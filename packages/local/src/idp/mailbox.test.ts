import { ConfigError } from "@spa-bff/core";
import { captureOutput } from "@spa-bff/core/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createLocalMailbox } from "./mailbox.ts";
import { createMailboxRoute } from "./mailbox-route.ts";
import { type LocalIdp, startIdp } from "./start-idp.ts";

let idp: LocalIdp;

beforeAll(async () => {
  idp = await startIdp({
    port: 0,
    keysDir: null,
    clients: {
      web: {
        clientId: "local-web",
        clientSecret: "web-secret",
        redirectUris: ["http://localhost:3993/auth/callback"],
        postLogoutRedirectUris: [],
      },
      m2m: { clientId: "local-m2m", clientSecret: "m2m-secret" },
    },
  });
});

afterAll(async () => {
  await idp.stop();
});

afterEach(() => {
  vi.restoreAllMocks();
  idp.mailbox.clear();
});

describe("local IdP: developer mailbox", () => {
  it("lists the latest code per user at GET /dev/mailbox", async () => {
    // Prepare: what the Create trigger sends during a branded sign-in (the Cognito API)
    const message = { to: "carol@example.com", username: "carol", expiresAt: Date.now() + 180_000 };
    await idp.mailbox.send({ ...message, code: "123456" });
    await idp.mailbox.send({ ...message, code: "654321" });

    // Act
    const response = await fetch(`${idp.issuer}/dev/mailbox`);
    const html = await response.text();

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(html).toContain('<code data-user="carol">654321</code>');
    expect(html.match(/data-user="carol"/g)).toHaveLength(1);
    expect(html).toContain("carol@example.com");
  });

  it("says how to get a code while it is empty", async () => {
    // Act
    const html = await (await fetch(`${idp.issuer}/dev/mailbox`)).text();

    // Assess
    expect(html).toContain("No codes sent yet. Sign in on the branded sign-in page (any user) to get one.");
  });

  it("refuses anything but GET on the mailbox", async () => {
    // Act
    const response = await fetch(`${idp.issuer}/dev/mailbox`, { method: "POST" });

    // Assess
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
  });

  it("prints nothing by default and tells a subscriber about each code", async () => {
    // Prepare
    const output = captureOutput().text;
    const mailbox = createLocalMailbox(() => 0);
    const message = { to: "carol@example.com", username: "carol", code: "314159", expiresAt: 300_000 };
    await mailbox.send(message);
    const printed: string[] = [];

    // Act
    const unsubscribe = mailbox.onMessage((line) => printed.push(line));
    await mailbox.send({ ...message, code: "271828" });
    unsubscribe();
    await mailbox.send({ ...message, code: "161803" });
    const text = output();
    vi.restoreAllMocks();

    // Assess
    expect(text).not.toMatch(/314159|271828|161803/);
    expect(printed).toEqual(["[mailbox] sign-in code for carol <carol@example.com>: 271828"]);
  });

  it("refuses to mount the mailbox on an issuer that is not loopback", () => {
    // Act
    const mount = () => createMailboxRoute({ issuer: "https://idp.example.com", mailbox: createLocalMailbox() });

    // Assess
    expect(mount).toThrow(ConfigError);
    expect(mount).toThrow(
      'Refusing to mount /dev/mailbox on "https://idp.example.com". Expected: a loopback issuer (local development only)',
    );
  });
});
