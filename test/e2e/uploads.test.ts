/**
 * Browser end-to-end for direct uploads (issue 10): in Debian Chromium (never
 * a downloaded browser) a person picks a file, watches the progress bar while
 * it goes straight to the local S3 through a presigned URL, sees it listed,
 * downloads it and deletes it.
 */
import { readFile } from "node:fs/promises";
import type { Platform } from "@spa-bff/local";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type E2eStack, startE2e, submitPasswordAtIdp } from "./support.ts";

let e2e: E2eStack;
let platform: Platform;
let browser: Browser;

beforeAll(async () => {
  e2e = await startE2e({ s3: true });
  ({ platform, browser } = e2e);
}, 180_000);

afterAll(async () => {
  await e2e?.stop();
});

describe("uploads in Chromium against the local platform", () => {
  it("uploads a file with a progress bar straight to the storage, lists it, downloads it and deletes it", async () => {
    // Prepare: signed in as Bob, on his empty files card
    const bob = e2e.demoUser("bob");
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    try {
      await submitPasswordAtIdp(page, platform.urls.app, bob);
      await page.getByRole("heading", { level: 2, name: "Your files" }).waitFor();
      await page.getByText("No files yet").waitFor();
      // Hold the PUT at the storage until the progress bar has been seen: a loopback upload is otherwise over before a frame is drawn.
      let releasePut: () => void = () => undefined;
      const putHeld = new Promise<void>((resolve) => {
        releasePut = resolve;
      });
      const putHeaders: Array<Record<string, string>> = [];
      await page.route(`${platform.urls.s3}/**`, async (route) => {
        if (route.request().method() !== "PUT") return route.continue();
        putHeaders.push(await route.request().allHeaders());
        await putHeld;
        return route.continue();
      });
      const content = Buffer.alloc(256 * 1024, "All work and no play.\n");

      // Act: pick the file and upload it
      await page.getByLabel("File to upload").setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: content });
      const presigned = page.waitForResponse((response) => e2e.isBff(response, "POST", "/files/uploads"));
      const stored = page.waitForResponse(
        (response) => response.url().startsWith(platform.urls.s3) && response.request().method() === "PUT",
      );
      await page.getByRole("button", { name: "Upload file" }).click();

      // Assess: a labelled progress bar while the bytes travel, then the file in the list
      const progress = page.getByRole("progressbar", { name: /^Uploading notes\.txt: \d+%$/ });
      await progress.waitFor();
      expect(Number(await progress.getAttribute("value"))).toBeGreaterThanOrEqual(0);
      await expect.poll(() => putHeaders.length).toBe(1);
      releasePut();
      expect((await presigned).status()).toBe(201);
      const presignedRequest = (await presigned).request();
      expect(await presignedRequest.headerValue("x-csrf")).toBe("1");
      expect(await presignedRequest.headerValue("x-amz-content-sha256")).toMatch(/^[0-9a-f]{64}$/);
      expect((await stored).status()).toBe(200);
      expect(putHeaders[0]).toMatchObject({ "content-type": "text/plain" });
      expect(putHeaders[0]).not.toHaveProperty("cookie");
      expect(putHeaders[0]).not.toHaveProperty("x-csrf");
      await page.getByText("notes.txt was uploaded.").waitFor();
      const row = page.getByRole("list", { name: "Your uploaded files" }).getByRole("listitem").filter({ hasText: "notes.txt" });
      await row.waitFor();
      await row.getByText("256 KB").waitFor();
      await row.getByText(/^Uploaded/).waitFor();

      // Act + Assess: the download arrives as an attachment with the file's name and bytes
      const download = page.waitForEvent("download");
      await page.getByRole("button", { name: 'Download "notes.txt"' }).click();
      const downloaded = await download;
      expect(downloaded.suggestedFilename()).toBe("notes.txt");
      const path = await downloaded.path();
      expect((await readFile(path)).equals(content)).toBe(true);

      // Act + Assess: delete it
      const deleted = page.waitForResponse(
        (response) => response.request().method() === "DELETE" && new URL(response.url()).pathname.startsWith("/files/"),
      );
      await page.getByRole("button", { name: 'Delete file "notes.txt"' }).click();
      expect((await deleted).status()).toBe(204);
      await row.waitFor({ state: "detached" });
      await page.getByText("No files yet").waitFor();
    } finally {
      await context.close();
    }
  });

  it("shows the BFF's reason beside the picker when a file type is refused", async () => {
    // Prepare
    const alice = e2e.demoUser("alice");
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    try {
      await submitPasswordAtIdp(page, platform.urls.app, alice);
      await page.getByText("No files yet").waitFor();
      const picker = page.getByLabel("File to upload");

      // Act
      await picker.setInputFiles({ name: "page.html", mimeType: "text/html", buffer: Buffer.from("<p>hi</p>") });
      const refused = page.waitForResponse((response) => e2e.isBff(response, "POST", "/files/uploads"));
      await page.getByRole("button", { name: "Upload file" }).click();

      // Assess
      expect((await refused).status()).toBe(400);
      await page.getByText(/"contentType" must be one of/).waitFor();
      expect(await picker.getAttribute("aria-invalid")).toBe("true");
      await page.getByText("No files yet").waitFor();
    } finally {
      await context.close();
    }
  });
});
