import { useEffect, useRef, useState } from "react";
import { BffError, type LogoutOptions } from "./bff.ts";
import { UploadsPanel } from "./files/uploads-panel.tsx";
import { ItemsPanel } from "./items/items-panel.tsx";
import { AccountCard } from "./screens/account-card.tsx";
import { LoggedOut } from "./screens/logged-out.tsx";
import { TopBar } from "./screens/top-bar.tsx";
import { useSession } from "./session/session-context.tsx";
import { SessionsPanel } from "./sessions/sessions-panel.tsx";
import { Notice } from "./ui/notice.tsx";
import { Spinner } from "./ui/spinner.tsx";

/** The whole app: which screen follows from the one shared session state. */
export function App({ initialAuthError }: { initialAuthError: string | null }) {
  const session = useSession();
  const [authError, setAuthError] = useState(initialAuthError);
  const [logoutError, setLogoutError] = useState<{ error: BffError; everywhere: boolean } | null>(null);
  const main = useRef<HTMLElement>(null);
  const previousStatus = useRef(session.status);

  // Moving between logged in and logged out replaces the page's content: take focus to its heading.
  useEffect(() => {
    const before = previousStatus.current;
    previousStatus.current = session.status;
    if (before === session.status || before === "loading") return;
    main.current?.querySelector<HTMLElement>("h1")?.focus();
  }, [session.status]);

  async function logout(options: LogoutOptions = {}): Promise<void> {
    setLogoutError(null);
    try {
      await session.store.logout(options);
    } catch (error) {
      setLogoutError({
        error: error instanceof BffError ? error : new BffError("unexpected_error", 0, "Something went wrong. Please try again."),
        everywhere: options.everywhere === true,
      });
    }
  }

  const user = session.status === "authenticated" ? session.user : null;
  const retrySession = (busy: boolean) => ({ label: "Try again", onClick: () => void session.store.refresh(), busy });
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <TopBar user={user} loggingOut={session.status === "signing-out"} onLogout={() => void logout()} />
      <main id="main" ref={main} className="main">
        {session.status === "loading" ? (
          <div className="placeholder placeholder-page">
            <Spinner label="Checking your session…" />
          </div>
        ) : null}
        {session.status === "signing-out" ? (
          <div className="placeholder placeholder-page">
            <Spinner label="Logging out…" />
          </div>
        ) : null}
        {session.status === "error" ? (
          <div className="page-error">
            <h1 tabIndex={-1}>We could not check your session</h1>
            <Notice tone="error" title="The service is not answering" action={retrySession(session.refreshing)}>
              {session.error.message}
            </Notice>
          </div>
        ) : null}
        {session.status === "anonymous" ? (
          <>
            {session.error ? (
              <div className="page-notices">
                <Notice tone="error" title="The service is not answering" action={retrySession(session.refreshing)}>
                  {session.error.message}
                </Notice>
              </div>
            ) : null}
            <LoggedOut reason={session.reason} login={session.login} authError={authError} onDismissAuthError={() => setAuthError(null)} />
          </>
        ) : null}
        {session.status === "authenticated" ? (
          <div className="dashboard">
            <div className="dashboard-notices">
              {logoutError ? (
                <Notice tone="error" title="You are still logged in" onDismiss={() => setLogoutError(null)}>
                  {logoutError.everywhere ? "Logging out everywhere" : "Logging out"} did not complete: {logoutError.error.message}
                </Notice>
              ) : null}
              {session.error ? (
                <Notice tone="error" title="Your session could not be checked" action={retrySession(session.refreshing)}>
                  {session.error.message}
                </Notice>
              ) : null}
            </div>
            <AccountCard user={session.user} expiresAt={session.expiresAt} signInMethod={session.signInMethod} />
            <ItemsPanel />
            <UploadsPanel />
            <SessionsPanel onLogoutEverywhere={() => void logout({ everywhere: true })} />
          </div>
        ) : null}
      </main>
      <footer className="footer">
        <p>Signed in through a backend-for-frontend: the browser holds only an HttpOnly session cookie.</p>
      </footer>
    </div>
  );
}
