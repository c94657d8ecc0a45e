import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { BodyTooLargeError, readBody } from "../http/listen.ts";
import type { HeldRequestTicket } from "../idp/token-holds.ts";
import { verifySigV4 } from "../s3/sigv4-verifier.ts";
import { CognitoMessages, CognitoServiceError } from "./errors.ts";

/** `X-Amz-Target` prefix of the user-pool API (service `cognito-idp`, AWS JSON 1.1). */
export const COGNITO_TARGET_PREFIX = "AWSCognitoIdentityProviderService.";
const contentType = "application/x-amz-json-1.1";
const maxBodyBytes = 64 * 1024;

/** IAM for the admin operations: who may sign, and (optionally) what each principal is granted. */
export interface CognitoIamOptions {
  /** The secret of an access key id, or `undefined` for a key AWS would not know. */
  readonly secretAccessKeyFor: (accessKeyId: string) => string | undefined;
  /**
   * Whether the key's principal may call `action` (`cognito-idp:AdminUserGlobalSignOut`) on `resource`
   * (the pool's ARN). Leave out to allow every known key.
   */
  readonly isAllowed?: (accessKeyId: string, action: string, resource: string) => boolean;
}

/** An operation: the parsed JSON body in, the JSON answer out; a `CognitoServiceError` becomes Cognito's error body. */
export type OperationHandler = (input: Record<string, unknown>, request: { headers: IncomingMessage["headers"] }) => Promise<object>;

export interface JsonProtocolOptions {
  /** By operation name (`InitiateAuth`, …). */
  readonly operations: Readonly<Record<string, OperationHandler>>;
  /** Operations AWS authorizes with IAM (SigV4), not with a client id or token. */
  readonly iamOperations: ReadonlySet<string>;
  readonly iam: CognitoIamOptions | undefined;
  readonly region: string;
  /** The pool's ARN, the resource of IAM decisions. */
  readonly resourceArn: string;
  readonly now: () => number;
  /** Called once per request with what may be logged: never a body, a token or a user name. */
  readonly onResult: (result: { operation: string; status: number; errorType?: string }) => void;
  /**
   * For tests (the local IdP's `holdTokenRequests`): a ticket when a hold
   * takes this request. A `before` hold that rejects it answers as Cognito
   * refuses a refresh token (`NotAuthorizedException: Invalid Refresh Token`),
   * so only refresh operations may be held.
   */
  readonly holdFor?: (
    operation: string,
    input: Record<string, unknown>,
    req: IncomingMessage,
    res: ServerResponse,
  ) => HeldRequestTicket | undefined;
}

interface Answer {
  readonly status: number;
  readonly body: object;
  readonly headers?: Record<string, string>;
  readonly errorType?: string;
}

/** The refresh token in an answer of `GetTokensFromRefreshToken` or `InitiateAuth`. */
function refreshTokenOf(body: object): string | undefined {
  const result = (body as { AuthenticationResult?: { RefreshToken?: unknown } }).AuthenticationResult;
  return typeof result?.RefreshToken === "string" ? result.RefreshToken : undefined;
}

/**
 * The AWS JSON 1.1 protocol of the user-pool API: `POST /` with
 * `X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>` and
 * `Content-Type: application/x-amz-json-1.1`. Answers 200 with the JSON
 * result, or 400 (500 for a fault) with `{"__type": …, "message": …}`.
 * Requests without that target are not its business (`false`), so the local
 * IdP can serve the rest.
 */
