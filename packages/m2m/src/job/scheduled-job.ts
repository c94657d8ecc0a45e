import { createLogger, type Logger } from "@spa-bff/core";
import type { ScheduledEvent } from "aws-lambda";
import { M2mApiError } from "../client/errors.ts";
import { createM2mClient, type M2mClient } from "../client/m2m-client.ts";
import type { M2mConfig } from "../config.ts";

/** At most this many pages are read per run, so a huge table cannot stall the job. */
const maxPages = 100;

export interface ScheduledJobDeps {
  client: M2mClient;
  logger: Logger;
}

/**
 * Creates the scheduled job: it counts the items through the private API
 * with a machine token and logs `{ itemCount }`.
 *
 * @example
 * const run = createScheduledJob(loadM2mConfig(process.env));
 */
export function createScheduledJob(
  config: M2mConfig,
  deps: Partial<ScheduledJobDeps> = {},
): (event: ScheduledEvent) => Promise<{ itemCount: number }> {
  const client = deps.client ?? createM2mClient({ ...config });
  const logger = deps.logger ?? createLogger("m2m");
  return async () => {
    let itemCount = 0;
    let cursor: string | undefined;
    let pages = 0;
    do {
      const path = `/items?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const { status, body } = await client.request("GET", path);
      if (status !== 200 || typeof body !== "object" || body === null || !Array.isArray((body as { items?: unknown }).items)) {
        logger.error("Item report failed", { status });
        throw new M2mApiError(`API request GET /items answered ${status}`);
      }
      const page = body as { items: unknown[]; nextCursor?: unknown };
      itemCount += page.items.length;
      cursor = typeof page.nextCursor === "string" ? page.nextCursor : undefined;
      pages += 1;
    } while (cursor !== undefined && pages < maxPages);
    logger.info("Item report", { itemCount, complete: cursor === undefined });
    return { itemCount };
  };
}
