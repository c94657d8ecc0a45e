import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { ConfigError, isLoopbackUrl } from "@spa-bff/core";
import { createRemoteJWKSet, decodeJwt, type JWTPayload, type JWTVerifyGetKey, errors as joseErrors, jwtVerify } from "jose";
import { BodyTooLargeError, close, listen, readBody } from "../http/listen.ts";
import type { LocalIam } from "./local-iam.ts";

const stsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/";
/** STS's limits on `DurationSeconds`: at least 15 minutes, at most the role's `MaxSessionDuration`. */
const minDurationSeconds = 900;
const maxBodyBytes = 64 * 1024;

export interface LocalStsOptions {
  readonly iam: LocalIam;
  /** The issuer whose ID tokens the files role trusts: the local IdP's (`iss` must be exactly this). */
  readonly issuer: string;
  /** The OIDC provider's client ids (the web client): a token for another audience is refused. */
  readonly audience: string | readonly string[];
  /** The issuer's signing keys; default its JWKS at `<issuer>/.well-known/jwks.json` (where Cognito and the local IdP serve it). */
  readonly jwks?: JWTVerifyGetKey;
  /** Called once per request with what may be logged: never a token or a credential. */
  readonly onResult?: (result: { action: string; status: number; errorCode?: string }) => void;
}

