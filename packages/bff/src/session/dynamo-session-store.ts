import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { ConfigError } from "@spa-bff/core";
import { toStoreError } from "./errors.ts";
import type { SessionKey } from "./session-id.ts";
import { sweepAt } from "./session-rules.ts";
import type { SessionStore, StoredSession } from "./session-store.ts";
import type { SessionUser, SignInMethod } from "./types.ts";

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
  "#sk": "sk",
  "#version": "version",
  "#tokens": "tokens",
  "#touchedAt": "touchedAt",
  "#idle": "idleExpiresAt",
  "#absolute": "absoluteExpiresAt",
  "#ttl": "ttl",
  "#lease": "leaseUntil",
  "#leaseOwner": "leaseOwner",
  "#count": "count",
} as const;

/** The sort key of the single-item partitions (replay markers, counters). */
const only = "-";

/** A user's sessions are a handful; a partition past this many pages is an attack, not a user. */
const maxPartitionPages = 20;

/**
 * {@link SessionStore} on DynamoDB: one partition per user with one item per
 * session, strongly consistent reads (GetItem for a session, Query for a
 * user's), every write conditional. Uses GetItem, PutItem, UpdateItem,
 * DeleteItem and Query only (the role grants nothing else).
 *
 * @example
 * const store = createDynamoSessionStore({ client: new DynamoDBClient({}), tableName: config.sessionTable });
 */
export function createDynamoSessionStore(options: DynamoSessionStoreOptions): SessionStore {
  const { client, tableName } = options;
  if (typeof tableName !== "string" || tableName.length === 0) throw new ConfigError('"tableName" must be a non-empty string');
  const key = (k: SessionKey): Item => ({ pk: { S: k.pk }, sk: { S: k.sk } });
  const single = (pk: string): Item => ({ pk: { S: pk }, sk: { S: only } });

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

  async function unconditional<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw toStoreError(error);
    }
  }

  /** Every item of a partition whose sort key starts with `prefix`, strongly consistent, page by page. */
  async function query(pk: string, prefix: string): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    for (let page = 0; page < maxPartitionPages; page++) {
      const output = await unconditional(() =>
        client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: "#pk = :pk AND begins_with(#sk, :prefix)",
            ExpressionAttributeNames: { "#pk": names["#pk"], "#sk": names["#sk"] },
            ExpressionAttributeValues: { ":pk": { S: pk }, ":prefix": { S: prefix } },
            ConsistentRead: true,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        ),
      );
      items.push(...(output.Items ?? []));
      start = output.LastEvaluatedKey;
      if (!start) break;
    }
    return items;
  }

  return {
    async get(k) {
      const output = await unconditional(() =>
        client.send(new GetItemCommand({ TableName: tableName, Key: key(k), ConsistentRead: true })),
      );
      const stored = fromItem(output.Item);
      return stored?.key.pk === k.pk && stored.key.sk === k.sk ? stored : undefined;
    },

    async listPartition(pk) {
      return (await query(pk, "s#")).flatMap((item) => fromItem(item) ?? []);
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

    takeLease(k, version, lease, now) {
      return conditional(() =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: key(k),
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

    async releaseLease(k, owner) {
      await conditional(() =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: key(k),
            UpdateExpression: "REMOVE #lease, #leaseOwner",
            ConditionExpression: "#leaseOwner = :owner",
            ExpressionAttributeNames: { "#lease": names["#lease"], "#leaseOwner": names["#leaseOwner"] },
            ExpressionAttributeValues: { ":owner": { S: owner } },
          }),
        ),
      );
    },

    async replaceTokens(k, version, tokens, now, leaseOwner) {
      let written: Item | undefined;
      const ok = await conditional(async () => {
        const output = await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: key(k),
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

    touch(k, version, update, now) {
      return conditional(() =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: key(k),
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

    remove(k, version) {
      return conditional(() =>
        client.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: key(k),
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

    async linkIdpSession(idpSession, k, until) {
      await unconditional(() =>
        client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: {
              pk: { S: idpSessionPartition(idpSession) },
              sk: { S: `${k.pk}/${k.sk}` },
              sessionPk: { S: k.pk },
              sessionSk: { S: k.sk },
              ttl: num(until),
            },
          }),
        ),
      );
    },

    async idpSessionLinks(idpSession) {
      return (await query(idpSessionPartition(idpSession), "u#")).flatMap((item) => {
        const pk = item.sessionPk?.S;
        const sk = item.sessionSk?.S;
        return pk && sk ? [{ pk, sk }] : [];
      });
    },

    async unlinkIdpSession(idpSession, k) {
      await unconditional(() =>
        client.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: { pk: { S: idpSessionPartition(idpSession) }, sk: { S: `${k.pk}/${k.sk}` } },
          }),
        ),
      );
    },

    rememberOnce(marker, until, now) {
      return conditional(() =>
        client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: { ...single(marker), ttl: num(until) },
            // A marker past its time may linger until TTL sweeps it; it no longer counts.
            ConditionExpression: "attribute_not_exists(#pk) OR #ttl <= :now",
            ExpressionAttributeNames: { "#pk": names["#pk"], "#ttl": names["#ttl"] },
            ExpressionAttributeValues: { ":now": num(now) },
          }),
        ),
      );
    },

    async remember(marker, until) {
      await unconditional(() => client.send(new PutItemCommand({ TableName: tableName, Item: { ...single(marker), ttl: num(until) } })));
    },

    async remembers(marker, now) {
      const answer = await unconditional(() =>
        client.send(
          new GetItemCommand({
            TableName: tableName,
            Key: single(marker),
            ConsistentRead: true,
            ProjectionExpression: "#ttl",
            ExpressionAttributeNames: { "#ttl": names["#ttl"] },
          }),
        ),
      );
      const until = Number(answer.Item?.ttl?.N ?? 0);
      return until > now;
    },

    async forget(marker) {
      await unconditional(() => client.send(new DeleteItemCommand({ TableName: tableName, Key: single(marker) })));
    },

    count(counter, limit, until) {
      return conditional(() =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: single(counter),
            UpdateExpression: "ADD #count :one SET #ttl = if_not_exists(#ttl, :until)",
            ConditionExpression: "attribute_not_exists(#count) OR #count < :limit",
            ExpressionAttributeNames: { "#count": names["#count"], "#ttl": names["#ttl"] },
            ExpressionAttributeValues: { ":one": num(1), ":limit": num(limit), ":until": num(until) },
          }),
        ),
      );
    },
  };
}

