import { DeleteItemCommand, type DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { AppError, SessionStoreError } from "@spa-bff/core";
import {
  counterKey,
  defaultRateLimitPolicy,
  isLocked,
  lockAfterFailures,
  lockKey,
  type RateLimitPolicy,
  type RateLimitSubject,
} from "./rate-limit-policy.ts";

/** Failed-attempt counting and lockout for the branded sign-in. Times are epoch seconds. */
export interface RateLimiter {
  /** The latest lock deadline in force for any of the subjects, or `undefined` when none is locked. */
  lockedUntil(subjects: readonly RateLimitSubject[], now: number): Promise<number | undefined>;
  /** Counts one failure against each subject; returns the lock deadline if this failure locked one. */
  recordFailure(subjects: readonly RateLimitSubject[], now: number): Promise<number | undefined>;
  /** Forgets a subject's failures in the current window (after a successful sign-in). */
  clearFailures(subject: RateLimitSubject, now: number): Promise<void>;
}

export interface DynamoRateLimiterOptions {
  client: Pick<DynamoDBClient, "send">;
  /** The table made from `rateLimitTable` (core). */
  tableName: string;
  policy?: RateLimitPolicy;
}

/**
 * Fixed-window counters in DynamoDB: one item per subject and window,
 * incremented atomically with `UpdateItem ADD` (so concurrent failures on
 * many Lambda instances all count) and expiring by TTL with its window. A
 * failure that reaches the limit writes a lock item that lasts
 * `lockSeconds`. A DynamoDB outage is a `SessionStoreError` (503): the
 * sign-in fails closed rather than run without its brake.
 *
 * @example
 * const limiter = createDynamoRateLimiter({ client: new DynamoDBClient({}), tableName: "SignInAttempts" });
 */
export function createDynamoRateLimiter(options: DynamoRateLimiterOptions): RateLimiter {
  const policy = options.policy ?? defaultRateLimitPolicy;
  const TableName = options.tableName;

  async function guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new SessionStoreError("The sign-in attempt store is unavailable, try again shortly", { cause: error });
    }
  }

  return {
    lockedUntil(subjects, now) {
      return guarded(async () => {
        const deadlines = await Promise.all(
          subjects.map(async (subject) => {
            const { Item } = await options.client.send(
              new GetItemCommand({
                TableName,
                Key: { pk: { S: lockKey(subject) } },
                ConsistentRead: true,
                ProjectionExpression: "lockedUntil",
              }),
            );
            const value = Item?.lockedUntil?.N === undefined ? undefined : Number(Item.lockedUntil.N);
            return isLocked(value, now) ? value : undefined;
          }),
        );
        const active = deadlines.filter((value): value is number => value !== undefined);
        return active.length > 0 ? Math.max(...active) : undefined;
      });
    },

    recordFailure(subjects, now) {
      return guarded(async () => {
        const locks = await Promise.all(
          subjects.map(async (subject) => {
            const rule = policy[subject.kind];
            const { Attributes } = await options.client.send(
              new UpdateItemCommand({
                TableName,
                Key: { pk: { S: counterKey(subject, rule, now) } },
                UpdateExpression: "ADD failures :one SET #ttl = if_not_exists(#ttl, :ttl)",
                ExpressionAttributeNames: { "#ttl": "ttl" },
                ExpressionAttributeValues: { ":one": { N: "1" }, ":ttl": { N: String(now + rule.windowSeconds) } },
                ReturnValues: "UPDATED_NEW",
              }),
            );
            const lockedUntil = lockAfterFailures(Number(Attributes?.failures?.N ?? "0"), rule, now);
            if (lockedUntil === undefined) return undefined;
            await options.client.send(
              new PutItemCommand({
                TableName,
                Item: { pk: { S: lockKey(subject) }, lockedUntil: { N: String(lockedUntil) }, ttl: { N: String(lockedUntil) } },
              }),
            );
            return lockedUntil;
          }),
        );
        const active = locks.filter((value): value is number => value !== undefined);
        return active.length > 0 ? Math.max(...active) : undefined;
      });
    },

    clearFailures(subject, now) {
      return guarded(async () => {
        await options.client.send(new DeleteItemCommand({ TableName, Key: { pk: { S: counterKey(subject, policy[subject.kind], now) } } }));
      });
    },
  };
}