/** A running local STS. */
export interface LocalSts {
  /** `http://<host>:<port>`, for the BFF's `STS_ENDPOINT`. */
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** A refusal in STS's terms (Query protocol): status, `<Code>`, `<Message>`. */
class StsError extends Error {
  override readonly name = "StsError";
  readonly code: string;
  readonly status: number;
  constructor(code: string, message: string, status = 400) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

/**
 * STS's Query protocol for `AssumeRoleWithWebIdentity`, as the BFF's
 * `STSClient` calls it: a form-encoded POST (or a GET with the same query),
 * answered with STS's XML. The token is checked the way IAM's OIDC provider
 * and the files role's trust policy check it in AWS: signed by the issuer's
 * key (`jose` against its JWKS), `iss` the configured issuer (else "No
 * OpenIDConnect provider found"), `aud` the web client (else "Incorrect
 * token audience"), not expired (`ExpiredTokenException`), and the role the
 * local files role (else `AccessDenied`). The credentials last at most the
 * requested `DurationSeconds` (900 to the role's maximum, default 3600) and
 * carry the token's `sub` for the `${sub}` of the files role's grants.
 *
 * @see https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
 */
export function createStsHandler(options: LocalStsOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { iam } = options;
  const audiences = typeof options.audience === "string" ? [options.audience] : [...options.audience];
  const jwks = options.jwks ?? createRemoteJWKSet(new URL(`${options.issuer.replace(/\/$/, "")}/.well-known/jwks.json`));

  async function assumeRoleWithWebIdentity(params: URLSearchParams): Promise<string> {
    const roleArn = required(params, "RoleArn", "roleArn");
    const sessionName = required(params, "RoleSessionName", "roleSessionName");
    const token = required(params, "WebIdentityToken", "webIdentityToken");
    if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
      throw validationError(
        `1 validation error detected: Value '${sessionName.slice(0, 64)}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
      );
    }
    const durationSeconds = parseDuration(params.get("DurationSeconds"));
    const payload = await verifyToken(token);
    const sub = payload.sub;
    if (typeof sub !== "string" || sub === "") throw invalidIdentityToken();
    // The files role's trust policy: only this role, only for this provider's tokens.
    if (roleArn !== iam.filesRoleArn) throw new StsError("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403);
    if (durationSeconds > iam.filesRoleMaxSessionSeconds) {
      throw validationError("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
    }
    const credentials = iam.issueWebIdentityCredentials({ sub, sessionName, durationSeconds });
    const audience = Array.isArray(payload.aud) ? (payload.aud.find((aud) => audiences.includes(aud)) ?? "") : (payload.aud ?? "");
    return [
      `<AssumeRoleWithWebIdentityResponse xmlns="${stsNamespace}">`,
      "  <AssumeRoleWithWebIdentityResult>",
      `    <SubjectFromWebIdentityToken>${xml(sub)}</SubjectFromWebIdentityToken>`,
      `    <Audience>${xml(audience)}</Audience>`,
      "    <AssumedRoleUser>",
      `      <Arn>${xml(credentials.arn)}</Arn>`,
      `      <AssumedRoleId>${xml(credentials.assumedRoleId)}</AssumedRoleId>`,
      "    </AssumedRoleUser>",
      "    <Credentials>",
      `      <SessionToken>${xml(credentials.sessionToken)}</SessionToken>`,
      `      <SecretAccessKey>${xml(credentials.secretAccessKey)}</SecretAccessKey>`,
      `      <Expiration>${new Date(credentials.expiresAt * 1000).toISOString().replace(/\.\d{3}Z$/, "Z")}</Expiration>`,
      `      <AccessKeyId>${xml(credentials.accessKeyId)}</AccessKeyId>`,
      "    </Credentials>",
      `    <Provider>${xml(options.issuer)}</Provider>`,
      "  </AssumeRoleWithWebIdentityResult>",
      "  <ResponseMetadata>",
      `    <RequestId>${randomUUID()}</RequestId>`,
      "  </ResponseMetadata>",
      "</AssumeRoleWithWebIdentityResponse>",
    ].join("\n");
  }

  async function verifyToken(token: string): Promise<JWTPayload> {
    let claims: JWTPayload;
    try {
      claims = decodeJwt(token);
    } catch {
      throw invalidIdentityToken();
    }
    // IAM finds the OIDC provider by the token's issuer before anything else.
    if (claims.iss !== options.issuer) {
      throw new StsError("InvalidIdentityToken", `No OpenIDConnect provider found in your account for ${String(claims.iss).slice(0, 200)}`);
    }
    const nowMs = iam.now();
    try {
      const { payload } = await jwtVerify(token, jwks, { issuer: options.issuer, audience: audiences, currentDate: new Date(nowMs) });
      return payload;
    } catch (error) {
      throw tokenError(error, nowMs);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let action = "unknown";
    try {
      const params = await readParams(req);
      action = params.get("Action") ?? "";
      if (action !== "AssumeRoleWithWebIdentity") {
        const name = action.slice(0, 60);
        action = "unknown";
        throw new StsError(
          "InvalidAction",
          `Could not find operation ${name} for version ${params.get("Version") ?? "NO_VERSION_SPECIFIED"}`,
        );
      }
      send(res, 200, await assumeRoleWithWebIdentity(params));
      options.onResult?.({ action, status: 200 });
    } catch (error) {
      const failure = error instanceof StsError ? error : new StsError("InternalFailure", "The local STS failed to answer", 500);
      send(res, failure.status, errorXml(failure));
      options.onResult?.({ action, status: failure.status, errorCode: failure.code });
    }
  }

  return (req, res) => {
    void handle(req, res);
  };
}

/**
 * Starts the local STS on loopback (see {@link createStsHandler}).
 *
 * @example
 * const sts = await startLocalSts({ port: 0, iam, issuer: idp.issuer, audience: clients.web.clientId });
 * // BFF: STS_ENDPOINT=sts.endpoint FILES_ROLE_ARN=iam.filesRoleArn
 */
export async function startLocalSts(options: LocalStsOptions & { readonly port: number; readonly host?: string }): Promise<LocalSts> {
  const host = options.host ?? "127.0.0.1";
  const endpointFor = (port: number) => `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  if (!isLoopbackUrl(endpointFor(1))) {
    throw new ConfigError(`Invalid local STS host "${host}". Expected: a loopback address, since it hands out credentials over plain http`);
  }
  const server = createServer(createStsHandler(options));
  let port = await listen(server, options.port, host, "Local STS");
  return {
    get endpoint() {
      return endpointFor(port);
    },
    get port() {
      return port;
    },
    stop: () => close(server),
    start: async () => {
      if (!server.listening) port = await listen(server, port, host, "Local STS");
    },
  };
}

async function readParams(req: IncomingMessage): Promise<URLSearchParams> {
  const url = new URL(req.url ?? "/", "http://sts.local");
  if (req.method === "GET") return url.searchParams;
  if (req.method !== "POST") throw new StsError("InvalidAction", "The local STS answers POST and GET only", 405);
  let body: Buffer;
  try {
    body = await readBody(req, maxBodyBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw new StsError("ValidationError", "The request body is too large", 413);
    throw error;
  }
  const params = new URLSearchParams(body.toString("utf8"));
  for (const [name, value] of url.searchParams) if (!params.has(name)) params.set(name, value);
  return params;
}

function required(params: URLSearchParams, name: string, member: string): string {
  const value = params.get(name);
  if (value === null || value === "") {
    throw validationError(`1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

function parseDuration(raw: string | null): number {
  if (raw === null) return 3600;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds))
    throw validationError(`Value '${raw.slice(0, 20)}' at 'durationSeconds' failed to satisfy constraint: Member must be an integer`);
  if (seconds < minDurationSeconds) {
    throw validationError(
      `1 validation error detected: Value '${seconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to ${minDurationSeconds}`,
    );
  }
  if (seconds > 43200) {
    throw validationError(
      `1 validation error detected: Value '${seconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200`,
    );
  }
  return seconds;
}

function validationError(message: string): StsError {
  return new StsError("ValidationError", message);
}

/** STS's description of `InvalidIdentityTokenException`, for a token it cannot read at all. */
function invalidIdentityToken(): StsError {
  return new StsError(
    "InvalidIdentityToken",
    "The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.",
  );
}

/** jose's verdict on a token, as STS words it (messages from STS answers seen in the field, where known). */
function tokenError(error: unknown, nowMs: number): StsError {
  if (error instanceof joseErrors.JWTExpired) {
    const exp = typeof error.payload.exp === "number" ? error.payload.exp : 0;
    return new StsError(
      "ExpiredTokenException",
      `Token expired: current date/time ${Math.floor(nowMs / 1000)} must be before the expiration date/time ${exp}`,
    );
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === "aud")
    return new StsError("InvalidIdentityToken", "Incorrect token audience");
  // No key for the token's kid, or no JWKS at all (a fetch failure is not a JOSEError): STS cannot get a key.
  if (
    error instanceof joseErrors.JWKSNoMatchingKey ||
    error instanceof joseErrors.JWKSTimeout ||
    !(error instanceof joseErrors.JOSEError)
  ) {
    return new StsError(
      "InvalidIdentityToken",
      "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements",
    );
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed)
    return new StsError("InvalidIdentityToken", "Signature verification failed");
  return invalidIdentityToken();
}

function errorXml(error: StsError): string {
  return [
    `<ErrorResponse xmlns="${stsNamespace}">`,
    "  <Error>",
    `    <Type>${error.status >= 500 ? "Receiver" : "Sender"}</Type>`,
    `    <Code>${xml(error.code)}</Code>`,
    `    <Message>${xml(error.message)}</Message>`,
    "  </Error>",
    `  <RequestId>${randomUUID()}</RequestId>`,
    "</ErrorResponse>",
  ].join("\n");
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "text/xml", "content-length": Buffer.byteLength(body), "x-amzn-requestid": randomUUID() });
  res.end(body);
}

function xml(value: string): string {
  return value.replace(/[<>&"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
