import { type BffClient, BffError } from "../bff.ts";

/** One of the user's files, as `GET /files` lists it. */
export interface StoredFile {
  key: string;
  name: string;
  size: number;
  /** ISO 8601. */
  lastModified: string;
}

/** The BFF's answer to `POST /files/uploads`: PUT the file to `url` with exactly these headers. */
export interface UploadTicket {
  url: string;
  key: string;
  /** Epoch seconds after which the storage refuses the URL. */
  expiresAt: number;
  headers: { "content-type": string; "content-length": string };
}

/** The types the BFF accepts; offered to the file picker so people rarely pick one it refuses. */
export const ACCEPTED_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"] as const;
/** The BFF's size limit (10 MiB); checked here only to spare a round trip. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** The signed-in user's files, newest first. */
export async function listFiles(client: BffClient): Promise<StoredFile[]> {
  const answer = await client.request<{ files?: unknown }>("GET", "/files");
  const files = Array.isArray(answer?.files) ? (answer.files as StoredFile[]) : [];
  return [...files].sort((a, b) => b.lastModified.localeCompare(a.lastModified));
}

/** Asks the BFF for a presigned upload URL bound to this file's name, type and size. */
export function requestUpload(client: BffClient, file: { name: string; type: string; size: number }): Promise<UploadTicket> {
  // An unknown type is sent as such: the BFF answers with the list of types it accepts.
  return client.request<UploadTicket>("POST", "/files/uploads", {
    name: file.name,
    contentType: file.type || "application/octet-stream",
    size: file.size,
  });
}

export async function deleteFile(client: BffClient, key: string): Promise<void> {
  await client.request<undefined>("DELETE", `/files/${encodeURIComponent(key)}`);
}

/** A short-lived download URL for one of the user's files (served as an attachment). */
export async function downloadUrl(client: BffClient, key: string): Promise<string> {
  const answer = await client.request<{ url?: unknown }>("GET", `/files/download?key=${encodeURIComponent(key)}`);
  if (typeof answer?.url !== "string") throw new BffError("invalid_response", 200, "The server sent an answer this app cannot read.");
  return answer.url;
}

/** The seam for tests: what `sendToStorage` needs of `XMLHttpRequest`. */
export type XhrFactory = () => XMLHttpRequest;

/**
 * PUTs the file straight to the storage with the ticket's signed content
 * type. XMLHttpRequest rather than fetch, for upload progress. It carries
 * no cookie and no X-CSRF: the URL's signature is the whole authorization,
 * and the browser sets content-length from the file, which the signature
 * binds too. Rejects with a `BffError` whose message can be shown.
 */
export function sendToStorage(
  ticket: UploadTicket,
  file: Blob,
  onProgress: (fraction: number) => void,
  options: { signal?: AbortSignal; xhr?: XhrFactory } = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = (options.xhr ?? (() => new XMLHttpRequest()))();
    xhr.open("PUT", ticket.url);
    xhr.withCredentials = false;
    xhr.setRequestHeader("content-type", ticket.headers["content-type"]);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(Math.min(1, event.loaded / event.total));
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve();
        return;
      }
      const message =
        xhr.status === 403
          ? "The storage refused the upload: the link may have expired or the file changed. Please try again."
          : "The storage could not take the file right now. Please try again.";
      reject(new BffError(`storage_${xhr.status}`, xhr.status, message));
    };
    xhr.onerror = () => reject(new BffError("network_error", 0, "Could not reach the storage. Check your connection and try again."));
    xhr.onabort = () => reject(new BffError("aborted", 0, "The upload was cancelled."));
    options.signal?.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}

const units = ["bytes", "KB", "MB", "GB"] as const;

/** "512 bytes", "1.5 KB", "10 MB": 1024-based, one decimal below ten. */
export function formatBytes(size: number): string {
  if (!Number.isFinite(size) || size < 0) return "";
  let value = size;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${value} ${value === 1 ? "byte" : "bytes"}`;
  return `${value < 10 ? value.toFixed(1).replace(/\.0$/, "") : Math.round(value)} ${units[unit]}`;
}
