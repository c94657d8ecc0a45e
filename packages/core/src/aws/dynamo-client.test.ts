import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { createDynamoClient } from "./dynamo-client.ts";

describe("createDynamoClient", () => {
  it("resolves the middleware stack once per command and drops the logger middleware, keeping retries, signing and the user agent", async () => {
    // Act
    const client = createDynamoClient({ region: "eu-west-1", endpoint: "http://127.0.0.1:1" });
    // Assess
    const stack = client.middlewareStack.identify().join("\n");
    expect(client.config.cacheMiddleware).toBe(true);
    expect(stack).not.toContain("loggerMiddleware");
    for (const name of ["retryMiddleware", "httpSigningMiddleware", "getUserAgentMiddleware", "serializerMiddleware"]) {
      expect(stack).toContain(name);
    }
    expect(await client.config.region()).toBe("eu-west-1");
    expect((await client.config.endpoint?.())?.hostname).toBe("127.0.0.1");
    client.destroy();
  });

  it("sends signed commands through the cached stack, with the user agent the SDK's own client sends, again and again", async () => {
    // Prepare: a last middleware stands in for the network and records what would be sent.
    const record = (client: DynamoDBClient) => {
      const sent: Array<Record<string, string>> = [];
      client.middlewareStack.add(
        (_next) => async (args) => {
          sent.push({ ...(args.request as { headers: Record<string, string> }).headers });
          return { output: { $metadata: {} }, response: {} };
        },
        { step: "finalizeRequest", name: "testNetwork", priority: "low" },
      );
      return sent;
    };
    const config = { region: "us-east-1", endpoint: "http://127.0.0.1:1", credentials: { accessKeyId: "local", secretAccessKey: "local" } };
    const client = createDynamoClient({ region: "us-east-1", endpoint: "http://127.0.0.1:1" });
    const plain = new DynamoDBClient(config);
    const sent = record(client);
    const plainSent = record(plain);
    const command = () => new GetItemCommand({ TableName: "Sessions", Key: { pk: { S: "p" }, sk: { S: "s" } }, ConsistentRead: true });
    // Act
    for (let i = 0; i < 3; i++) await client.send(command());
    await plain.send(command());
    // Assess
    expect(sent).toHaveLength(3);
    for (const headers of sent) {
      expect(headers["x-amz-target"]).toBe("DynamoDB_20120810.GetItem");
      expect(headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=/);
      expect(headers["user-agent"]).toBe(plainSent[0]?.["user-agent"]);
      expect(headers["x-amz-user-agent"]).toBe(plainSent[0]?.["x-amz-user-agent"]);
    }
    expect(sent[0]?.["user-agent"]).toMatch(/aws-sdk-js/);
    client.destroy();
    plain.destroy();
  });
});
