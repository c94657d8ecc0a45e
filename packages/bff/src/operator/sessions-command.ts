import { parseArgs } from "node:util";
import { BadRequestError } from "@spa-bff/core";
import type { RevokeTarget } from "./revoke-sessions.ts";

export const sessionsUsage = `Usage:
  npm run sessions -- revoke --sub <sub> [--reason <text>]
  npm run sessions -- revoke --all-before <ISO time> [--reason <text>]

Against the running local platform by default; against a stage when SESSION_TABLE and
IDENTIFIER_HASH_KEY are set (e.g. npx sst shell --stage <stage> -- npm run sessions -- …).`;

/** The command line as a target: exactly one of `--sub` and `--all-before`. */
export function parseSessionsCommand(argv: readonly string[]): { target: RevokeTarget; reason?: string } {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { sub: { type: "string" }, "all-before": { type: "string" }, reason: { type: "string" } },
  });
  if (positionals.length !== 1 || positionals[0] !== "revoke") throw new BadRequestError(sessionsUsage);
  const sub = values.sub?.trim();
  const before = values["all-before"]?.trim();
  if (Boolean(sub) === Boolean(before)) throw new BadRequestError(`Give exactly one of --sub and --all-before.\n${sessionsUsage}`);
  const reason = values.reason?.trim().slice(0, 500);
  if (sub) return { target: { sub }, ...(reason ? { reason } : {}) };
  const time = Date.parse(before ?? "");
  if (!Number.isFinite(time)) throw new BadRequestError(`--all-before takes an ISO time, e.g. 2026-12-03T09:00:00Z.\n${sessionsUsage}`);
  return { target: { createdBefore: Math.floor(time / 1000) }, ...(reason ? { reason } : {}) };
}
