import { createRequire } from "node:module";

interface IteratorPrototype {
  return?: () => Promise<void>;
  close(): Promise<void>;
}

/**
 * dynalite 4 closes the level iterators behind its key and value streams with
 * `iterator.return()`, a method abstract-level 3 iterators do not have (they
 * have `close()`). So every Query and Scan left an iterator open on the
 * database: about 240 MB over the soak's 50,000 requests, and unbounded
 * growth under a long `npm start`. Giving the iterators a `return()` that
 * closes them fixes it without forking dynalite. Idempotent.
 *
 * @returns the patched prototype (for the test).
 */
export function closeDynaliteIterators(): IteratorPrototype {
  // Resolve abstract-level the way dynalite does, so the same copy is patched.
  const fromDynalite = createRequire(createRequire(import.meta.url).resolve("dynalite"));
  const level = fromDynalite("abstract-level") as { AbstractValueIterator: { prototype: object } };
  const common = Object.getPrototypeOf(level.AbstractValueIterator.prototype) as IteratorPrototype;
  common.return ??= function (this: IteratorPrototype) {
    return this.close();
  };
  return common;
}
