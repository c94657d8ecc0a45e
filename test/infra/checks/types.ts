import type { SynthOptions, SynthResult } from "../harness/index.ts";

/**
 * The runs every check can read: the stage as `sst deploy` makes it (a
 * developer's stage, production, a staging stage with the branded sign-in)
 * and as `sst dev` makes it.
 */
export const variants = {
  /** `sst deploy --stage dev`, no settings: every default. */
  dev: { stage: "dev" },
  /** `sst deploy --stage production`. */
  production: { stage: "production" },
  /** `sst dev --stage alice`: the functions relay to a laptop, the SPA runs on Vite. */
  live: { stage: "alice", dev: true },
  /** `sst deploy --stage staging` after `sst secret set LoginMode branded` and `SenderEmail`. */
  branded: { stage: "staging", secrets: { LoginMode: "branded", SenderEmail: "sign-in@mail.example.org" } },
} satisfies Record<string, SynthOptions>;

export type Variant = keyof typeof variants;
export type Synths = Record<Variant, SynthResult>;

/**
 * One property of the stacks, asserted on synthesised runs. The infra
 * tests run every check on the real stacks; the mutation tests break the
 * property in a copy of stacks/ and require the check to fail.
 */
export interface Check {
  /** Stable id, named by the mutations that this check must catch. */
  id: string;
  /** The property, in words: what would be wrong in AWS if it failed. */
  property: string;
  /** The runs it reads. */
  needs: Variant[];
  run(synths: Synths): void;
}

/** A check whose runs are typed by what it needs. */
export function check<const V extends Variant>(id: string, property: string, needs: V[], run: (synths: Pick<Synths, V>) => void): Check {
  return { id, property, needs, run: run as (synths: Synths) => void };
}
