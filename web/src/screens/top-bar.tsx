import type { SessionUser } from "../bff.ts";

interface TopBarProps {
  user: SessionUser | null;
  loggingOut: boolean;
  onLogout: () => void;
}

/** Brand on the left; the signed-in user and Log out on the right. */
export function TopBar({ user, loggingOut, onLogout }: TopBarProps) {
  return (
    <header className="topbar">
      <div className="topbar-inner">
        <a className="brand" href="/">
          <span className="brand-mark" aria-hidden="true">
            ✓
          </span>
          <span className="brand-name">Itemize</span>
        </a>
        {user ? (
          <div className="topbar-user">
            <span className="topbar-name">{user.name ?? user.email ?? "Signed in"}</span>
            <button type="button" className="button button-secondary button-small" onClick={onLogout} disabled={loggingOut}>
              {loggingOut ? "Logging out…" : "Log out"}
            </button>
          </div>
        ) : null}
      </div>
    </header>
  );
}
