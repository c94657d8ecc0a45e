import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { ConfigError } from "@spa-bff/core";
import { toStoreError } from "./errors.ts";
import { sweepAt } from "./session-rules.ts";
import type { SessionStore, StoredSession } from "./session-store.ts";
import type { SessionUser } from "./types.ts";

type Item = Record<string, AttributeValue>;

export interface DynamoSessionStoreOptions {
  /** The caller builds the client (region; dynalite's endpoint locally). */
  client: Pick<DynamoDBClient, "send">;
  /** The table made from core's `sessionsTable`. */
  tableName: string;
}

/** Attribute names go through placeholders: `ttl` and friends are DynamoDB reserved words. */
const names = {
  "#pk": "pk",
  "#version": "version",
  "#tokens": "tokens",
  "#touchedAt": "touchedAt",
  "#idle": "idleExpiresAt",
  "#absolute": "absoluteExpiresAt",
  "#ttl": "ttl",
  "#lease": "leaseUntil",
  "#leaseOwner": "leaseOwner",
} as const;

/**
 * {@link SessionStore} on DynamoDB: one item per session keyed by the hash of
 * its id, strongly consistent reads, every write conditional. Uses GetItem,
 * PutItem, UpdateItem and DeleteItem only (the role grants nothing else).
 *
 * @example
 * const store = createDynamoSessionStore({ client: new DynamoDBClient({}), tableName: config.sessionTable });
 */
export function createDynamoSessionStore(options: DynamoSessionStoreOptions): SessionStore {
  const { client, tableName } = options;
  if (typeof tableName !== "string" || tableName.length === 0) throw new ConfigError('"tableName" must be a non-empty string');
  const key = (pk: string) => ({ pk: { S: pk } });

  /** A failed condition is an answer (`false`); anything else is an outage (503). */
  async function conditional(send: () => Promise<unknown>): Promise<boolean> {
    try {
      await send();
      return true;
    } catch (error) {
      if (isConditionalFailure(error)) return false;
      throw toStoreError(error);
    }
  }

  return {
    async get(pk) {
      try {
        const output = await client.send(new GetItemCommand({ TableName: tableName, Key: key(pk), ConsistentRead: true }));
        const stored = fromItem(output.Item);
        return stored?.pk === pk ? stored : undefined;
      } catch (error) {
        throw toStoreError(error);
      }
    },

    insert(record) {
      return conditional(() =>
        client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: toItem(record),
            ConditionExpression: "attribute_not_exists(#pk)",
            ExpressionAttributeNames: { "#pk": names["#pk"] },
          }),
        ),
      );
    },

    takeLease(pk, version, lease, now) {
      return conditional(() =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: key(pk),
            UpdateExpression: "SET #lease = :until, #leaseOwner = :owner",
            ConditionExpression:
              "#version = :version AND #idle > :now AND #absolute > :now AND (attribute_not_exists(#lease) OR #lease <= :now)",
            ExpressionAttributeNames: {
              "#lease": names["#lease"],
              "#leaseOwner": names["#leaseOwner"],
              "#version": names["#version"],
              "#idle": names["#idle"],
              "#absolute": names["#absolute"],
            },
            ExpressionAttributeValues: {
              ":until": num(lease.until),
              ":owner": { S: lease.owner },
              ":version": num(version),
              ":now": num(now),
            },
          }),
        ),
      );
    },

    async releaseLease(pk, owner) {
      await conditional(() =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: key(pk),
            UpdateExpression: "REMOVE #lease, #leaseOwner",
            ConditionExpression: "#leaseOwner = :owner",
            ExpressionAttributeNames: { "#lease": names["#lease"], "#leaseOwner": names["#leaseOwner"] },
            ExpressionAttributeValues: { ":owner": { S: owner } },
          }),
        ),
      );
    },

    async replaceTokens(pk, version, tokens, now, leaseOwner) {
      let written: Item | undefined;
      const ok = await conditional(async () => {
        const output = await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: key(pk),
            UpdateExpression: "SET #tokens = :tokens, #version = :next REMOVE #lease, #leaseOwner",
            // The lease holder writes its refresh; any other write (cached file credentials) waits until no refresh is under way.
            ConditionExpression: `#version = :version AND #idle > :now AND #absolute > :now AND ${
              leaseOwner === undefined ? "(attribute_not_exists(#lease) OR #lease <= :now)" : "#leaseOwner = :owner"
            }`,
            ExpressionAttributeNames: {
              "#tokens": names["#tokens"],
              "#version": names["#version"],
              "#idle": names["#idle"],
              "#absolute": names["#absolute"],
              "#lease": names["#lease"],
              "#leaseOwner": names["#leaseOwner"],
            },
            ExpressionAttributeValues: {
              ":tokens": { S: tokens },
              ":next": num(version + 1),
              ":version": num(version),
              ":now": num(now),
              ...(leaseOwner === undefined ? {} : { ":owner": { S: leaseOwner } }),
            },
            ReturnValues: "ALL_NEW",
          }),
        );
        written = output.Attributes;
      });
      return ok ? fromItem(written) : undefined;
    },

    touch(pk, version, update, now) {
      return conditional(() =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: key(pk),
            // No version bump: sliding the deadline must not make a concurrent token refresh lose.
            UpdateExpression: "SET #touchedAt = :touched, #idle = :idle, #ttl = :ttl",
            ConditionExpression: "#version = :version AND #idle > :now",
            ExpressionAttributeNames: {
              "#touchedAt": names["#touchedAt"],
              "#idle": names["#idle"],
              "#ttl": names["#ttl"],
              "#version": names["#version"],
            },
            ExpressionAttributeValues: {
              ":touched": num(update.touchedAt),
              ":idle": num(update.idleExpiresAt),
              ":ttl": num(update.ttl),
              ":version": num(version),
              ":now": num(now),
            },
          }),
        ),
      );
    },

    remove(pk, version) {
      return conditional(() =>
        client.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: key(pk),
            ...(version === undefined
              ? {}
              : {
                  ConditionExpression: "#version = :version",
                  ExpressionAttributeNames: { "#version": names["#version"] },
                  ExpressionAttributeValues: { ":version": num(version) },
                }),
          }),
        ),
      );
    },
  };
}

