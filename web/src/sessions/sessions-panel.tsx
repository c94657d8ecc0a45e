import { useCallback, useEffect, useRef, useState } from "react";
import { BffError } from "../bff.ts";
import { useBff } from "../session/session-context.tsx";
import { BusyButton } from "../ui/busy-button.tsx";
import { CountBadge } from "../ui/count-badge.tsx";
import { ListStates } from "../ui/list-states.tsx";
import { Notice } from "../ui/notice.tsx";
import { ConfirmPrompt } from "./confirm-prompt.tsx";
import { SessionRow } from "./session-row.tsx";
import { type ActiveSession, endSession, listSessions } from "./sessions-api.ts";
import "./sessions.css";

type ListState =
  | { status: "loading" }
  | { status: "error"; error: BffError }
  | { status: "ready"; sessions: ActiveSession[]; refreshing: boolean };

/** Which "are you sure?" is open; one at a time, so each prompt's buttons have unique names. */
type Confirming = { kind: "end"; handle: string } | { kind: "everywhere" } | null;

/** Relative times ("5 minutes ago") are read against this clock, which ticks once a minute while the panel is shown. */
const TICK_MS = 60_000;

function asBffError(error: unknown): BffError {
  return error instanceof BffError
    ? error
    : new BffError("unexpected_error", 0, "Something went wrong. Please try again.", {}, { cause: error });
}

export interface SessionsPanelProps {
  /** Ends every session and leaves: the app's logout with `everywhere`, so its errors show where a failed logout's do. */
  onLogoutEverywhere: () => void;
}

/**
 * The signed-in user's sessions, one per browser or device: when each was
 * signed in and last active, and how; "End session" for any but this
 * browser's (which the top bar's Log out ends), and "Log out everywhere".
 * Results are announced in a polite status region; failures in an alert.
 */
