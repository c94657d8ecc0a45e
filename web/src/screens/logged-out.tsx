import { SignInForm } from "../auth/signin-form.tsx";
import type { LoginMode } from "../bff.ts";
import { useBff } from "../session/session-context.tsx";
import type { LoggedOutReason } from "../session/session-store.ts";
import { Notice } from "../ui/notice.tsx";

const REASONS: Readonly<Record<LoggedOutReason, string | null>> = {
  none: null,
  expired: "Your session has ended. Log in again to continue.",
  elsewhere: "You logged out in another tab.",
  ended: "Your session was ended from another browser or device. Log in again to continue.",
};

/** The front door: what this app is, and a way in. */
export function LoggedOut({
  reason,
  login = "hosted",
  authError,
  onDismissAuthError,
}: {
  reason: LoggedOutReason;
  /** `branded`: the app's own sign-in form instead of the Log in button. */
  login?: LoginMode;
  authError: string | null;
  onDismissAuthError: () => void;
}) {
  const bff = useBff();
  const reasonText = REASONS[reason];
  return (
    <section className="hero" aria-labelledby="hero-title">
      {authError ? (
        <Notice tone="error" title="Login failed" onDismiss={onDismissAuthError}>
          {authError}
        </Notice>
      ) : null}
      {reasonText ? <Notice tone="info" title={reasonText} /> : null}
      <div className="hero-card">
        <p className="eyebrow">Your items, kept behind the server</p>
        <h1 id="hero-title" tabIndex={-1}>
          A simple list, done securely
        </h1>
        {login === "branded" ? (
          <>
            <p className="lead">
              Keep a short list of things to do. Sign in with your password and a code we email you; the password goes only to this site's
              server, and this page never sees an access token.
            </p>
            <SignInForm />
          </>
        ) : (
          <>
            <p className="lead">
              Keep a short list of things to do. You log in at your organisation's identity provider; this page never sees a password or an
              access token.
            </p>
            <button type="button" className="button button-primary button-large" onClick={() => bff.login(currentPath())}>
              Log in
            </button>
          </>
        )}
        <ul className="facts">
          <li>
            <strong>No tokens in the browser.</strong> The backend-for-frontend keeps them and gives this page only an HttpOnly cookie.
          </li>
          <li>
            <strong>Short sessions.</strong> Idle sessions end on their own; logging out ends it everywhere, in every tab.
          </li>
          <li>
            <strong>Same origin only.</strong> Every call goes to this site, checked against cross-site requests.
          </li>
        </ul>
      </div>
    </section>
  );
}

function currentPath(): string {
  return `${window.location.pathname}${window.location.search}`;
}