/** The DynamoDB item for a session; claims in clear for `/auth/session`, tokens only sealed. */
export function toItem(session: StoredSession): Item {
  const user: Item = { sub: { S: session.user.sub } };
  for (const field of ["name", "email", "username"] as const) {
    const value = session.user[field];
    if (typeof value === "string") user[field] = { S: value };
  }
  return {
    pk: { S: session.pk },
    sub: { S: session.user.sub },
    user: { M: user },
    tokens: { S: session.tokens },
    createdAt: num(session.createdAt),
    touchedAt: num(session.touchedAt),
    idleExpiresAt: num(session.idleExpiresAt),
    absoluteExpiresAt: num(session.absoluteExpiresAt),
    ttl: num(sweepAt(session)),
    version: num(session.version),
    ...(session.lease ? { leaseUntil: num(session.lease.until), leaseOwner: { S: session.lease.owner } } : {}),
  };
}

/** Reads a stored item, or `undefined` when any attribute is missing or of the wrong type. */
export function fromItem(item: Item | undefined): StoredSession | undefined {
  if (!item) return undefined;
  const user = item.user?.M;
  const sub = user?.sub?.S;
  const pk = item.pk?.S;
  const tokens = item.tokens?.S;
  const [createdAt, touchedAt, idleExpiresAt, absoluteExpiresAt, version] = [
    "createdAt",
    "touchedAt",
    "idleExpiresAt",
    "absoluteExpiresAt",
    "version",
  ].map((name) => readNumber(item[name]));
  if (
    !user ||
    !sub ||
    !pk ||
    !tokens ||
    createdAt === undefined ||
    touchedAt === undefined ||
    idleExpiresAt === undefined ||
    absoluteExpiresAt === undefined ||
    version === undefined
  ) {
    return undefined;
  }
  const claims: SessionUser = { sub };
  for (const field of ["name", "email", "username"] as const) {
    const value = user[field]?.S;
    if (value !== undefined) claims[field] = value;
  }
  const leaseUntil = readNumber(item.leaseUntil);
  const leaseOwner = item.leaseOwner?.S;
  return {
    pk,
    user: claims,
    tokens,
    createdAt,
    touchedAt,
    idleExpiresAt,
    absoluteExpiresAt,
    version,
    ...(leaseUntil !== undefined && leaseOwner ? { lease: { until: leaseUntil, owner: leaseOwner } } : {}),
  };
}

function isConditionalFailure(error: unknown): boolean {
  return error instanceof Error && error.name === "ConditionalCheckFailedException";
}

function num(value: number): AttributeValue {
  return { N: String(value) };
}

function readNumber(value: AttributeValue | undefined): number | undefined {
  if (value?.N === undefined) return undefined;
  const n = Number(value.N);
  return Number.isFinite(n) ? n : undefined;
}
