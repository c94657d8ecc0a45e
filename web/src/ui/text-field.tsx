import type { InputHTMLAttributes, ReactNode, Ref } from "react";
import { FieldError } from "./field-error.tsx";

interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "aria-invalid" | "aria-describedby"> {
  id: string;
  label: string;
  /** Shown under the field and read with it. */
  hint?: ReactNode;
  /** The field's error; marks the input invalid and is read with it. */
  error?: string | null;
  inputRef?: Ref<HTMLInputElement>;
}

/** A labelled input with its hint and error, tied to it for screen readers. */
export function TextField({ id, label, hint, error, inputRef, ...input }: TextFieldProps) {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ");
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input ref={inputRef} id={id} {...input} aria-invalid={error ? true : undefined} aria-describedby={describedBy || undefined} />
      {hint ? (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      ) : null}
      <FieldError id={errorId} message={error} />
    </div>
  );
}