export function createJsonProtocolHandler(options: JsonProtocolOptions): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    const target = req.headers["x-amz-target"];
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "POST" || path !== "/" || typeof target !== "string" || !target.startsWith(COGNITO_TARGET_PREFIX)) return false;
    const operation = target.slice(COGNITO_TARGET_PREFIX.length);
    let ticket: HeldRequestTicket | undefined;
    let answer: Answer;
    try {
      if (!(req.headers["content-type"] ?? "").startsWith(contentType)) {
        throw new CognitoServiceError("SerializationException", `Expected Content-Type ${contentType}`);
      }
      const body = await readBody(req, maxBodyBytes);
      const handler = Object.hasOwn(options.operations, operation) ? options.operations[operation] : undefined;
      if (!handler) {
        throw new CognitoServiceError(
          "UnknownOperationException",
          `The local Cognito does not model the operation ${operation.slice(0, 60)}`,
        );
      }
      if (options.iamOperations.has(operation)) authorizeIam(options, req, body, operation);
      const input = parseInput(body);
      ticket = options.holdFor?.(operation, input, req, res);
      const decision = ticket ? await ticket.beforeProcessing() : { action: "process" as const };
      if (decision.action === "drop") {
        // As if it never arrived: not processed, no answer; the connection is already gone.
        req.socket.destroy();
        return true;
      }
      if (decision.action === "reject") throw new CognitoServiceError("NotAuthorizedException", CognitoMessages.invalidRefreshToken);
      answer = { status: 200, body: await handler(input, { headers: req.headers }) };
    } catch (error) {
      const failure = toServiceError(error);
      answer = {
        status: failure.status,
        body: failure.toBody(),
        headers: { "x-amzn-errortype": `${failure.type}:` },
        errorType: failure.type,
      };
    }
    // An answer held after processing goes nowhere if its client left meanwhile.
    if (ticket && !(await ticket.beforeSending(answer.status === 200 ? refreshTokenOf(answer.body) : undefined))) return true;
    send(res, answer.status, answer.body, answer.headers);
    options.onResult({
      operation: operation.slice(0, 60),
      status: answer.status,
      ...(answer.errorType ? { errorType: answer.errorType } : {}),
    });
    return true;
  };
}

function parseInput(body: Buffer): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = body.length === 0 ? {} : JSON.parse(body.toString("utf8"));
  } catch {
    throw new CognitoServiceError("SerializationException", "The request body is not JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new CognitoServiceError("SerializationException", "The request body must be a JSON object");
  }
  return parsed as Record<string, unknown>;
}

/**
 * SigV4 and IAM for an admin operation, with the AWS front end's error names:
 * no signature → `MissingAuthenticationTokenException`, unknown key →
 * `UnrecognizedClientException`, wrong signature → `InvalidSignatureException`,
 * no grant → `AccessDeniedException`. The body is hashed, so a changed
 * payload breaks the signature.
 */
function authorizeIam(options: JsonProtocolOptions, req: IncomingMessage, body: Buffer, operation: string): void {
  const authorization = req.headers.authorization;
  if (typeof authorization !== "string" || authorization === "") {
    throw new CognitoServiceError("MissingAuthenticationTokenException", CognitoMessages.missingAuthenticationToken);
  }
  const iam = options.iam;
  if (!iam) throw new CognitoServiceError("UnrecognizedClientException", CognitoMessages.unrecognizedClient);
  const scope = /Credential=[^/,\s]+\/\d{8}\/([^/,\s]+)\/([^/,\s]+)\/aws4_request/.exec(authorization);
  if (scope && scope[2] !== "cognito-idp") {
    throw new CognitoServiceError("InvalidSignatureException", "Credential should be scoped to correct service: 'cognito-idp'.");
  }
  if (scope && scope[1] !== options.region) {
    throw new CognitoServiceError(
      "InvalidSignatureException",
      `Credential should be scoped to a valid region, not '${scope[1]?.slice(0, 30)}'.`,
    );
  }
  const verified = verifySigV4(
    { method: req.method ?? "POST", url: req.url ?? "/", headers: req.headers, body },
    iam.secretAccessKeyFor,
    new Date(options.now()),
  );
  if (!verified.ok) {
    if (verified.code === "InvalidAccessKeyId")
      throw new CognitoServiceError("UnrecognizedClientException", CognitoMessages.unrecognizedClient);
    if (verified.code === "SignatureDoesNotMatch")
      throw new CognitoServiceError("InvalidSignatureException", CognitoMessages.signatureMismatch);
    throw new CognitoServiceError("IncompleteSignatureException", verified.message);
  }
  const action = `cognito-idp:${operation}`;
  if (iam.isAllowed && !iam.isAllowed(verified.accessKeyId, action, options.resourceArn)) {
    throw new CognitoServiceError(
      "AccessDeniedException",
      `User with access key ${verified.accessKeyId.slice(0, 40)} is not authorized to perform: ${action} on resource: ${options.resourceArn}`,
    );
  }
}

function toServiceError(error: unknown): CognitoServiceError {
  if (error instanceof CognitoServiceError) return error;
  if (error instanceof BodyTooLargeError) return new CognitoServiceError("SerializationException", "The request body is too large", 413);
  return new CognitoServiceError("InternalErrorException", "The local Cognito failed to answer", 500);
}

function send(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": contentType,
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": randomUUID(),
    ...headers,
  });
  res.end(text);
}
