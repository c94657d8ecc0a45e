/**
 * The DynamoDB tables of the system, described once in the shape that
 * `sst.aws.Dynamo` takes. The infrastructure (stacks/) and the local platform
 * (which creates them in dynalite) both read these, so the two cannot drift.
 */
export interface TableDefinition {
  /** Logical name: the SST component name and, locally, the table name prefix. */
  readonly name: string;
  readonly fields: Readonly<Record<string, "string" | "number" | "binary">>;
  readonly primaryIndex: { readonly hashKey: string; readonly rangeKey?: string };
  readonly globalIndexes?: Readonly<
    Record<string, { readonly hashKey: string; readonly rangeKey?: string; readonly projection?: "all" | "keys-only" }>
  >;
  /** Attribute holding the expiry in epoch seconds, swept by DynamoDB TTL. */
  readonly ttl?: string;
}

/**
 * Sessions, one partition per user: `pk` is `u#` and a keyed hash of the
 * user's `sub`, `sk` is `s#` and the SHA-256 of the session id (the raw id
 * lives only in the browser's cookie, so a leaked table export holds no
 * usable session). The session id names its partition, so the warm path is
 * one GetItem, and "every session of this user" is one strongly consistent
 * Query of the base table: no eventually consistent index that could miss
 * a session created a moment before a revoke. The same table holds the
 * IdP-session links of back-channel logout (`pk` `sid#…`), its replay
 * markers (`jti#…`) and its rate-limit counters (`limit#…`), each with a TTL.
 */
export const sessionsTable = {
  name: "Sessions",
  fields: { pk: "string", sk: "string" },
  primaryIndex: { hashKey: "pk", rangeKey: "sk" },
  ttl: "ttl",
} as const satisfies TableDefinition;

/** Items of the resource server, partitioned by owner (`sub`). */
export const itemsTable = {
  name: "Items",
  fields: { owner: "string", id: "string" },
  primaryIndex: { hashKey: "owner", rangeKey: "id" },
} as const satisfies TableDefinition;

/**
 * Failed sign-in counters and lockouts of the branded sign-in, keyed by a
 * hash of the user name or client IP (never the raw value). Fixed windows:
 * each counter item lives one window, a lock item until it ends; TTL sweeps
 * both, and readers compare the stored deadline themselves.
 */
export const rateLimitTable = {
  name: "SignInAttempts",
  fields: { pk: "string" },
  primaryIndex: { hashKey: "pk" },
  ttl: "ttl",
} as const satisfies TableDefinition;

export const tables = [sessionsTable, itemsTable, rateLimitTable] as const;

const attributeTypes = { string: "S", number: "N", binary: "B" } as const;

/**
 * The DynamoDB `CreateTable` input for a definition (on-demand billing), for
 * the local platform and tests. Plain data, so core needs no AWS SDK.
 */
export function createTableInput(def: TableDefinition, tableName: string) {
  const keySchema = (index: { hashKey: string; rangeKey?: string }) => [
    { AttributeName: index.hashKey, KeyType: "HASH" as const },
    ...(index.rangeKey ? [{ AttributeName: index.rangeKey, KeyType: "RANGE" as const }] : []),
  ];
  const globalIndexes = Object.entries(def.globalIndexes ?? {});
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST" as const,
    AttributeDefinitions: Object.entries(def.fields).map(([name, type]) => ({ AttributeName: name, AttributeType: attributeTypes[type] })),
    KeySchema: keySchema(def.primaryIndex),
    ...(globalIndexes.length > 0
      ? {
          GlobalSecondaryIndexes: globalIndexes.map(([indexName, index]) => ({
            IndexName: indexName,
            KeySchema: keySchema(index),
            Projection: { ProjectionType: index.projection === "keys-only" ? ("KEYS_ONLY" as const) : ("ALL" as const) },
          })),
        }
      : {}),
  };
}
