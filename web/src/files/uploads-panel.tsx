import { type FormEvent, useCallback, useEffect, useId, useRef, useState } from "react";
import { BffError } from "../bff.ts";
import { useBff } from "../session/session-context.tsx";
import { formatDateTime } from "../ui/format.ts";
import { Notice } from "../ui/notice.tsx";
import {
  ACCEPTED_TYPES,
  deleteFile,
  downloadUrl,
  formatBytes,
  listFiles,
  MAX_FILE_BYTES,
  requestUpload,
  type StoredFile,
  sendToStorage,
} from "./files-api.ts";
import "./uploads.css";
import { BusyButton } from "../ui/busy-button.tsx";
import { CountBadge } from "../ui/count-badge.tsx";
import { FieldError } from "../ui/field-error.tsx";
import { ListStates } from "../ui/list-states.tsx";

type ListState = { status: "loading" } | { status: "error"; error: BffError } | { status: "ready"; files: StoredFile[] };
type UploadState = { status: "idle" } | { status: "uploading"; name: string; percent: number } | { status: "done"; name: string };

function asBffError(error: unknown): BffError {
  return error instanceof BffError
    ? error
    : new BffError("unexpected_error", 0, "Something went wrong. Please try again.", {}, { cause: error });
}

/** A check before any request, so an obviously refused file costs no round trip; the BFF applies the same rules. */
function localProblem(file: File): string | null {
  if (file.size === 0) return "The file is empty.";
  if (file.size > MAX_FILE_BYTES) return `Files can be at most ${formatBytes(MAX_FILE_BYTES)}; this one is ${formatBytes(file.size)}.`;
  return null;
}

/**
 * The signed-in user's files: pick one, watch it upload straight to the
 * storage through a short-lived presigned URL, then download or delete it.
 * The browser never holds storage credentials; the backend-for-frontend
 * hands out one signed URL per action.
 */
