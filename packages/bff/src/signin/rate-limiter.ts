import { DeleteItemCommand, type DynamoDBClient, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { AppError, type IdentifierHash, SessionStoreError } from "@spa-bff/core";
import {
  counterKey,
  defaultRateLimitPolicy,
  type RateLimitPolicy,
  type RateLimitScope,
  type SignInAttempt,
  secondsLeftInWindow,
} from "./rate-limit-policy.ts";

/** The answer to a reservation: go ahead (and whether this attempt used the last place), or wait this long. */
export type Reservation = { ok: true; lastPlace: boolean; retryAfterSeconds: number } | { ok: false; retryAfterSeconds: number };

/** Sign-in attempts counted before they reach the IdP. Times are epoch seconds. */
export interface RateLimiter {
  /**
   * Reserves a place for one attempt in every counter (user and address,
   * user, address), atomically per counter, before the IdP is called; refused
   * when any counter is full, so N parallel attempts on N instances let at
   * most the limit through. A reservation stays counted: it is the attempt.
   */
  reserve(attempt: SignInAttempt, now: number): Promise<Reservation>;
  /** After a completed sign-in: this user name and address start afresh. */
  forgive(attempt: SignInAttempt, now: number): Promise<void>;
  /** Gives a reservation back: the attempt never reached a verdict (the IdP was unreachable). */
  release(attempt: SignInAttempt, now: number): Promise<void>;
}

export interface DynamoRateLimiterOptions {
  client: Pick<DynamoDBClient, "send">;
  /** The table made from `rateLimitTable` (core). */
  tableName: string;
  policy?: RateLimitPolicy;
  /** Keyed hash of user names and addresses (`IDENTIFIER_HASH_KEY`). */
  hash: IdentifierHash;
}

const scopes: readonly RateLimitScope[] = ["pair", "ip", "user"];

/**
 * Fixed-window counters in DynamoDB: one item per subject and window, each
 * place reserved with a conditional `ADD` (`attempts < limit`), so the
 * counter can never pass its limit however many instances race, and each
 * item expires by TTL with its window. A reservation refused by a later
 * counter gives back the places it took in the earlier ones. A DynamoDB
 * outage is a `SessionStoreError` (503): the sign-in fails closed rather
 * than run without its brake.
 *
 * @example
 * const limiter = createDynamoRateLimiter({ client: new DynamoDBClient({}), tableName: "SignInAttempts" });
 * const reservation = await limiter.reserve({ user: "alice", ip }, now);
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

  /** One place in one counter, or `undefined` when it is full. */
  async function take(scope: RateLimitScope, attempt: SignInAttempt, now: number): Promise<number | undefined> {
    const rule = policy[scope];
    try {
      const { Attributes } = await options.client.send(
        new UpdateItemCommand({
          TableName,
          Key: { pk: { S: counterKey(scope, attempt, rule, now, options.hash) } },
          UpdateExpression: "ADD attempts :one SET #ttl = if_not_exists(#ttl, :ttl)",
          ConditionExpression: "attribute_not_exists(attempts) OR attempts < :limit",
          ExpressionAttributeNames: { "#ttl": "ttl" },
          ExpressionAttributeValues: {
            ":one": { N: "1" },
            ":limit": { N: String(rule.limit) },
            ":ttl": { N: String(now + secondsLeftInWindow(now, rule.windowSeconds)) },
          },
          ReturnValues: "UPDATED_NEW",
        }),
      );
      return Number(Attributes?.attempts?.N ?? "0");
    } catch (error) {
      if (error instanceof Error && error.name === "ConditionalCheckFailedException") return undefined;
      throw error;
    }
  }

  async function giveBack(scope: RateLimitScope, attempt: SignInAttempt, now: number): Promise<void> {
    await options.client.send(
      new UpdateItemCommand({
        TableName,
        Key: { pk: { S: counterKey(scope, attempt, policy[scope], now, options.hash) } },
        UpdateExpression: "ADD attempts :minus",
        ConditionExpression: "attempts > :zero",
        ExpressionAttributeValues: { ":minus": { N: "-1" }, ":zero": { N: "0" } },
      }),
    );
  }

  return {
    reserve(attempt, now) {
      return guarded(async () => {
        const taken: RateLimitScope[] = [];
        let lastPlace = false;
        let retryAfterSeconds = 0;
        for (const scope of scopes) {
          const count = await take(scope, attempt, now);
          const left = secondsLeftInWindow(now, policy[scope].windowSeconds);
          if (count === undefined) {
            await Promise.all(taken.map((done) => giveBack(done, attempt, now).catch(() => undefined)));
            return { ok: false, retryAfterSeconds: left };
          }
          taken.push(scope);
          if (count >= policy[scope].limit) {
            lastPlace = true;
            retryAfterSeconds = Math.max(retryAfterSeconds, left);
          }
        }
        return { ok: true, lastPlace, retryAfterSeconds };
      });
    },

    release(attempt, now) {
      return guarded(async () => {
        await Promise.all(scopes.map((scope) => giveBack(scope, attempt, now).catch(() => undefined)));
      });
    },

    forgive(attempt, now) {
      return guarded(async () => {
        await options.client.send(
          new DeleteItemCommand({ TableName, Key: { pk: { S: counterKey("pair", attempt, policy.pair, now, options.hash) } } }),
        );
      });
    },
  };
}
