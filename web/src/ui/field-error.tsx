/** A field's error message; give its `id` to the field's `aria-describedby`. Renders nothing without a message. */
export function FieldError({ id, message }: { id: string; message: string | null | undefined }) {
  return message ? (
    <p id={id} className="field-error">
      {message}
    </p>
  ) : null;
}