export function SessionsPanel({ onLogoutEverywhere }: SessionsPanelProps) {
  const bff = useBff();
  const [list, setList] = useState<ListState>({ status: "loading" });
  const [confirming, setConfirming] = useState<Confirming>(null);
  const [ending, setEnding] = useState<string | null>(null);
  const [actionError, setActionError] = useState<{ title: string; error: BffError } | null>(null);
  const [result, setResult] = useState("");
  const [now, setNow] = useState(() => new Date());
  const [leaving, setLeaving] = useState(false);
  const card = useRef<HTMLElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  // Set by a handler, run after the render it caused: the element to focus may not exist before.
  const focusNext = useRef<(() => void) | null>(null);

  useEffect(() => {
    const focus = focusNext.current;
    focusNext.current = null;
    focus?.();
  });

  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), TICK_MS);
    return () => clearInterval(timer);
  }, []);

  /** `keepList`: refresh in place (after an action), rather than replace the list with a spinner. */
  const load = useCallback(
    async (keepList = false) => {
      setList((current) => (keepList && current.status === "ready" ? { ...current, refreshing: true } : { status: "loading" }));
      try {
        const sessions = await listSessions(bff);
        setNow(new Date());
        setList({ status: "ready", sessions, refreshing: false });
      } catch (error) {
        setList({ status: "error", error: asBffError(error) });
      }
    },
    [bff],
  );

  useEffect(() => {
    void load();
  }, [load]);

  function ask(next: Confirming): void {
    setActionError(null);
    setConfirming(next);
  }

  function cancel(): void {
    const open = confirming;
    setConfirming(null);
    // Back to the button that opened the prompt, which is rendered again in its place.
    focusNext.current = () => {
      const selector =
        open?.kind === "end"
          ? `[data-end-session="${CSS.escape(open.handle)}"]`
          : open?.kind === "everywhere"
            ? "[data-logout-everywhere]"
            : null;
      if (selector) card.current?.querySelector<HTMLElement>(selector)?.focus();
    };
  }

  async function end(session: ActiveSession, name: string): Promise<void> {
    setActionError(null);
    setResult("");
    setEnding(session.handle);
    try {
      const outcome = await endSession(bff, session.handle);
      setResult(
        outcome === "ended"
          ? `The session on ${name} was ended. That browser is logged out at its next request.`
          : `The session on ${name} had already ended. The list is refreshed.`,
      );
      setConfirming(null);
      setList((current) =>
        current.status === "ready"
          ? { ...current, sessions: current.sessions.filter((entry) => entry.handle !== session.handle) }
          : current,
      );
      // The row and its buttons are gone; put focus somewhere that makes sense.
      focusNext.current = () => heading.current?.focus();
      // Others may have ended or started meanwhile, and "already ended" says this list was stale.
      void load(true);
    } catch (error) {
      const failure = asBffError(error);
      // A 401 has already taken the app to the logged-out screen.
      if (failure.status !== 401) setActionError({ title: `The session on ${name} was not ended`, error: failure });
    } finally {
      setEnding(null);
    }
  }

  const sessions = list.status === "ready" ? list.sessions : [];
  const others = sessions.filter((session) => !session.current);
  return (
    <section ref={card} className="card sessions" aria-labelledby="sessions-title">
      <div className="card-header">
        <h2 id="sessions-title" ref={heading} tabIndex={-1}>
          Sessions
        </h2>
        <CountBadge count={list.status === "ready" ? sessions.length : null} noun={{ one: "session", other: "sessions" }} />
        <BusyButton
          className="button button-ghost button-small sessions-refresh"
          onClick={() => void load(true)}
          busy={list.status === "loading" || (list.status === "ready" && list.refreshing)}
          busyLabel="Refreshing…"
          aria-label="Refresh sessions"
        >
          Refresh
        </BusyButton>
      </div>
      <p className="card-intro">Every browser and device where you are logged in. End any you do not recognise.</p>
      <p className="sessions-result" role="status">
        {result}
      </p>
      {actionError ? (
        <Notice tone="error" title={actionError.title} onDismiss={() => setActionError(null)}>
          {actionError.error.message}
        </Notice>
      ) : null}
      <div className="items-body" aria-busy={list.status === "loading" || (list.status === "ready" && list.refreshing)}>
        <ListStates
          loading={list.status === "loading"}
          loadingLabel="Loading your sessions…"
          error={list.status === "error" ? list.error : null}
          errorTitle="Your sessions could not be loaded"
          onRetry={() => void load()}
          empty={list.status === "ready" && sessions.length === 0}
          emptyTitle="No sessions to show"
          emptyText="The server lists no sessions for you. Refresh to look again."
        />
        {sessions.length > 0 ? (
          <ul className="item-list" aria-label="Your sessions">
            {sessions.map((session) => (
              <SessionRow
                key={session.handle}
                session={session}
                all={sessions}
                now={now}
                confirming={confirming?.kind === "end" && confirming.handle === session.handle}
                ending={ending === session.handle}
                onAsk={() => ask({ kind: "end", handle: session.handle })}
                onConfirm={(name) => void end(session, name)}
                onCancel={cancel}
              />
            ))}
          </ul>
        ) : null}
        {list.status === "ready" && sessions.length > 0 && others.length === 0 ? (
          <p className="sessions-only">No other browser or device is logged in as you.</p>
        ) : null}
      </div>
      <div className="sessions-everywhere">
        <p className="field-hint">
          Lost a device, or logged in somewhere you should not have? End every session at once, this one included.
        </p>
        {confirming?.kind === "everywhere" ? (
          <ConfirmPrompt
            question="Log out everywhere?"
            confirmLabel="Yes, log out everywhere"
            busy={leaving}
            busyLabel="Logging out…"
            onConfirm={() => {
              // The app swaps this screen for "Logging out…"; until it does, a second click must not post again.
              setLeaving(true);
              onLogoutEverywhere();
            }}
            onCancel={cancel}
          >
            Every browser and device logged in as you is logged out, this one included. You will need to log in again.
          </ConfirmPrompt>
        ) : (
          <button type="button" className="button button-danger" data-logout-everywhere onClick={() => ask({ kind: "everywhere" })}>
            Log out everywhere
          </button>
        )}
      </div>
    </section>
  );
}
