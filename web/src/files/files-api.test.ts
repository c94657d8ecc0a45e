import { describe, expect, it } from "vitest";
import { BffError, createBffClient } from "../bff.ts";
import { deleteFile, formatBytes, listFiles, requestUpload, sendToStorage, type UploadTicket } from "./files-api.ts";

const ticket: UploadTicket = {
  url: "http://127.0.0.1:3003/local-files/uploads/u1/0b6f3c7e-8a43-4c1e-9d2a-1f2e3d4c5b6a-a.txt?X-Amz-Signature=abc",
  key: "uploads/u1/0b6f3c7e-8a43-4c1e-9d2a-1f2e3d4c5b6a-a.txt",
  expiresAt: 1_800_000_300,
  headers: { "content-type": "text/plain", "content-length": "5" },
};

/** The part of XMLHttpRequest that `sendToStorage` uses, recording what it was asked to do. */
class FakeXhr {
  method = "";
  url = "";
  headers: Record<string, string> = {};
  withCredentials = true;
  sent: unknown;
  status = 0;
  aborted = false;
  upload: { onprogress: ((event: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  send(body: unknown) {
    this.sent = body;
  }
  abort() {
    this.aborted = true;
    this.onabort?.();
  }
}

function start(xhr: FakeXhr, progress: number[] = [], signal?: AbortSignal) {
  return sendToStorage(ticket, new Blob(["hello"]), (fraction) => progress.push(fraction), {
    xhr: () => xhr as unknown as XMLHttpRequest,
    ...(signal ? { signal } : {}),
  });
}

describe("sendToStorage", () => {
  it("PUTs the file to the presigned URL with only the signed content type, no credentials, and reports progress", async () => {
    // Prepare
    const xhr = new FakeXhr();
    const progress: number[] = [];
    // Act
    const done = start(xhr, progress);
    xhr.upload.onprogress?.({ lengthComputable: true, loaded: 2, total: 5 });
    xhr.status = 200;
    xhr.onload?.();
    await done;
    // Assess
    expect({ method: xhr.method, url: xhr.url, headers: xhr.headers, withCredentials: xhr.withCredentials }).toEqual({
      method: "PUT",
      url: ticket.url,
      headers: { "content-type": "text/plain" },
      withCredentials: false,
    });
    expect(xhr.sent).toBeInstanceOf(Blob);
    expect(progress).toEqual([0.4, 1]);
  });

  it("rejects with a readable BffError when the storage refuses the signature", async () => {
    // Prepare
    const xhr = new FakeXhr();
    // Act
    const done = start(xhr);
    xhr.status = 403;
    xhr.onload?.();
    // Assess
    await expect(done).rejects.toMatchObject({
      name: "BffError",
      code: "storage_403",
      status: 403,
      message: expect.stringContaining("refused"),
    });
  });

  it("rejects with network_error when the storage cannot be reached", async () => {
    // Prepare
    const xhr = new FakeXhr();
    // Act
    const done = start(xhr);
    xhr.onerror?.();
    // Assess
    await expect(done).rejects.toMatchObject({ code: "network_error", status: 0 });
  });

  it("aborts the upload when the signal fires", async () => {
    // Prepare
    const xhr = new FakeXhr();
    const controller = new AbortController();
    // Act
    const done = start(xhr, [], controller.signal);
    controller.abort();
    // Assess
    await expect(done).rejects.toBeInstanceOf(BffError);
    expect(xhr.aborted).toBe(true);
  });
});

describe("files API calls", () => {
  it("asks for an upload with the file's name, type and size, and deletes by the encoded key", async () => {
    // Prepare
    const calls: Array<{ method: string; url: string; body: string | undefined }> = [];
    const client = createBffClient({
      fetch: async (input, init = {}) => {
        calls.push({
          method: init.method ?? "GET",
          url: String(input),
          body: init.body instanceof Uint8Array ? new TextDecoder().decode(init.body) : undefined,
        });
        return init.method === "DELETE"
          ? new Response(null, { status: 204 })
          : Response.json(ticket, { status: 201, headers: { "content-type": "application/json" } });
      },
    });
    // Act
    await requestUpload(client, { name: "a.txt", type: "", size: 5 });
    await deleteFile(client, ticket.key);
    // Assess
    expect(calls).toEqual([
      { method: "POST", url: "/files/uploads", body: JSON.stringify({ name: "a.txt", contentType: "application/octet-stream", size: 5 }) },
      { method: "DELETE", url: `/files/${encodeURIComponent(ticket.key)}`, body: undefined },
    ]);
  });

  it("lists the newest file first", async () => {
    // Prepare
    const files = [
      { key: "k1", name: "old.txt", size: 1, lastModified: "2026-01-01T00:00:00.000Z" },
      { key: "k2", name: "new.txt", size: 1, lastModified: "2026-02-01T00:00:00.000Z" },
    ];
    const client = createBffClient({ fetch: async () => Response.json({ files }) });
    // Act
    const listed = await listFiles(client);
    // Assess
    expect(listed.map((file) => file.name)).toEqual(["new.txt", "old.txt"]);
  });
});

describe("formatBytes", () => {
  it.each([
    [0, "0 bytes"],
    [1, "1 byte"],
    [1536, "1.5 KB"],
    [256 * 1024, "256 KB"],
    [10 * 1024 * 1024, "10 MB"],
  ])("formats %d as %s", (size, text) => {
    expect(formatBytes(size)).toBe(text);
  });
});
