import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { BodyTooLargeError, readBody } from "../http/listen.ts";
import { verifySigV4 } from "../s3/sigv4-verifier.ts";
import { dynamoTableArn } from "./arns.ts";
import { type DynamoArns, dynamoRequirements } from "./dynamo-operations.ts";
import type { LocalIam } from "./local-iam.ts";

/** `X-Amz-Target` prefix of the DynamoDB API version the SDK speaks; dynalite's older 2011 API is never reachable. */
const targetPrefix = "DynamoDB_20120810.";
const contentType = "application/x-amz-json-1.0";
/** DynamoDB's own request limit (dynalite's too). */
const maxBodyBytes = 16 * 1024 * 1024;

/** DynamoDB's front-end error names and messages, word for word where AWS documents or sends them. */
const messages = {
  missingAuthenticationToken: "Request is missing Authentication Token",
  unrecognizedClient: "The security token included in the request is invalid.",
  expiredToken: "The security token included in the request is expired",
  signatureMismatch:
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
} as const;

export interface DynamoIamProxyOptions {
  readonly iam: LocalIam;
  /**
   * dynalite's request listener. An allowed request is handed to it in this
   * process, not sent over a second loopback connection: the front has read
   * the body already, and a hop of its own would cost more CPU than the
   * DynamoDB call it fronts (DynamoDB's CPU is not the caller's in AWS).
   */
  readonly dynalite: (req: IncomingMessage, res: ServerResponse) => void;
  /** The clock signatures are checked against (their 15-minute window); default the real one. */
  readonly now?: () => number;
}

/**
 * A request listener that puts DynamoDB's authentication and IAM in front of
 * dynalite, which checks neither: each request's SigV4 signature is verified
 * with the key's secret over the JSON body (a changed body or header breaks
 * it), the key's session token and expiry are checked, and every table or
 * index the operation touches must be granted to the key's principal for
 * the operation's IAM action. Refusals are DynamoDB's: HTTP 400 with
 * `{"__type":"com.amazon.coral.service#AccessDeniedException","Message":"User: … is not authorized to perform: …"}`
 * (and `InvalidSignatureException`, `UnrecognizedClientException`,
 * `ExpiredTokenException`, `MissingAuthenticationTokenException`), which the
 * AWS SDK raises as exceptions of those names. Allowed requests go to
 * dynalite unchanged, in this process.
 */
