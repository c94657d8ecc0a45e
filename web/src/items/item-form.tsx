import { type FormEvent, useId, useRef, useState } from "react";
import { BffError } from "../bff.ts";
import { useBff } from "../session/session-context.tsx";
import { BusyButton } from "../ui/busy-button.tsx";
import { FieldError } from "../ui/field-error.tsx";
import { Notice } from "../ui/notice.tsx";
import { createItem, type Item, TITLE_MAX_LENGTH } from "./items-api.ts";

/** Adds an item; the API's validation messages appear beside the field they concern. */
export function ItemForm({ onCreated }: { onCreated: (item: Item) => void }) {
  const bff = useBff();
  const inputId = useId();
  const errorId = useId();
  const hintId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [title, setTitle] = useState("");
  const [busy, setBusy] = useState(false);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [formError, setFormError] = useState<BffError | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (busy) return;
    setFormError(null);
    if (title.trim() === "") {
      setFieldError("Enter a title for the item.");
      input.current?.focus();
      return;
    }
    setFieldError(null);
    setBusy(true);
    try {
      const item = await createItem(bff, title.trim());
      setTitle("");
      onCreated(item);
    } catch (error) {
      const failure = error instanceof BffError ? error : new BffError("unexpected_error", 0, "Something went wrong. Please try again.");
      if (failure.status === 401) return;
      const message = failure.fieldErrors.title;
      if (message) setFieldError(message);
      else setFormError(failure);
    } finally {
      setBusy(false);
      input.current?.focus();
    }
  }

  const describedBy = [hintId, fieldError ? errorId : null].filter(Boolean).join(" ");
  return (
    <form className="item-form" onSubmit={(event) => void submit(event)} noValidate aria-busy={busy}>
      <div className="field">
        <label htmlFor={inputId}>New item</label>
        <div className="field-row">
          <input
            ref={input}
            id={inputId}
            name="title"
            type="text"
            autoComplete="off"
            value={title}
            onChange={(event) => {
              setTitle(event.target.value);
              if (fieldError) setFieldError(null);
            }}
            aria-invalid={fieldError ? true : undefined}
            aria-describedby={describedBy}
            placeholder="e.g. Renew the team's on-call rota"
          />
          <BusyButton type="submit" className="button button-primary" busy={busy} busyLabel="Adding…">
            Add item
          </BusyButton>
        </div>
        <FieldError id={errorId} message={fieldError} />
        <p id={hintId} className={`field-hint${title.length > TITLE_MAX_LENGTH ? " field-hint-over" : ""}`}>
          {title.length} / {TITLE_MAX_LENGTH} characters
        </p>
      </div>
      {formError ? (
        <Notice tone="error" title="The item was not added" onDismiss={() => setFormError(null)}>
          {formError.message}
        </Notice>
      ) : null}
    </form>
  );
}
