import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { closeDynaliteIterators } from "./iterator-leak-fix.ts";

const fromDynalite = createRequire(createRequire(import.meta.url).resolve("dynalite"));
const { MemoryLevel } = fromDynalite("memory-level") as {
  MemoryLevel: new (
    options: object,
  ) => {
    put(key: string, value: string): Promise<void>;
    values(): { return?: () => Promise<void>; next(): Promise<unknown> };
    close(): Promise<void>;
  };
};

describe("closeDynaliteIterators", () => {
  it("gives level iterators the return() that dynalite's streams call, and it closes them", async () => {
    // Prepare
    closeDynaliteIterators();
    const db = new MemoryLevel({ valueEncoding: "json" });
    await db.put("a", "1");
    const iterator = db.values();
    expect(await iterator.next()).toBe("1");
    // Act
    await iterator.return?.();
    // Assess: a closed iterator refuses to go on, so it no longer holds the database.
    expect(typeof iterator.return).toBe("function");
    await expect(iterator.next()).rejects.toMatchObject({ code: "LEVEL_ITERATOR_NOT_OPEN" });
    await db.close();
  });

  it("is idempotent", () => {
    expect(closeDynaliteIterators()).toBe(closeDynaliteIterators());
  });
});
