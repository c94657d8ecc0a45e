import { randomBytes } from "node:crypto";
import { AdminUserGlobalSignOutCommand, type CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { type AttributeValue, type DynamoDBClient, PutItemCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import type { IdentifierHash } from "@spa-bff/core";
import { createDynamoSessionStore } from "../session/dynamo-session-store.ts";
import { endedMarkerOf, userPartition } from "../session/session-id.ts";
import { createUserSessions } from "../session/user-sessions.ts";

/** Whose sessions end: one user's, or everyone's created before a moment (epoch seconds). */
export type RevokeTarget = { sub: string } | { createdBefore: number };

export interface RevokeSessionsDeps {
  dynamodb: Pick<DynamoDBClient, "send">;
  sessionTable: string;
  /** The stage's `IDENTIFIER_HASH_KEY` hash: a user's partition is named by it. */
  hash: IdentifierHash;
  /** The user pool whose refresh tokens end too (`AdminUserGlobalSignOut`); absent for a non-Cognito IdP. */
  cognito?: { client: Pick<CognitoIdentityProviderClient, "send">; userPoolId: string };
  /** Who runs the command (an IAM ARN, or the local administrator), for the audit record. */
  operator: string;
  /** Why, in the operator's words; stored in the audit record. */
  reason?: string;
  now: number;
}

/** What one revoke did, and the audit record it wrote. */
export interface RevokeResult {
  /** Sessions deleted from the table. */
  ended: number;
  /** Users signed out at Cognito (every refresh token of theirs revoked). */
  signedOut: number;
  audit: AuditRecord;
}

export interface AuditRecord {
  event: "auth.operator_revoke";
  at: string;
  operator: string;
  /** `sub` (its keyed hash only) or `createdBefore` (ISO time). */
  target: { user: string } | { createdBefore: string };
  ended: number;
  signedOut: number;
  reason?: string;
}

/** Audit records stay in the table for this long (TTL), past a year of incident reviews. */
const auditRetentionSeconds = 400 * 24 * 3600;

/**
 * The operator's revoke (`npm run sessions -- revoke`): deletes the sessions
 * (strongly consistent, as the BFF's log out everywhere) and, with Cognito,
 * signs each affected user out of the user pool (`AdminUserGlobalSignOut`
 * revokes every refresh token they hold, those in the deleted sessions
 * included), since an operator may not open the sessions' sealed tokens
 * (the key policy lets only the BFF use the session key). Writes an audit
 * record into the sessions table and returns it for the log.
 *
 * @example
 * await revokeSessions({ dynamodb, sessionTable, hash, cognito, operator, now }, { sub: "8b5e…" });
 */
export async function revokeSessions(deps: RevokeSessionsDeps, target: RevokeTarget): Promise<RevokeResult> {
  let ended = 0;
  const subs = new Set<string>();
  const store = createDynamoSessionStore({ client: deps.dynamodb, tableName: deps.sessionTable });
  if ("sub" in target) {
    ended = await createUserSessions({ store }).endAll(userPartition(deps.hash("user", target.sub)));
    subs.add(target.sub);
  } else {
    for (const item of await sessionsCreatedBefore(deps, target.createdBefore)) {
      const key = { pk: item.pk?.S ?? "", sk: item.sk?.S ?? "" };
      await store.remove(key);
      // As for every session ended from elsewhere: its cookie then hears session_revoked.
      await store.remember(endedMarkerOf(key), Number(item.absoluteExpiresAt?.N ?? 0)).catch(() => undefined);
      ended += 1;
      const sub = item.user?.M?.sub?.S;
      if (sub) subs.add(sub);
    }
  }
  let signedOut = 0;
  if (deps.cognito) {
    for (const sub of subs) {
      // Cognito takes a local user's `sub` as the Username of its admin operations.
      await deps.cognito.client.send(new AdminUserGlobalSignOutCommand({ UserPoolId: deps.cognito.userPoolId, Username: sub })).then(
        () => (signedOut += 1),
        (error: unknown) => {
          // A user deleted from the pool since has no tokens left to end; anything else stops the command.
          if (!(error instanceof Error && error.name === "UserNotFoundException")) throw error;
        },
      );
    }
  }
  const audit: AuditRecord = {
    event: "auth.operator_revoke",
    at: new Date(deps.now * 1000).toISOString(),
    operator: deps.operator,
    target:
      "sub" in target ? { user: deps.hash("user", target.sub) } : { createdBefore: new Date(target.createdBefore * 1000).toISOString() },
    ended,
    signedOut,
    ...(deps.reason ? { reason: deps.reason } : {}),
  };
  await deps.dynamodb.send(
    new PutItemCommand({
      TableName: deps.sessionTable,
      Item: {
        pk: { S: "audit#operator" },
        sk: { S: `${audit.at}#${randomBytes(6).toString("base64url")}` },
        record: { S: JSON.stringify(audit) },
        ttl: { N: String(deps.now + auditRetentionSeconds) },
      },
    }),
  );
  return { ended, signedOut, audit };
}

/** Every session item created before `createdBefore`: a Scan, which only an operator's credentials may do. */
async function sessionsCreatedBefore(deps: RevokeSessionsDeps, createdBefore: number): Promise<Array<Record<string, AttributeValue>>> {
  const items: Array<Record<string, AttributeValue>> = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await deps.dynamodb.send(
      new ScanCommand({
        TableName: deps.sessionTable,
        ConsistentRead: true,
        FilterExpression: "begins_with(#sk, :session) AND #created < :before",
        ExpressionAttributeNames: { "#sk": "sk", "#created": "createdAt" },
        ExpressionAttributeValues: { ":session": { S: "s#" }, ":before": { N: String(createdBefore) } },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}
