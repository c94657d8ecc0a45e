import {
  type AttributeValue,
  BatchWriteItemCommand,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { ConfigError, hashId, type Logger, SessionStoreError, type sessionsTable } from "@spa-bff/core";
import { EnvelopeError, toStoreError } from "./errors.ts";
import { generateSessionId, hashSessionId, isWellFormedSessionId } from "./session-id.ts";
import { deadlines, decodeTokens, encodeTokens, fromItem, isExpired, type StoredSession, toItem } from "./session-item.ts";
import type { Sealer, Session, SessionPolicy, SessionService, TokenSet, UpdateResult } from "./types.ts";

export interface SessionServiceOptions {
  /** The caller builds the client (region, endpoint: dynalite locally). */
  dynamodb: DynamoDBClient;
  tableName: string;
  sealer: Sealer;
  policy: SessionPolicy;
  /** Source of new session ids; must give at least 128 bits of base64url. Defaults to 32 random bytes. */
  randomId?: () => string;
  /** Receives only event names, error class names and session-id hashes. */
  logger?: Pick<Logger, "warn">;
}

const bySubIndex = "bySub" satisfies keyof typeof sessionsTable.globalIndexes;
const batchLimit = 25;
const batchAttempts = 5;
const createAttempts = 3;

/** Attribute names go through placeholders: `ttl` and friends are DynamoDB reserved words. */
const names = {
  "#pk": "pk",
  "#version": "version",
  "#tokens": "tokens",
  "#touchedAt": "touchedAt",
  "#idle": "idleExpiresAt",
  "#absolute": "absoluteExpiresAt",
  "#ttl": "ttl",
} as const;

/**
 * Sessions in DynamoDB: keyed by the SHA-256 of the session id, tokens sealed
 * with the raw id as AAD, every write conditional on the `version` read, idle
 * and absolute expiry enforced on read. Reads are strongly consistent, so a
 * logout or token update is seen by the very next request. DynamoDB and key
 * provider faults throw `SessionStoreError`; an unknown, expired or tampered
 * session is `undefined`.
 *
 * @example
 * const sessions = createSessionService({ dynamodb, tableName: config.sessionTable, sealer, policy });
 * const session = await sessions.get(cookieValue, Math.floor(Date.now() / 1000));
 */
export function createSessionService(options: SessionServiceOptions): SessionService {
  const { dynamodb, tableName, sealer, logger } = options;
  const policy = validatePolicy(options.policy);
  const randomId = options.randomId ?? generateSessionId;
  if (typeof tableName !== "string" || tableName.length === 0) throw new ConfigError('"tableName" must be a non-empty string');

  async function send<T>(call: Promise<T>): Promise<T> {
    try {
      return await call;
    } catch (error) {
      if (isConditionalFailure(error)) throw error;
      throw toStoreError(error);
    }
  }

  async function seal(tokens: TokenSet, id: string): Promise<string> {
    try {
      return await sealer.seal(encodeTokens(tokens), id);
    } catch (error) {
      throw toStoreError(error);
    }
  }

  async function get(id: string, now: number): Promise<Session | undefined> {
    if (!isWellFormedSessionId(id)) return undefined;
    const pk = hashSessionId(id);
    const output = await send(dynamodb.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: pk } }, ConsistentRead: true })));
    const stored = fromItem(output.Item);
    if (!stored || stored.pk !== pk) return undefined;
    if (isExpired(stored, now)) {
      await removeExpired(stored, id);
      return undefined;
    }
    let plaintext: Uint8Array;
    try {
      plaintext = await sealer.open(stored.tokens, id);
    } catch (error) {
      if (!(error instanceof EnvelopeError)) throw toStoreError(error);
      logger?.warn("session.envelope_rejected", { sid: hashId(id), reason: error.message });
      return undefined;
    }
    const tokens = decodeTokens(plaintext);
    return tokens ? toSession(id, stored, tokens) : undefined;
  }

  /** Best effort: the read already treats the session as gone, the sweeper catches what this misses. */
  async function removeExpired(stored: StoredSession, id: string): Promise<void> {
    try {
      await dynamodb.send(
        new DeleteItemCommand({
          TableName: tableName,
          Key: { pk: { S: stored.pk } },
          ConditionExpression: "#version = :version",
          ExpressionAttributeNames: { "#version": names["#version"] },
          ExpressionAttributeValues: { ":version": { N: String(stored.version) } },
        }),
      );
    } catch (error) {
      if (!isConditionalFailure(error)) logger?.warn("session.expired_delete_failed", { sid: hashId(id), error: errorName(error) });
    }
  }

  return {
    async create(input, now) {
      for (let attempt = 0; attempt < createAttempts; attempt++) {
        const id = randomId();
        if (!isWellFormedSessionId(id)) throw new ConfigError('"randomId" must return at least 128 bits of base64url');
        const stored: StoredSession = {
          pk: hashSessionId(id),
          user: { ...input.user },
          tokens: await seal(input.tokens, id),
          createdAt: now,
          touchedAt: now,
          ...deadlines(now, now, policy),
          version: 1,
        };
        try {
          await send(
            dynamodb.send(
              new PutItemCommand({
                TableName: tableName,
                Item: toItem(stored),
                ConditionExpression: "attribute_not_exists(#pk)",
                ExpressionAttributeNames: { "#pk": names["#pk"] },
              }),
            ),
          );
          return toSession(id, stored, input.tokens);
        } catch (error) {
          // A 256-bit collision means a broken random source; never overwrite someone's session.
          if (!isConditionalFailure(error)) throw error;
        }
      }
      throw new SessionStoreError("Could not allocate a unique session id");
    },

    get,

    async touchIfDue(session, now) {
      if (now - session.touchedAt < policy.touchIntervalSeconds || isExpired(session, now)) return session;
      const idleExpiresAt = Math.min(now + policy.idleSeconds, session.absoluteExpiresAt);
      if (idleExpiresAt <= session.idleExpiresAt) return session;
      try {
        // No version bump: sliding the deadline must not make a concurrent token refresh lose.
        await send(
          dynamodb.send(
            new UpdateItemCommand({
              TableName: tableName,
              Key: { pk: { S: hashSessionId(session.id) } },
              UpdateExpression: "SET #touchedAt = :now, #idle = :idle, #ttl = :ttl",
              ConditionExpression: "#version = :version AND #idle > :now",
              ExpressionAttributeNames: {
                "#touchedAt": names["#touchedAt"],
                "#idle": names["#idle"],
                "#ttl": names["#ttl"],
                "#version": names["#version"],
              },
              ExpressionAttributeValues: {
                ":now": { N: String(now) },
                ":idle": { N: String(idleExpiresAt) },
                ":ttl": { N: String(Math.min(idleExpiresAt, session.absoluteExpiresAt)) },
                ":version": { N: String(session.version) },
              },
            }),
          ),
        );
      } catch (error) {
        // Someone else wrote (a refresh) or deleted it; this request keeps what it read, the next one slides.
        if (isConditionalFailure(error)) return session;
        throw error;
      }
      return { ...session, touchedAt: now, idleExpiresAt };
    },

    async updateTokens(session, tokens, now): Promise<UpdateResult> {
      const envelope = await seal(tokens, session.id);
      try {
        const output = await send(
          dynamodb.send(
            new UpdateItemCommand({
              TableName: tableName,
              Key: { pk: { S: hashSessionId(session.id) } },
              UpdateExpression: "SET #tokens = :tokens, #version = :next",
              ConditionExpression: "#version = :version AND #idle > :now AND #absolute > :now",
              ExpressionAttributeNames: {
                "#tokens": names["#tokens"],
                "#version": names["#version"],
                "#idle": names["#idle"],
                "#absolute": names["#absolute"],
              },
              ExpressionAttributeValues: {
                ":tokens": { S: envelope },
                ":next": { N: String(session.version + 1) },
                ":version": { N: String(session.version) },
                ":now": { N: String(now) },
              },
              ReturnValues: "ALL_NEW",
            }),
          ),
        );
        const stored = fromItem(output.Attributes);
        const session2 = stored ? toSession(session.id, stored, tokens) : { ...session, tokens, version: session.version + 1 };
        return { ok: true, session: session2 };
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
        return { ok: false, current: await get(session.id, now) };
      }
    },

    async delete(id) {
      if (!isWellFormedSessionId(id)) return;
      await send(dynamodb.send(new DeleteItemCommand({ TableName: tableName, Key: { pk: { S: hashSessionId(id) } } })));
    },

    async deleteAllForSub(sub) {
      if (typeof sub !== "string" || sub.length === 0) return 0;
      let deleted = 0;
      let startKey: Record<string, AttributeValue> | undefined;
      do {
        const page = await send(
          dynamodb.send(
            new QueryCommand({
              TableName: tableName,
              IndexName: bySubIndex,
              KeyConditionExpression: "#sub = :sub",
              ProjectionExpression: "#pk",
              ExpressionAttributeNames: { "#sub": "sub", "#pk": names["#pk"] },
              ExpressionAttributeValues: { ":sub": { S: sub } },
              ExclusiveStartKey: startKey,
            }),
          ),
        );
        const keys = (page.Items ?? []).flatMap((item) => (item.pk?.S ? [item.pk.S] : []));
        for (let i = 0; i < keys.length; i += batchLimit) {
          await deleteBatch(keys.slice(i, i + batchLimit));
          deleted += Math.min(batchLimit, keys.length - i);
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return deleted;
    },
  };

  async function deleteBatch(pks: string[]): Promise<void> {
    let requests = pks.map((pk) => ({ DeleteRequest: { Key: { pk: { S: pk } } } }));
    for (let attempt = 0; attempt < batchAttempts && requests.length > 0; attempt++) {
      // Back off only when DynamoDB throttled part of the batch.
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
      const output = await send(dynamodb.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } })));
      requests = (output.UnprocessedItems?.[tableName] ?? []).flatMap((request) => {
        const pk = request.DeleteRequest?.Key?.pk?.S;
        return pk ? [{ DeleteRequest: { Key: { pk: { S: pk } } } }] : [];
      });
    }
    if (requests.length > 0) throw new SessionStoreError("Some sessions could not be deleted, try again shortly");
  }
}

function toSession(id: string, stored: StoredSession, tokens: TokenSet): Session {
  return {
    id,
    user: stored.user,
    tokens,
    createdAt: stored.createdAt,
    touchedAt: stored.touchedAt,
    idleExpiresAt: stored.idleExpiresAt,
    absoluteExpiresAt: stored.absoluteExpiresAt,
    version: stored.version,
  };
}

function validatePolicy(policy: SessionPolicy): SessionPolicy {
  const problems = (["idleSeconds", "absoluteSeconds", "touchIntervalSeconds"] as const).filter(
    (name) => !Number.isInteger(policy?.[name]) || policy[name] <= 0,
  );
  if (problems.length > 0)
    throw new ConfigError(`Invalid session policy: ${problems.map((name) => `"${name}"`).join(", ")} must be positive integers`);
  return { ...policy };
}

function isConditionalFailure(error: unknown): boolean {
  return error instanceof Error && error.name === "ConditionalCheckFailedException";
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
