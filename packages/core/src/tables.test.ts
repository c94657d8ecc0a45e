import { describe, expect, it } from "vitest";
import { createTableInput, itemsTable, sessionsTable } from "./tables.ts";

describe("createTableInput", () => {
  it("turns the sessions definition into an on-demand table with its keys-only bySub index", () => {
    expect(createTableInput(sessionsTable, "Sessions-test")).toEqual({
      TableName: "Sessions-test",
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sub", AttributeType: "S" },
      ],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      GlobalSecondaryIndexes: [
        { IndexName: "bySub", KeySchema: [{ AttributeName: "sub", KeyType: "HASH" }], Projection: { ProjectionType: "KEYS_ONLY" } },
      ],
    });
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
