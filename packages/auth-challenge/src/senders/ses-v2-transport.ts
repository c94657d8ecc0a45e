import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Checksum, SourceData } from "@smithy/types";

/** The subset of SES v2 `SendEmail` this package uses (the same field names as the API). */
export interface SesSendEmailInput {
  FromEmailAddress: string;
  Destination: { ToAddresses: string[] };
  Content: { Simple: { Subject: { Data: string; Charset?: string }; Body: { Text: { Data: string; Charset?: string } } } };
  ConfigurationSetName?: string;
}

/** Sends one email through SES v2; the seam tests replace. */
export interface SesEmailTransport {
  sendEmail(input: SesSendEmailInput): Promise<{ messageId?: string }>;
}

export interface SesV2HttpTransportOptions {
  region: string;
  /** Defaults to `https://email.<region>.amazonaws.com`. */
  endpoint?: string;
  /** Defaults to the Node provider chain (the Lambda role's credentials). */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** Raised when SES refuses or cannot be reached; the message names the status and SES's error type only. */
export class SesSendError extends Error {
  override readonly name = "SesSendError";
}

/**
 * SES v2 `SendEmail` (`POST /v2/email/outbound-emails`) signed with SigV4.
 * A small transport instead of `@aws-sdk/client-sesv2`, which is not
 * installed in this workspace; the request is the same, so swapping in the
 * SDK client later changes only this file.
 *
 * @see https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendEmail.html
 */
export function createSesV2HttpTransport(options: SesV2HttpTransportOptions): SesEmailTransport {
  const endpoint = new URL(options.endpoint ?? `https://email.${options.region}.amazonaws.com`);
  const signer = new SignatureV4({
    service: "ses",
    region: options.region,
    credentials: options.credentials ?? defaultProvider(),
    sha256: NodeSha256,
  });
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 5000;
  const path = `${endpoint.pathname.replace(/\/$/, "")}/v2/email/outbound-emails`;

  return {
    async sendEmail(input) {
      const body = JSON.stringify(input);
      const signed = await signer.sign({
        method: "POST",
        protocol: endpoint.protocol,
        hostname: endpoint.hostname,
        ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
        path,
        query: {},
        headers: { host: endpoint.host, "content-type": "application/json" },
        body,
      });
      let response: Response;
      try {
        response = await doFetch(new URL(path, endpoint), {
          method: "POST",
          headers: signed.headers,
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new SesSendError("SES could not be reached", { cause: error });
      }
      const text = await response.text();
      if (!response.ok) {
        throw new SesSendError(`SES answered ${response.status} ${response.headers.get("x-amzn-errortype")?.split(":")[0] ?? ""}`.trim());
      }
      try {
        const parsed = JSON.parse(text) as { MessageId?: unknown };
        return typeof parsed.MessageId === "string" ? { messageId: parsed.MessageId } : {};
      } catch {
        return {};
      }
    },
  };
}

/** SHA-256 / HMAC-SHA256 in the shape SigV4 expects (what @smithy/hash-node provides). */
class NodeSha256 implements Checksum {
  private readonly secret: SourceData | undefined;
  private hash: Hash | Hmac;

  constructor(secret?: SourceData) {
    this.secret = secret;
    this.hash = NodeSha256.create(secret);
  }

  update(data: Uint8Array): void {
    this.hash.update(data);
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    this.hash = NodeSha256.create(this.secret);
  }

  private static create(secret: SourceData | undefined): Hash | Hmac {
    if (secret === undefined) return createHash("sha256");
    const key =
      typeof secret === "string"
        ? secret
        : ArrayBuffer.isView(secret)
          ? Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength)
          : Buffer.from(secret);
    return createHmac("sha256", key);
  }
}
