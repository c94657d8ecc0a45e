import type { SessionUser, SignInMethod } from "../bff.ts";
import { signInMethodLabel } from "../sessions/labels.ts";
import { formatExpiry, formatRemaining } from "../ui/format.ts";

/** Who is logged in, how and until when, straight from `/auth/session`; an older BFF does not say how, and then the card does not either. */
export function AccountCard({
  user,
  expiresAt,
  signInMethod,
}: {
  user: SessionUser;
  expiresAt: string;
  signInMethod?: SignInMethod | undefined;
}) {
  const name = user.name ?? user.email ?? "Signed-in user";
  const remaining = formatRemaining(expiresAt);
  return (
    <section className="card account" aria-labelledby="account-title">
      <div className="avatar" aria-hidden="true">
        {initials(name)}
      </div>
      <div className="account-text">
        <h1 id="account-title" tabIndex={-1}>
          {name}
        </h1>
        {user.email ? <p className="account-email">{user.email}</p> : null}
      </div>
      <dl className="account-facts">
        {signInMethod ? (
          <div>
            <dt>Signed in with</dt>
            <dd>{signInMethodLabel(signInMethod)}</dd>
          </div>
        ) : null}
        <div>
          <dt>Session expires</dt>
          <dd>
            <time dateTime={expiresAt}>{formatExpiry(expiresAt)}</time>
            {remaining ? <span className="account-remaining"> ({remaining})</span> : null}
          </dd>
        </div>
        <div>
          <dt>Tokens in this browser</dt>
          <dd>None — held by the server</dd>
        </div>
      </dl>
    </section>
  );
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0], parts[parts.length - 1]] : parts;
  return letters.map((part) => (part ?? "").charAt(0).toUpperCase()).join("") || "?";
}
