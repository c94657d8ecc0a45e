/** The `auth_error` codes the BFF puts on the app's URL after a failed login, in words. */
const MESSAGES: Readonly<Record<string, string>> = {
  access_denied: "Login was cancelled or not allowed. You can try again.",
  login_failed: "Login could not be completed. Please try again.",
  invalid_login_state: "That login attempt expired or was started elsewhere. Please try again.",
  login_expired: "That login attempt took too long. Please try again.",
  idp_unavailable: "The login service is unavailable right now. Please try again in a moment.",
  session_store_unavailable: "Your session could not be saved. Please try again in a moment.",
  temporarily_unavailable: "The login service is busy. Please try again in a moment.",
  server_error: "The login service had a problem. Please try again.",
};

/** A readable message for an `auth_error` code; unknown codes get a generic one. */
export function describeAuthError(code: string): string {
  return MESSAGES[code] ?? "Login did not succeed. Please try again.";
}

/**
 * Reads `auth_error` from the current URL and removes it, so a reload or a
 * shared link does not show the message again.
 */
export function takeAuthError(location: Pick<Location, "href">, history: Pick<History, "replaceState" | "state">): string | null {
  const url = new URL(location.href);
  const code = url.searchParams.get("auth_error");
  if (code === null) return null;
  url.searchParams.delete("auth_error");
  history.replaceState(history.state, "", `${url.pathname}${url.search}${url.hash}`);
  return describeAuthError(code);
}
