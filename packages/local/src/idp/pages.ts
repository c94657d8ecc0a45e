/**
 * Server-rendered pages of the local IdP: self-contained (no external
 * assets, inline styles only) and every echoed value escaped.
 */

const htmlEscapes: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes a value for HTML text and double- or single-quoted attributes. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => htmlEscapes[character] ?? character);
}

/** The login failure message, the same for a wrong password and an unknown user. */
export const loginFailedMessage = "Incorrect username or password.";

/**
 * Headers for every page: no caching of pages with forms, no framing
 * (clickjacking of the login form), scripts only with the page's nonce.
 */
export function pageHeaders(scriptNonce?: string): Record<string, string> {
  const scripts = scriptNonce ? `script-src 'nonce-${scriptNonce}'` : "script-src 'none'";
  return {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "content-security-policy": `default-src 'none'; style-src 'unsafe-inline'; ${scripts}; frame-ancestors 'none'; base-uri 'none'`,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
  };
}

const styles = `
:root{color-scheme:light dark;--bg:#f3f5f8;--card:#fff;--text:#1b2430;--muted:#5b6675;--accent:#2458d6;--accent-text:#fff;--error-bg:#fdecec;--error:#a3191f;--border:#cbd2dc}
@media (prefers-color-scheme:dark){:root{--bg:#12161c;--card:#1c222b;--text:#e8edf3;--muted:#a3aebb;--accent:#6d98ff;--accent-text:#0b1020;--error-bg:#3a1d20;--error:#ffb4b4;--border:#3a4452}}
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:grid;place-items:center;background:var(--bg);color:var(--text);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{width:min(24rem,calc(100vw - 2rem));background:var(--card);border-radius:12px;box-shadow:0 4px 24px rgba(0,0,0,.12);padding:2rem}
h1{font-size:1.4rem;margin:0 0 .25rem}
p{margin:.25rem 0 1rem;color:var(--muted)}
label{display:block;font-weight:600;margin:1rem 0 .35rem}
input{width:100%;padding:.6rem .75rem;font:inherit;color:inherit;background:transparent;border:1px solid var(--border);border-radius:8px}
input:focus{outline:3px solid var(--accent);outline-offset:1px}
button{margin-top:1.5rem;width:100%;padding:.7rem;font:inherit;font-weight:600;border:0;border-radius:8px;background:var(--accent);color:var(--accent-text);cursor:pointer}
button.secondary{margin-top:.75rem;background:transparent;color:var(--text);border:1px solid var(--border)}
button:focus-visible{outline:3px solid var(--text);outline-offset:2px}
.error{background:var(--error-bg);color:var(--error);border-radius:8px;padding:.6rem .75rem;margin:1rem 0 0}
table{width:100%;border-collapse:collapse;margin:1rem 0}caption{text-align:left;font-weight:600;margin-bottom:.5rem}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid var(--border)}code{font-size:1.1rem;letter-spacing:.1em}
.brand{font-size:.8rem;letter-spacing:.08em;text-transform:uppercase;color:var(--muted);margin:0 0 1rem}
`;

function layout(title: string, body: string, scriptNonce?: string, script?: string): string {
  const scriptTag = scriptNonce && script ? `<script nonce="${escapeHtml(scriptNonce)}">${script}</script>` : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${styles}</style>
</head>
<body>
<main>
<p class="brand">Local identity provider</p>
${body}
</main>
${scriptTag}
</body>
</html>`;
}

export interface LoginPageOptions {
  /** Where the form posts: the interaction URL. */
  readonly action: string;
  /** Shown as "to continue to …". */
  readonly clientName: string;
  readonly username?: string;
  readonly error?: string;
}

/** The username + password form, like Cognito's hosted UI sign-in page. */
export function renderLoginPage(options: LoginPageOptions): string {
  const error = options.error ? `<p class="error" id="login-error" role="alert">${escapeHtml(options.error)}</p>` : "";
  const describedBy = options.error ? ' aria-describedby="login-error" aria-invalid="true"' : "";
  const username = escapeHtml(options.username ?? "");
  // Focus the field the user has to fill next: the password after a failure.
  const usernameFocus = options.username ? "" : " autofocus";
  const passwordFocus = options.username ? " autofocus" : "";
  return layout(
    "Sign in",
    `<h1>Sign in</h1>
<p>to continue to ${escapeHtml(options.clientName)}</p>
${error}
<form method="post" action="${escapeHtml(options.action)}" autocomplete="on" novalidate>
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${username}"${describedBy}${usernameFocus}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${describedBy}${passwordFocus}>
<button type="submit">Sign in</button>
</form>`,
  );
}

/**
 * The RP-initiated logout confirmation. Cognito's `/logout` signs out
 * without asking, so the page submits itself (the "Sign out" answer) when
 * scripts run; without scripts the buttons do the same.
 *
 * @param form oidc-provider's hidden form (`id="op.logoutForm"`, with its xsrf token)
 */
export function renderLogoutPage(form: string, host: string, scriptNonce: string): string {
  const autoSubmit =
    'var f=document.getElementById("op.logoutForm");var i=document.createElement("input");' +
    'i.type="hidden";i.name="logout";i.value="yes";f.appendChild(i);f.submit();';
  return layout(
    "Sign out",
    `<h1>Sign out</h1>
<p>Do you want to sign out from ${escapeHtml(host)}?</p>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>
<button type="submit" form="op.logoutForm" class="secondary">Stay signed in</button>`,
    scriptNonce,
    autoSubmit,
  );
}

/** Shown after a logout that had no (valid) post_logout_redirect_uri. */
export function renderLoggedOutPage(clientName: string | undefined): string {
  const from = clientName ? ` from ${escapeHtml(clientName)}` : "";
  return layout("Signed out", `<h1>Signed out</h1>\n<p>You have signed out${from}. You can close this window.</p>`);
}

/** An error page with the OAuth error code and description only: never a stack trace. */
export function renderErrorPage(error: string, description: string | undefined): string {
  const detail = description ? `<p>${escapeHtml(description)}</p>` : "";
  return layout(
    "Sign-in error",
    `<h1>Something went wrong</h1>\n${detail}\n<p class="error" role="alert">Error code: ${escapeHtml(error)}</p>`,
  );
}

export interface MailboxEntry {
  readonly username: string;
  readonly to: string;
  readonly code: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
  readonly sentAt: number;
}

function utc(epochMs: number): string {
  return new Date(epochMs)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, " UTC");
}

/**
 * The local developer mailbox: the latest code per user. It shows codes in
 * clear on purpose, and exists only on the loopback local IdP.
 */
export function renderMailboxPage(entries: readonly MailboxEntry[]): string {
  const rows = entries
    .map(
      (entry) =>
        `<tr><td>${escapeHtml(entry.username)}</td><td>${escapeHtml(entry.to)}</td><td><code data-user="${escapeHtml(entry.username)}">${escapeHtml(entry.code)}</code></td><td>${escapeHtml(utc(entry.expiresAt))}</td></tr>`,
    )
    .join("\n");
  const body =
    entries.length === 0
      ? "<p>No codes sent yet. Sign in on the branded sign-in page (any user) to get one.</p>"
      : `<table>
<caption>Latest sign-in code per user</caption>
<thead><tr><th scope="col">User</th><th scope="col">To</th><th scope="col">Code</th><th scope="col">Expires</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
  return layout(
    "Local mailbox",
    `<h1>Local mailbox</h1>
<p>Codes the local identity provider "sent" by email. Local development only.</p>
${body}`,
  );
}
