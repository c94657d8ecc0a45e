/**
 * Test support for the local IdP's tests (not part of the public API): the
 * openid-client v6 that the BFF uses, as the relying party, and a reader of
 * the IdP's server-rendered forms, and the shared test browser as a user's
 * browser navigates (HTML accepted).
 */
import { Browser } from "./browser.ts";

export type { Answer } from "./browser.ts";
export { Browser, formAction } from "./browser.ts";

type OpenIdClient = typeof import("openid-client");

/** openid-client v6, the relying-party library the BFF uses. */
export async function loadOpenIdClient(): Promise<OpenIdClient> {
  return import("openid-client");
}

/** The value of a hidden or text input in a server-rendered form. */
export function formField(html: string, name: string): string | undefined {
  const input = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(html)?.[0];
  return input ? /value="([^"]*)"/.exec(input)?.[1] : undefined;
}

/** A browser whose requests accept HTML, as a navigation's do. */
export function createTestBrowser(): Browser {
  return new Browser({ headers: { accept: "text/html" } });
}
