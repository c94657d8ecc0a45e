import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { BffError, type FieldErrors } from "../bff.ts";
import { useBff, useSession } from "../session/session-context.tsx";
import { BusyButton } from "../ui/busy-button.tsx";
import { Notice } from "../ui/notice.tsx";
import { TextField } from "../ui/text-field.tsx";
import { endsSignIn, submitCode, submitPassword } from "./signin-api.ts";
import "./signin.css";

type Step = { kind: "password" } | { kind: "code"; destination: string | null; retry: boolean };

function asBffError(error: unknown): BffError {
  return error instanceof BffError ? error : new BffError("unexpected_error", 0, "Something went wrong. Please try again.");
}

/**
 * The branded sign-in (`login: "branded"`): the password, then the code that
 * was emailed. The API's messages appear beside the field they concern or
 * above the form; focus moves to the first field of each step and to the
 * field in error. On success the shared session store asks the BFF again,
 * which also tells the other tabs through the BroadcastChannel.
 */
export function SignInForm() {
  const bff = useBff();
  const { store } = useSession();
  const ids = { username: useId(), password: useId(), code: useId() };
  const usernameInput = useRef<HTMLInputElement>(null);
  const passwordInput = useRef<HTMLInputElement>(null);
  const codeInput = useRef<HTMLInputElement>(null);
  const [step, setStep] = useState<Step>({ kind: "password" });
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [busy, setBusy] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<{ title: string; error: BffError } | null>(null);

  // Each step starts with its first field focused; the code step's field is new on the page.
  useEffect(() => {
    if (step.kind === "code") codeInput.current?.focus();
  }, [step]);

  function restart(title: string, error: BffError): void {
    setStep({ kind: "password" });
    setCode("");
    setFieldErrors({});
    setFormError({ title, error });
    queueMicrotask(() => passwordInput.current?.focus());
  }

  async function signIn(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (busy) return;
    const errors: Record<string, string> = {};
    if (username.trim() === "") errors.username = "Enter your username.";
    if (password === "") errors.password = "Enter your password.";
    setFieldErrors(errors);
    setFormError(null);
    if (errors.username) return usernameInput.current?.focus();
    if (errors.password) return passwordInput.current?.focus();
    setBusy(true);
    try {
      const next = await submitPassword(bff, username.trim(), password);
      // The password is not needed again: do not keep it in the page's memory.
      setPassword("");
      if (next.kind === "code") setStep(next);
      else await store.refresh();
    } catch (error) {
      const failure = asBffError(error);
      setPassword("");
      setFieldErrors(failure.fieldErrors);
      if (Object.keys(failure.fieldErrors).length === 0) setFormError({ title: "You are not signed in", error: failure });
      queueMicrotask(() => (failure.fieldErrors.username ? usernameInput : passwordInput).current?.focus());
    } finally {
      setBusy(false);
    }
  }

  async function verify(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (busy) return;
    setFormError(null);
    if (!/^\d{6}$/.test(code.trim())) {
      setFieldErrors({ code: "Enter the 6-digit code from the email." });
      return codeInput.current?.focus();
    }
    setFieldErrors({});
    setBusy(true);
    try {
      const next = await submitCode(bff, code);
      setCode("");
      if (next.kind === "code") {
        setStep(next);
        codeInput.current?.focus();
      } else {
        await store.refresh();
      }
    } catch (error) {
      const failure = asBffError(error);
      if (endsSignIn(failure)) return restart("Sign in again", failure);
      setFieldErrors(failure.fieldErrors);
      if (Object.keys(failure.fieldErrors).length === 0) setFormError({ title: "The code was not checked", error: failure });
      codeInput.current?.focus();
    } finally {
      setBusy(false);
    }
  }

  const errorNotice = formError ? (
    <Notice tone="error" title={formError.title} onDismiss={() => setFormError(null)}>
      {formError.error.message}
    </Notice>
  ) : null;

  if (step.kind === "code") {
    const codeError = fieldErrors.code;
    return (
      <form
        className="signin-form"
        onSubmit={(event) => void verify(event)}
        noValidate
        aria-busy={busy}
        aria-labelledby={`${ids.code}-title`}
      >
        <h2 id={`${ids.code}-title`} className="signin-title">
          Enter your verification code
        </h2>
        {step.retry ? (
          <Notice tone="info" title="That code was not right">
            We sent a new code{step.destination ? ` to ${step.destination}` : ""}. The earlier one no longer works.
          </Notice>
        ) : null}
        {errorNotice}
        <TextField
          inputRef={codeInput}
          id={ids.code}
          label="Verification code"
          name="code"
          type="text"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9]*"
          maxLength={6}
          value={code}
          onChange={(event) => {
            setCode(event.target.value.replace(/\s/g, ""));
            if (codeError) setFieldErrors({});
          }}
          error={codeError}
          hint={
            <>
              {step.destination ? `We emailed a 6-digit code to ${step.destination}.` : "We emailed you a 6-digit code."} It works for a few
              minutes.
            </>
          }
        />
        <div className="signin-actions">
          <BusyButton type="submit" className="button button-primary" busy={busy} busyLabel="Verifying…">
            Verify
          </BusyButton>
          <button
            type="button"
            className="button button-ghost"
            disabled={busy}
            onClick={() => {
              setStep({ kind: "password" });
              setCode("");
              setFieldErrors({});
              setFormError(null);
              queueMicrotask(() => passwordInput.current?.focus());
            }}
          >
            Start over
          </button>
        </div>
      </form>
    );
  }

  const usernameError = fieldErrors.username;
  const passwordError = fieldErrors.password;
  return (
    <form
      className="signin-form"
      onSubmit={(event) => void signIn(event)}
      noValidate
      aria-busy={busy}
      aria-labelledby={`${ids.username}-title`}
    >
      <h2 id={`${ids.username}-title`} className="signin-title">
        Sign in
      </h2>
      {errorNotice}
      <TextField
        inputRef={usernameInput}
        id={ids.username}
        label="Username"
        name="username"
        type="text"
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        value={username}
        onChange={(event) => {
          setUsername(event.target.value);
          if (usernameError) setFieldErrors({ ...fieldErrors, username: "" });
        }}
        error={usernameError}
      />
      <TextField
        inputRef={passwordInput}
        id={ids.password}
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={(event) => {
          setPassword(event.target.value);
          if (passwordError) setFieldErrors({ ...fieldErrors, password: "" });
        }}
        error={passwordError}
      />
      <div className="signin-actions">
        <BusyButton type="submit" className="button button-primary button-large" busy={busy} busyLabel="Signing in…">
          Sign in
        </BusyButton>
      </div>
    </form>
  );
}
