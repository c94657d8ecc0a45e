import { describe, expect, it } from "vitest";
import { createTableInput, itemsTable, sessionsTable } from "./tables.ts";

describe("createTableInput", () => {
  it("turns the sessions definition into an on-demand table keyed by user partition and session, with no index", () => {
    expect(createTableInput(sessionsTable, "Sessions-test")).toEqual({
      TableName: "Sessions-test",
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "S" },
      ],
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
    });
  });

  it("adds a global index where a definition has one", () => {
    const input = createTableInput(
      {
        name: "Indexed",
        fields: { pk: "string", owner: "string" },
        primaryIndex: { hashKey: "pk" },
        globalIndexes: { byOwner: { hashKey: "owner" } },
      },
      "Indexed-test",
    );
    expect(input.GlobalSecondaryIndexes).toEqual([
      { IndexName: "byOwner", KeySchema: [{ AttributeName: "owner", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } },
    ]);
  });

  it("adds the range key and no index for the items table", () => {
    const input = createTableInput(itemsTable, "Items-test");
    expect(input.KeySchema).toEqual([
      { AttributeName: "owner", KeyType: "HASH" },
      { AttributeName: "id", KeyType: "RANGE" },
    ]);
    expect(input).not.toHaveProperty("GlobalSecondaryIndexes");
  });
});
