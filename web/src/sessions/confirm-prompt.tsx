import { type ReactNode, useEffect, useId, useRef } from "react";
import { BusyButton } from "../ui/busy-button.tsx";

interface ConfirmPromptProps {
  /** The question, e.g. "End the session on Firefox on Windows?"; it names the group the buttons are in. */
  question: string;
  /** What happens if the person says yes. */
  children?: ReactNode;
  /** The confirming button's text, e.g. "Yes, end it". */
  confirmLabel: string;
  busy: boolean;
  busyLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
}

/**
 * An inline "are you sure?" in place of the button that asked it, for an
 * action that cannot be undone. Focus starts on Cancel, the harmless answer
 * (as the WAI-ARIA alert dialog pattern advises), and Escape cancels.
 */
export function ConfirmPrompt({ question, children, confirmLabel, busy, busyLabel, onConfirm, onCancel }: ConfirmPromptProps) {
  const questionId = useId();
  const detailId = useId();
  const cancel = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    cancel.current?.focus();
  }, []);

  return (
    // biome-ignore lint/a11y/useSemanticElements: a question and its two answers, not a set of form fields for a fieldset.
    <div
      className="confirm"
      role="group"
      aria-labelledby={questionId}
      aria-describedby={children ? detailId : undefined}
      onKeyDown={(event) => {
        if (event.key === "Escape" && !busy) {
          event.stopPropagation();
          onCancel();
        }
      }}
    >
      <p id={questionId} className="confirm-question">
        {question}
      </p>
      {children ? (
        <div id={detailId} className="confirm-detail">
          {children}
        </div>
      ) : null}
      <div className="confirm-actions">
        <BusyButton className="button button-danger button-small" busy={busy} busyLabel={busyLabel} onClick={onConfirm}>
          {confirmLabel}
        </BusyButton>
        <button ref={cancel} type="button" className="button button-secondary button-small" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </div>
  );
}
