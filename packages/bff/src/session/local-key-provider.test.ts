import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "@spa-bff/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EnvelopeError } from "./errors.ts";
import { createLocalKeyProvider, rotateLocalKeyFile } from "./local-key-provider.ts";
import { createSealer } from "./sealer.ts";

const text = (value: string) => new TextEncoder().encode(value);
const read = (value: Uint8Array) => new TextDecoder().decode(value);
const context = { purpose: "test" };

describe("createLocalKeyProvider", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "bff-session-key-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("creates the key file once, with mode 0600, on first use", async () => {
    // Prepare
    const file = join(dir, "nested", "session-key.json");
    const provider = createLocalKeyProvider({ file });
    const before = await stat(file).catch(() => undefined);
    // Act
    await provider.generateDataKey(context);
    // Assess
    expect(before).toBeUndefined();
    const info = await stat(file);
    expect(info.mode & 0o777).toBe(0o600);
    const json = JSON.parse(await readFile(file, "utf8"));
    expect(json.version).toBe(1);
    expect(Buffer.from(json.keys[json.currentKeyId], "base64url").length).toBe(32);
  });

  it("reuses an existing key file, so envelopes survive a restart", async () => {
    // Prepare
    const file = join(dir, "session-key.json");
    const envelope = await createSealer(createLocalKeyProvider({ file })).seal(text("secret"), "aad");
    const content = await readFile(file, "utf8");
    // Act
    const opened = await createSealer(createLocalKeyProvider({ file })).open(envelope, "aad");
    // Assess
    expect(read(opened)).toBe("secret");
    expect(await readFile(file, "utf8")).toBe(content);
  });

  it("agrees on one key when two providers create the file at the same time", async () => {
    // Prepare
    const file = join(dir, "session-key.json");
    const first = createSealer(createLocalKeyProvider({ file }));
    const second = createSealer(createLocalKeyProvider({ file }));
    // Act
    const [a, b] = await Promise.all([first.seal(text("a"), "aad"), second.seal(text("b"), "aad")]);
    // Assess
    expect(read(await second.open(a, "aad"))).toBe("a");
    expect(read(await first.open(b, "aad"))).toBe("b");
  });

  it("keeps old envelopes readable after the master key is rotated", async () => {
    // Prepare
    const file = join(dir, "session-key.json");
    const old = await createSealer(createLocalKeyProvider({ file })).seal(text("old"), "aad");
    const oldKeyId = JSON.parse(await readFile(file, "utf8")).currentKeyId;
    // Act
    const newKeyId = await rotateLocalKeyFile(file);
    const rotated = createSealer(createLocalKeyProvider({ file }));
    const fresh = await rotated.seal(text("new"), "aad");
    // Assess
    expect(newKeyId).not.toBe(oldKeyId);
    expect(read(await rotated.open(old, "aad"))).toBe("old");
    expect(read(await rotated.open(fresh, "aad"))).toBe("new");
    const json = JSON.parse(await readFile(file, "utf8"));
    expect(json.currentKeyId).toBe(newKeyId);
    expect(Object.keys(json.keys).sort()).toEqual([newKeyId, oldKeyId].sort());
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it("opens an envelope wrapped under an older in-memory key of the keyring", async () => {
    // Prepare
    const older = randomBytes(32);
    const newer = randomBytes(32);
    const envelope = await createSealer(createLocalKeyProvider({ key: older, keyId: "k1" })).seal(text("old"), "aad");
    const sealer = createSealer(createLocalKeyProvider({ keyring: { currentKeyId: "k2", keys: { k1: older, k2: newer } } }));
    // Act
    const opened = await sealer.open(envelope, "aad");
    // Assess
    expect(read(opened)).toBe("old");
  });

  it("refuses an envelope whose master key id it does not hold", async () => {
    // Prepare
    const envelope = await createSealer(createLocalKeyProvider({ key: randomBytes(32), keyId: "gone" })).seal(text("x"), "aad");
    const sealer = createSealer(createLocalKeyProvider({ key: randomBytes(32), keyId: "other" }));
    // Act
    const error = await sealer.open(envelope, "aad").catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(EnvelopeError);
    expect(error).toMatchObject({ code: "unauthenticated", message: "Envelope encrypted key names an unknown master key" });
  });

  it("refuses a key file that other users can read", async () => {
    // Prepare
    const file = join(dir, "session-key.json");
    await createLocalKeyProvider({ file }).generateDataKey(context);
    await chmod(file, 0o644);
    // Act
    const error = await createLocalKeyProvider({ file })
      .generateDataKey(context)
      .catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({
      code: "config_invalid",
      message: `Local key file "${file}" is accessible by other users. Expected: mode 0600`,
    });
  });

  it("refuses a malformed key file with a ConfigError that names it", async () => {
    // Prepare
    const file = join(dir, "session-key.json");
    await writeFile(file, '{"version":1,"currentKeyId":"k1","keys":{"k1":"c2hvcnQ"}}', { mode: 0o600 });
    // Act
    const error = await createLocalKeyProvider({ file })
      .generateDataKey(context)
      .catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: "config_invalid", message: 'Invalid local key "k1". Expected: 32 bytes' });
  });

  it("refuses an in-memory key that is not 256 bits", () => {
    // Act
    const act = () => createLocalKeyProvider({ key: randomBytes(16) });
    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow('Invalid local key "memory". Expected: 32 bytes');
  });
});
