import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { createDynamoClient } from "./dynamo-client.ts";

describe("createDynamoClient", () => {
  it("resolves the middleware stack once per command and drops the logger middleware, keeping retries, signing and the user agent", async () => {
    // Act
    const client = createDynamoClient({ region: "eu-west-1", dynamodbEndpoint: "http://127.0.0.1:1" });
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

  it("sends signed commands through the cached stack, again and again", async () => {
    // Prepare: a last middleware stands in for the network and records what would be sent.
    const client = createDynamoClient({ region: "us-east-1", dynamodbEndpoint: "http://127.0.0.1:1" });
    const sent: Array<{ target: string | undefined; authorization: string | undefined }> = [];
    client.middlewareStack.add(
      (_next) => async (args) => {
        const request = args.request as { headers: Record<string, string> };
        sent.push({ target: request.headers["x-amz-target"], authorization: request.headers.authorization });
        return { output: { $metadata: {} }, response: {} };
      },
      { step: "finalizeRequest", name: "testNetwork", priority: "low" },
    );
    const command = () => new GetItemCommand({ TableName: "Sessions", Key: { pk: { S: "p" }, sk: { S: "s" } }, ConsistentRead: true });
    // Act
    await client.send(command());
    await client.send(command());
    // Assess
    expect(sent).toHaveLength(2);
    for (const request of sent) {
      expect(request.target).toBe("DynamoDB_20120810.GetItem");
      expect(request.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=/);
    }
    client.destroy();
  });
});
