import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
} from "@aws-sdk/client-dynamodb";
import { ServiceUnavailableError } from "@spa-bff/core";
import { fromDynamoKey, type ItemKey, toDynamoKey } from "./cursor.ts";
import type { ItemRecord } from "./item.ts";

/** One page of items. */
export interface ItemPage {
  items: ItemRecord[];
  next: ItemKey | undefined;
}

/** The items table (pk `owner`, sk `id`); marshalled by hand, no lib-dynamodb. */
export interface ItemsStore {
  listByOwner(owner: string, limit: number, start?: ItemKey): Promise<ItemPage>;
  listAll(limit: number, start?: ItemKey): Promise<ItemPage>;
  put(record: ItemRecord): Promise<void>;
  /** False when no such item of that owner exists. */
  delete(owner: string, id: string): Promise<boolean>;
}

function toRecord(item: Record<string, AttributeValue>): ItemRecord | undefined {
  const owner = item.owner?.S;
  const id = item.id?.S;
  const title = item.title?.S;
  const createdAt = item.createdAt?.S;
  if (owner === undefined || id === undefined || title === undefined || createdAt === undefined) return undefined;
  return { owner, id, title, createdAt, done: item.done?.BOOL ?? false };
}

function storeError(cause: unknown): ServiceUnavailableError {
  return new ServiceUnavailableError("The items store is unavailable", { cause });
}

/**
 * The DynamoDB items store. Any failure other than "not found" becomes a
 * 503 `ServiceUnavailableError` (`upstream_unavailable`) with the SDK error kept as `cause` (logged, never sent).
 */
export function createItemsStore(client: DynamoDBClient, tableName: string): ItemsStore {
  const page = (items: Record<string, AttributeValue>[] | undefined, last: Record<string, AttributeValue> | undefined): ItemPage => ({
    items: (items ?? []).map(toRecord).filter((record): record is ItemRecord => record !== undefined),
    next: fromDynamoKey(last),
  });
  return {
    async listByOwner(owner, limit, start) {
      try {
        const result = await client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: "#owner = :owner",
            ExpressionAttributeNames: { "#owner": "owner" },
            ExpressionAttributeValues: { ":owner": { S: owner } },
            Limit: limit,
            ...(start ? { ExclusiveStartKey: toDynamoKey(start) } : {}),
          }),
        );
        return page(result.Items, result.LastEvaluatedKey);
      } catch (error) {
        throw storeError(error);
      }
    },
    async listAll(limit, start) {
      try {
        const result = await client.send(
          new ScanCommand({ TableName: tableName, Limit: limit, ...(start ? { ExclusiveStartKey: toDynamoKey(start) } : {}) }),
        );
        return page(result.Items, result.LastEvaluatedKey);
      } catch (error) {
        throw storeError(error);
      }
    },
    async put(record) {
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: {
              owner: { S: record.owner },
              id: { S: record.id },
              title: { S: record.title },
              done: { BOOL: record.done },
              createdAt: { S: record.createdAt },
            },
            // A fresh uuid never collides; the condition makes sure a bug cannot overwrite.
            ConditionExpression: "attribute_not_exists(id)",
          }),
        );
      } catch (error) {
        throw storeError(error);
      }
    },
    async delete(owner, id) {
      try {
        await client.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: { owner: { S: owner }, id: { S: id } },
            // Keyed by the caller's own partition, so another owner's item is simply "not found".
            ConditionExpression: "attribute_exists(id)",
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw storeError(error);
      }
    },
  };
}
