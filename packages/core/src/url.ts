/**
 * True for http(s) URLs on the loopback interface. Plain http and local JWKS
 * loading are allowed only for these, so the decision follows from the URL
 * and never from a flag that a deployed stage could carry.
 */
export function isLoopbackUrl(value: string | URL): boolean {
  let url: URL;
  try {
    url = typeof value === "string" ? new URL(value) : value;
  } catch {
    return false;
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Accepts https everywhere and http only on loopback. */
export function isAllowedServiceUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "https:" || (url.protocol === "http:" && isLoopbackUrl(url));
  } catch {
    return false;
  }
}