export function createDynamoIamProxy(options: DynamoIamProxyOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { iam } = options;
  const now = options.now ?? Date.now;
  const arns: DynamoArns = {
    table: (name) => dynamoTableArn(iam.region, iam.accountId, name),
    index: (table, index) => dynamoTableArn(iam.region, iam.accountId, table, index),
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: Buffer;
    try {
      body = await readBody(req, maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        sendError(res, 413, "SerializationException", "message", "Request body is too large");
        return;
      }
      throw error;
    }
    const refusal = authorizeRequest(req, body);
    if (refusal) {
      sendError(res, refusal.status ?? 400, refusal.type, refusal.messageKey ?? "message", refusal.message);
      return;
    }
    forward(req, res, body);
  }

  function authorizeRequest(req: IncomingMessage, body: Buffer): Refusal | undefined {
    const authorization = req.headers.authorization;
    if (typeof authorization !== "string" || authorization === "") {
      return { type: "MissingAuthenticationTokenException", message: messages.missingAuthenticationToken };
    }
    const scope = /Credential=[^/,\s]+\/\d{8}\/([^/,\s]+)\/([^/,\s]+)\/aws4_request/.exec(authorization);
    if (scope && scope[2] !== "dynamodb") {
      return { type: "InvalidSignatureException", message: "Credential should be scoped to correct service: 'dynamodb'. " };
    }
    if (scope && scope[1] !== iam.region) {
      return { type: "InvalidSignatureException", message: "Credential should be scoped to a valid region. " };
    }
    const verified = verifySigV4(
      { method: req.method ?? "POST", url: req.url ?? "/", headers: req.headers, body },
      iam.secretAccessKeyFor,
      new Date(now()),
    );
    if (!verified.ok) {
      if (verified.code === "InvalidAccessKeyId") return { type: "UnrecognizedClientException", message: messages.unrecognizedClient };
      if (verified.code === "SignatureDoesNotMatch") return { type: "InvalidSignatureException", message: messages.signatureMismatch };
      if (verified.code === "RequestTimeTooSkewed")
        return { type: "InvalidSignatureException", message: skewMessage(header(req, "x-amz-date"), now()) };
      return { type: "IncompleteSignatureException", message: verified.message };
    }
    const sessionToken = header(req, "x-amz-security-token");
    const authentication = iam.authenticate(verified.accessKeyId, sessionToken);
    if (!authentication.ok) {
      return authentication.reason === "expired_token"
        ? { type: "ExpiredTokenException", message: messages.expiredToken }
        : { type: "UnrecognizedClientException", message: messages.unrecognizedClient };
    }

    const target = header(req, "x-amz-target") ?? "";
    const operation = target.startsWith(targetPrefix) ? target.slice(targetPrefix.length) : undefined;
    const input = operation === undefined ? undefined : parseInput(body);
    if (input === undefined && operation !== undefined)
      return { type: "SerializationException", message: "The request body is not a JSON object" };
    const requirements = operation === undefined || input === undefined ? undefined : dynamoRequirements(operation, input, arns);
    if (!requirements) return { type: "UnknownOperationException", message: "The local DynamoDB does not model this operation" };
    for (const { action, resource } of requirements) {
      const decision = iam.authorize(verified.accessKeyId, action, resource, { sessionToken });
      // DynamoDB's AccessDeniedException carries "Message" (capitalised), unlike its other errors.
      if (!decision.allowed && decision.reason === "not_granted")
        return { type: "AccessDeniedException", message: decision.message, messageKey: "Message" };
      if (!decision.allowed) return { type: "UnrecognizedClientException", message: messages.unrecognizedClient };
    }
    return undefined;
  }

  function forward(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    // dynalite reads the body from its request's events and the head from its fields: a replay of both, unchanged.
    const replay = Object.assign(Readable.from(body.length > 0 ? [body] : []), {
      headers: req.headers,
      method: req.method,
      url: req.url,
    });
    options.dynalite(replay as unknown as IncomingMessage, res);
  }

  return (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendError(res, 500, "InternalServerError", "message", "The local DynamoDB failed to answer");
      else res.destroy();
    });
  };
}

interface Refusal {
  readonly type: string;
  readonly message: string;
  readonly messageKey?: "message" | "Message";
  readonly status?: number;
}

/** DynamoDB's wording for a signature outside the 15-minute window, in the past or in the future. */
function skewMessage(amzDate: string | undefined, now: number): string {
  const format = (ms: number) =>
    new Date(ms)
      .toISOString()
      .replace(/[-:]/g, "")
      .replace(/\.\d{3}/, "");
  const window = 15 * 60 * 1000;
  const signed = amzDate ?? "";
  const signedAt = Date.parse(signed.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"));
  return signedAt > now
    ? `Signature not yet current: ${signed} is still later than ${format(now + window)} (${format(now)} + 15 min.)`
    : `Signature expired: ${signed} is now earlier than ${format(now - window)} (${format(now)} - 15 min.)`;
}

function parseInput(body: Buffer): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = body.length === 0 ? {} : JSON.parse(body.toString("utf8"));
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

function sendError(res: ServerResponse, status: number, type: string, messageKey: "message" | "Message", message: string): void {
  const text = JSON.stringify({ __type: `com.amazon.coral.service#${type}`, [messageKey]: message });
  res.writeHead(status, {
    "content-type": contentType,
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": randomUUID(),
  });
  res.end(text);
}
