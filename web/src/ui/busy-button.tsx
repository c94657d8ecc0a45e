import type { ButtonHTMLAttributes } from "react";

interface BusyButtonProps extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, "disabled"> {
  busy: boolean;
  /** What the button says while its action runs, e.g. "Adding…". */
  busyLabel: string;
}

/** A button that is disabled and says what it is doing while its action runs. */
export function BusyButton({ busy, busyLabel, children, type = "button", ...button }: BusyButtonProps) {
  return (
    <button type={type} {...button} disabled={busy}>
      {busy ? busyLabel : children}
    </button>
  );
}