/** The partition of one IdP session's links. */
function idpSessionPartition(idpSession: string): string {
  return `sid#${idpSession}`;
}

const signInMethods: readonly SignInMethod[] = ["password", "password_and_code", "federated"];

/** The DynamoDB item for a session; claims and what the sessions list shows in clear, tokens only sealed. */
export function toItem(session: StoredSession): Item {
  const user: Item = { sub: { S: session.user.sub } };
  for (const field of ["name", "email", "username"] as const) {
    const value = session.user[field];
    if (typeof value === "string") user[field] = { S: value };
  }
  return {
    pk: { S: session.key.pk },
    sk: { S: session.key.sk },
    handle: { S: session.handle },
    user: { M: user },
    tokens: { S: session.tokens },
    method: { S: session.signInMethod },
    device: { S: session.device },
    ...(session.idpSession ? { idpSession: { S: session.idpSession } } : {}),
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
  const sk = item.sk?.S;
  const handle = item.handle?.S;
  const tokens = item.tokens?.S;
  const method = item.method?.S as SignInMethod | undefined;
  const device = item.device?.S;
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
    !sk ||
    !handle ||
    !tokens ||
    !method ||
    !signInMethods.includes(method) ||
    device === undefined ||
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
  const idpSession = item.idpSession?.S;
  return {
    key: { pk, sk },
    handle,
    user: claims,
    tokens,
    signInMethod: method,
    device,
    ...(idpSession ? { idpSession } : {}),
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