export function UploadsPanel() {
  const bff = useBff();
  const inputId = useId();
  const hintId = useId();
  const errorId = useId();
  const progressId = useId();
  const input = useRef<HTMLInputElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [uploadError, setUploadError] = useState<BffError | null>(null);
  const [upload, setUpload] = useState<UploadState>({ status: "idle" });
  const [list, setList] = useState<ListState>({ status: "loading" });
  const [busyKeys, setBusyKeys] = useState<ReadonlySet<string>>(new Set());
  const [actionError, setActionError] = useState<{ title: string; error: BffError } | null>(null);
  const abort = useRef<AbortController | null>(null);

  const load = useCallback(async () => {
    setList({ status: "loading" });
    try {
      setList({ status: "ready", files: await listFiles(bff) });
    } catch (error) {
      setList({ status: "error", error: asBffError(error) });
    }
  }, [bff]);

  useEffect(() => {
    void load();
    return () => abort.current?.abort();
  }, [load]);

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (upload.status === "uploading") return;
    setUploadError(null);
    if (!file) {
      setFieldError("Choose a file to upload.");
      input.current?.focus();
      return;
    }
    const problem = localProblem(file);
    if (problem) {
      setFieldError(problem);
      input.current?.focus();
      return;
    }
    setFieldError(null);
    setUpload({ status: "uploading", name: file.name, percent: 0 });
    const controller = new AbortController();
    abort.current = controller;
    try {
      const ticket = await requestUpload(bff, file);
      await sendToStorage(
        ticket,
        file,
        (fraction) => setUpload({ status: "uploading", name: file.name, percent: Math.round(fraction * 100) }),
        { signal: controller.signal },
      );
      setUpload({ status: "done", name: file.name });
      setFile(null);
      if (input.current) input.current.value = "";
      await load();
    } catch (error) {
      const failure = asBffError(error);
      setUpload({ status: "idle" });
      if (failure.status === 401 || failure.code === "aborted") return;
      // The BFF's input rules concern the picked file: show them beside the picker.
      if (["unsupported_content_type", "file_too_large", "invalid_file_name"].includes(failure.code)) setFieldError(failure.message);
      else setUploadError(failure);
    } finally {
      abort.current = null;
    }
  }

  async function withBusyKey(entry: StoredFile, verb: string, action: () => Promise<void>): Promise<void> {
    setActionError(null);
    setBusyKeys((current) => new Set(current).add(entry.key));
    try {
      await action();
    } catch (error) {
      const failure = asBffError(error);
      if (failure.status !== 401) setActionError({ title: `"${entry.name}" was not ${verb}`, error: failure });
    } finally {
      setBusyKeys((current) => {
        const next = new Set(current);
        next.delete(entry.key);
        return next;
      });
    }
  }

  function remove(entry: StoredFile): Promise<void> {
    return withBusyKey(entry, "deleted", async () => {
      try {
        await deleteFile(bff, entry.key);
      } catch (error) {
        // Already gone is what the person wanted.
        if (!(error instanceof BffError && error.status === 404)) throw error;
      }
      setList((current) =>
        current.status === "ready" ? { ...current, files: current.files.filter((f) => f.key !== entry.key) } : current,
      );
      // The button that had focus is gone; put focus somewhere that makes sense.
      heading.current?.focus();
    });
  }

  function download(entry: StoredFile): Promise<void> {
    return withBusyKey(entry, "downloaded", async () => {
      // The URL lives minutes and is served as an attachment, so the page stays where it is.
      window.location.assign(await downloadUrl(bff, entry.key));
    });
  }

  const uploading = upload.status === "uploading";
  const count = list.status === "ready" ? list.files.length : null;
  const describedBy = [hintId, fieldError ? errorId : null].filter(Boolean).join(" ");
  return (
    <section className="card uploads" aria-labelledby="uploads-title">
      <div className="card-header">
        <h2 id="uploads-title" ref={heading} tabIndex={-1}>
          Your files
        </h2>
        <CountBadge count={count} noun={{ one: "file", other: "files" }} />
      </div>
      <p className="card-intro">
        Sent straight to storage with a link the server signs for this one file; this browser never holds storage credentials.
      </p>
      <form className="upload-form" onSubmit={(event) => void submit(event)} noValidate aria-busy={uploading}>
        <div className="field">
          <label htmlFor={inputId}>File to upload</label>
          <div className="field-row">
            <input
              ref={input}
              id={inputId}
              name="file"
              type="file"
              className="file-input"
              accept={ACCEPTED_TYPES.join(",")}
              disabled={uploading}
              onChange={(event) => {
                setFile(event.target.files?.[0] ?? null);
                setFieldError(null);
                if (upload.status === "done") setUpload({ status: "idle" });
              }}
              aria-invalid={fieldError ? true : undefined}
              aria-describedby={describedBy}
            />
            <BusyButton type="submit" className="button button-primary" busy={uploading} busyLabel="Uploading…">
              Upload file
            </BusyButton>
          </div>
          <FieldError id={errorId} message={fieldError} />
          <p id={hintId} className="field-hint">
            PNG, JPEG, GIF, WebP, PDF or plain text, up to {formatBytes(MAX_FILE_BYTES)}.
          </p>
        </div>
        <div className="upload-status" aria-live="polite">
          {upload.status === "uploading" ? (
            <div className="upload-progress">
              <label htmlFor={progressId}>{`Uploading ${upload.name}: ${upload.percent}%`}</label>
              <progress id={progressId} max={100} value={upload.percent} />
            </div>
          ) : null}
          {upload.status === "done" ? <p className="upload-done">{`${upload.name} was uploaded.`}</p> : null}
        </div>
        {uploadError ? (
          <Notice tone="error" title="The file was not uploaded" onDismiss={() => setUploadError(null)}>
            {uploadError.message}
          </Notice>
        ) : null}
      </form>
      {actionError ? (
        <Notice tone="error" title={actionError.title} onDismiss={() => setActionError(null)}>
          {actionError.error.message}
        </Notice>
      ) : null}
      <div className="items-body" aria-live="polite" aria-busy={list.status === "loading"}>
        <ListStates
          loading={list.status === "loading"}
          loadingLabel="Loading your files…"
          error={list.status === "error" ? list.error : null}
          errorTitle="Your files could not be loaded"
          onRetry={() => void load()}
          empty={list.status === "ready" && list.files.length === 0}
          emptyTitle="No files yet"
          emptyText="Upload your first file above. Only you can see, download or delete it."
        />
        {list.status === "ready" && list.files.length > 0 ? (
          <ul className="item-list" aria-label="Your uploaded files">
            {list.files.map((entry) => {
              const busy = busyKeys.has(entry.key);
              return (
                <li key={entry.key} className={`item${busy ? " item-busy" : ""}`}>
                  <div className="item-text">
                    <span className="item-title">{entry.name}</span>
                    <span className="item-meta">
                      <span>{formatBytes(entry.size)}</span>
                      <span>
                        Uploaded <time dateTime={entry.lastModified}>{formatDateTime(entry.lastModified)}</time>
                      </span>
                    </span>
                  </div>
                  <div className="file-actions">
                    <button
                      type="button"
                      className="button button-secondary button-small"
                      onClick={() => void download(entry)}
                      disabled={busy}
                      aria-label={`Download "${entry.name}"`}
                    >
                      Download
                    </button>
                    <BusyButton
                      className="button button-danger button-small"
                      onClick={() => void remove(entry)}
                      busy={busy}
                      busyLabel="Working…"
                      aria-label={`Delete file "${entry.name}"`}
                    >
                      Delete
                    </BusyButton>
                  </div>
                </li>
              );
            })}
          </ul>
        ) : null}
      </div>
    </section>
  );
}
