import { formatDateTime, formatRelativeTime } from "../ui/format.ts";
import { ConfirmPrompt } from "./confirm-prompt.tsx";
import { sessionName, signInMethodLabel } from "./labels.ts";
import type { ActiveSession } from "./sessions-api.ts";

interface SessionRowProps {
  session: ActiveSession;
  /** The whole list, to tell apart sessions on the same kind of device. */
  all: readonly ActiveSession[];
  now: Date;
  /** Its "are you sure?" is open. */
  confirming: boolean;
  ending: boolean;
  onAsk: () => void;
  /** Called with the name the row used, so the result message says the same. */
  onConfirm: (name: string) => void;
  onCancel: () => void;
}

/** A time as "5 minutes ago (21 Nov 2026, 14:32)"; the machine-readable value in `dateTime`. */
function When({ iso, now }: { iso: string; now: Date }) {
  return (
    <>
      <time dateTime={iso}>{formatRelativeTime(iso, now)}</time>
      <span className="session-absolute"> ({formatDateTime(iso)})</span>
    </>
  );
}

/** One session: device, "This browser" for the current one, when and how it signed in, and its End session button. */
export function SessionRow({ session, all, now, confirming, ending, onAsk, onConfirm, onCancel }: SessionRowProps) {
  const name = sessionName(session, all);
  return (
    <li className={`item session${ending ? " item-busy" : ""}`}>
      <div className="item-text">
        <span className="item-title">
          {name}
          {session.current ? <span className="tag tag-current">This browser</span> : null}
        </span>
        <dl className="session-facts">
          <div>
            <dt>Last active</dt>
            <dd>
              <When iso={session.lastActiveAt} now={now} />
            </dd>
          </div>
          <div>
            <dt>Signed in</dt>
            <dd>
              <When iso={session.createdAt} now={now} />
            </dd>
          </div>
          {session.signInMethod ? (
            <div>
              <dt>Signed in with</dt>
              <dd>{signInMethodLabel(session.signInMethod)}</dd>
            </div>
          ) : null}
        </dl>
      </div>
      {session.current ? null : confirming ? (
        <ConfirmPrompt
          question={`End the session on ${name}?`}
          confirmLabel="Yes, end it"
          busy={ending}
          busyLabel="Ending…"
          onConfirm={() => onConfirm(name)}
          onCancel={onCancel}
        >
          That browser is logged out the next time it reaches this site.
        </ConfirmPrompt>
      ) : (
        <button
          type="button"
          className="button button-danger button-small"
          data-end-session={session.handle}
          onClick={onAsk}
          aria-label={`End session on ${name}`}
        >
          End session
        </button>
      )}
    </li>
  );
}
