import type { ReactNode } from "react";
import { Notice } from "./notice.tsx";
import { Spinner } from "./spinner.tsx";

interface ListStatesProps {
  loading: boolean;
  loadingLabel: string;
  /** A load that failed; a 401 is left to the session, which shows the logged-out screen. */
  error: { status: number; message: string } | null;
  errorTitle: string;
  onRetry: () => void;
  empty: boolean;
  emptyTitle: string;
  /** What to do to fill the list. */
  emptyText: ReactNode;
}

/** What a card's list shows instead of its entries: loading, a failed load with a retry, or an empty list. */
export function ListStates({ loading, loadingLabel, error, errorTitle, onRetry, empty, emptyTitle, emptyText }: ListStatesProps) {
  return (
    <>
      {loading ? (
        <div className="placeholder">
          <Spinner label={loadingLabel} />
        </div>
      ) : null}
      {error && error.status !== 401 ? (
        <Notice tone="error" title={errorTitle} action={{ label: "Try again", onClick: onRetry }}>
          {error.message}
        </Notice>
      ) : null}
      {empty ? (
        <div className="empty">
          <p className="empty-title">{emptyTitle}</p>
          <p>{emptyText}</p>
        </div>
      ) : null}
    </>
  );
}
