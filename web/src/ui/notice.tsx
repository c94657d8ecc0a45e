import type { ReactNode } from "react";

interface NoticeProps {
  tone: "error" | "info";
  title: string;
  children?: ReactNode;
  action?: { label: string; onClick: () => void; busy?: boolean };
  onDismiss?: () => void;
}

/** A message in the flow of the page; errors are announced at once (role="alert"). */
export function Notice({ tone, title, children, action, onDismiss }: NoticeProps) {
  return (
    <div className={`notice notice-${tone}`} role={tone === "error" ? "alert" : "status"}>
      <span className="notice-icon" aria-hidden="true">
        {tone === "error" ? "!" : "i"}
      </span>
      <div className="notice-body">
        <p className="notice-title">{title}</p>
        {children ? <div className="notice-text">{children}</div> : null}
      </div>
      <div className="notice-actions">
        {action ? (
          <button type="button" className="button button-secondary button-small" onClick={action.onClick} disabled={action.busy}>
            {action.busy ? "Retrying…" : action.label}
          </button>
        ) : null}
        {onDismiss ? (
          <button type="button" className="button button-ghost button-small" onClick={onDismiss} aria-label="Dismiss message">
            Dismiss
          </button>
        ) : null}
      </div>
    </div>
  );
}
