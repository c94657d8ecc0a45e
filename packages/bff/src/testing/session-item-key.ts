import { sessionKeyOf } from "../session/session-id.ts";

/** The DynamoDB `Key` of a session id's item, for tests that read or tamper with the table directly. */
export function sessionItemKey(id: string): { pk: { S: string }; sk: { S: string } } {
  const key = sessionKeyOf(id);
  if (!key) throw new Error("Not a session id this BFF issues");
  return { pk: { S: key.pk }, sk: { S: key.sk } };
}
