import { randomBytes, timingSafeEqual } from "node:crypto";
import { federatedFilesGrants, type Grant, type RoleName, roleGrants } from "@spa-bff/core/infra";
import type { ArnResolver } from "./arns.ts";
import { grantsAllow } from "./policy-evaluation.ts";

/**
 * The fixed keys of the local account's administrator: the platform's own
 * tooling (table creation, test fixtures that read tables) signs with them,
 * and every call they sign is allowed. No function ever gets them.
 */
export const localAdminCredentials = Object.freeze({ accessKeyId: "local", secretAccessKey: "local" });

/** Temporary credentials as Lambda (for a role) or STS (for a web identity) hands them out. */
export interface SessionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** `arn:aws:sts::<account>:assumed-role/<role>/<session>`. */
  readonly arn: string;
}

/** What STS answers for a web identity: credentials that end, and the session's role id. */
export interface WebIdentityCredentials extends SessionCredentials {
  /** Epoch seconds at which the credentials stop working. */
  readonly expiresAt: number;
  /** `<role id>:<session name>`, STS's `AssumedRoleId`. */
  readonly assumedRoleId: string;
}

/** Who signed a request. */
export type Principal =
  | { readonly kind: "admin"; readonly arn: string }
  | { readonly kind: "role"; readonly role: RoleName; readonly arn: string }
  | { readonly kind: "webIdentity"; readonly sub: string; readonly arn: string; readonly expiresAt: number };

/**
 * Why a key was not accepted: unknown to the account, temporary but sent
 * without its session token or with another one, or past its expiry. Each
 * service names these its own way (`UnrecognizedClientException`,
 * `InvalidAccessKeyId`, `InvalidToken`, `ExpiredToken`…).
 */
export type AuthenticationFailure = "unknown_key" | "missing_token" | "invalid_token" | "expired_token";

export type Authentication =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly reason: AuthenticationFailure };

/** What the service knows about the call besides its action and resource. */
export interface AuthorizationContext {
  /** The request's `X-Amz-Security-Token` (header or presigned query). */
  readonly sessionToken?: string | undefined;
  /** `kms:EncryptionContext:*` of a KMS call. */
  readonly encryptionContext?: Readonly<Record<string, string>>;
  /** `s3:prefix` of a ListBucket call. */
  readonly s3Prefix?: string | undefined;
}

/** IAM's answer for one action on one resource. */
export type Decision =
  | { readonly allowed: true; readonly principal: Principal }
  | { readonly allowed: false; readonly reason: AuthenticationFailure }
  | {
      readonly allowed: false;
      readonly reason: "not_granted";
      readonly principal: Principal;
      /** IAM's wording: `User: <arn> is not authorized to perform: <action> on resource: <resource> because no identity-based policy allows the <action> action`. */
      readonly message: string;
    };

export interface LocalIamOptions {
  /** Default `123456789012`. */
  readonly accountId?: string;
  /** Default `us-east-1`. */
  readonly region?: string;
  /** Logical resource → local ARN; see `localArnResolver`. */
  readonly resolve: ArnResolver;
  /** Each role's grants; default the declaration's `roleGrants`. */
  readonly roleGrants?: Readonly<Record<RoleName, readonly Grant[]>>;
  /** The federated files role's grants; default the declaration's `federatedFilesGrants`. */
  readonly federatedGrants?: readonly Grant[];
  /** The federated files role's name; default `local-files`. */
  readonly filesRoleName?: string;
  /** The files role's `MaxSessionDuration`; default 3600 seconds, as the stacks deploy it. */
  readonly filesRoleMaxSessionSeconds?: number;
  /**
   * Epoch milliseconds by which session credentials expire (STS issues and
   * every service checks with it); injectable so tests can outlive credentials.
   */
  readonly now?: () => number;
}

/** The local account's identities and policy evaluation. */
export interface LocalIam {
  readonly accountId: string;
  readonly region: string;
  /** `arn:aws:iam::<account>:role/<files role>`, the BFF's `FILES_ROLE_ARN`. */
  readonly filesRoleArn: string;
  readonly filesRoleMaxSessionSeconds: number;
  /** The clock credentials expire by, in epoch milliseconds. */
  now(): number;
  /**
   * A role's credentials, as Lambda puts them in a function's environment
   * (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`). The
   * same role and session name give the same keys (in a new object) for the
   * life of this IAM; they do not expire (Lambda renews them behind the
   * function's back).
   */
  credentialsFor(role: RoleName, sessionName?: string): SessionCredentials;
  /** New credentials of the files role for a web identity's `sub` (what `AssumeRoleWithWebIdentity` issues). */
  issueWebIdentityCredentials(request: { sub: string; sessionName: string; durationSeconds: number }): WebIdentityCredentials;
  /**
   * Every web-identity session issued and still known (expired ones for a
   * day), newest last: for tests that must show no answer, log line or
   * stored session ever holds one of these secrets.
   */
  issuedWebIdentityCredentials(): WebIdentityCredentials[];
  /** The secret of a key, or `undefined` for a key this account never issued (for SigV4 verification). */
  secretAccessKeyFor(accessKeyId: string): string | undefined;
  /** Who holds this key, checked against the request's session token and the key's expiry. */
  authenticate(accessKeyId: string, sessionToken: string | undefined): Authentication;
  /** Whether the key's principal may perform `action` on `resourceArn`: exactly the declared grants, nothing else. */
  authorize(accessKeyId: string, action: string, resourceArn: string, context?: AuthorizationContext): Decision;
  /**
   * The shape the local Cognito's `iam` option takes, so its admin
   * operations obey the same identities and grants.
   */
  cognitoIam(): {
    secretAccessKeyFor: (accessKeyId: string) => string | undefined;
    isAllowed: (accessKeyId: string, action: string, resource: string) => boolean;
  };
}

type Identity =
  | { readonly kind: "admin"; readonly secret: string }
  | { readonly kind: "role"; readonly role: RoleName; readonly secret: string; readonly token: string; readonly arn: string }
  | {
      readonly kind: "webIdentity";
      readonly sub: string;
      readonly secret: string;
      readonly token: string;
      readonly arn: string;
      readonly expiresAt: number;
    };

/** Expired web-identity keys are kept this long, so they answer "expired" rather than "unknown" as STS keys do. */
const expiredKeyRetentionSeconds = 24 * 3600;

/**
 * Creates the local account: the administrator, one set of credentials per
 * role (and session name), and web-identity sessions of the files role. Its
 * `authorize` evaluates the declaration's grants (or the ones given, so a
 * test can change one value and see the effect) with IAM's matching rules.
 *
 * @example
 * const iam = createLocalIam({ resolve: localArnResolver({ accountId: "123456789012", region: "us-east-1", tables, bucket }) });
 * const items = iam.credentialsFor("items", "ApiItems");
 * iam.authorize(items.accessKeyId, "dynamodb:Scan", itemsTableArn, { sessionToken: items.sessionToken }); // { allowed: true, … }
 */
export function createLocalIam(options: LocalIamOptions): LocalIam {
  const accountId = options.accountId ?? "123456789012";
  const region = options.region ?? "us-east-1";
  const grantsByRole = options.roleGrants ?? roleGrants;
  const federatedGrants = options.federatedGrants ?? federatedFilesGrants;
  const filesRoleName = options.filesRoleName ?? "local-files";
  const filesRoleMaxSessionSeconds = options.filesRoleMaxSessionSeconds ?? 3600;
  const filesRoleId = `AROA${randomKeyChars(17)}`;
  const now = options.now ?? Date.now;
  const adminArn = `arn:aws:iam::${accountId}:user/local-admin`;

  const identities = new Map<string, Identity>([
    [localAdminCredentials.accessKeyId, { kind: "admin", secret: localAdminCredentials.secretAccessKey }],
  ]);
  const roleSessions = new Map<string, SessionCredentials>();
  const webSessions = new Map<string, WebIdentityCredentials>();

  function assumedRoleArn(roleName: string, sessionName: string): string {
    return `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`;
  }

  function newKey(): { accessKeyId: string; secretAccessKey: string; sessionToken: string } {
    return {
      accessKeyId: `ASIA${randomKeyChars(16)}`,
      secretAccessKey: randomBytes(30).toString("base64"),
      sessionToken: randomBytes(96).toString("base64"),
    };
  }

  function pruneExpired(nowSeconds: number): void {
    for (const [key, identity] of identities) {
      if (identity.kind === "webIdentity" && identity.expiresAt + expiredKeyRetentionSeconds < nowSeconds) {
        identities.delete(key);
        webSessions.delete(key);
      }
    }
  }

  function authenticate(accessKeyId: string, sessionToken: string | undefined): Authentication {
    const identity = identities.get(accessKeyId);
    if (!identity) return { ok: false, reason: "unknown_key" };
    if (identity.kind === "admin") return { ok: true, principal: { kind: "admin", arn: adminArn } };
    if (sessionToken === undefined || sessionToken === "") return { ok: false, reason: "missing_token" };
    if (!sameSecret(sessionToken, identity.token)) return { ok: false, reason: "invalid_token" };
    if (identity.kind === "role") return { ok: true, principal: { kind: "role", role: identity.role, arn: identity.arn } };
    if (Math.floor(now() / 1000) >= identity.expiresAt) return { ok: false, reason: "expired_token" };
    return { ok: true, principal: { kind: "webIdentity", sub: identity.sub, arn: identity.arn, expiresAt: identity.expiresAt } };
  }

  function authorize(accessKeyId: string, action: string, resourceArn: string, context: AuthorizationContext = {}): Decision {
    const authentication = authenticate(accessKeyId, context.sessionToken);
    if (!authentication.ok) return { allowed: false, reason: authentication.reason };
    const { principal } = authentication;
    if (principal.kind === "admin") return { allowed: true, principal };
    const grants = principal.kind === "role" ? grantsByRole[principal.role] : federatedGrants;
    const allowed = grantsAllow(
      grants,
      {
        action,
        resource: resourceArn,
        ...(principal.kind === "webIdentity" ? { variables: { sub: principal.sub } } : {}),
        ...(context.encryptionContext ? { encryptionContext: context.encryptionContext } : {}),
        ...(context.s3Prefix === undefined ? {} : { s3Prefix: context.s3Prefix }),
      },
      options.resolve,
    );
    if (allowed) return { allowed: true, principal };
    return {
      allowed: false,
      reason: "not_granted",
      principal,
      message: `User: ${principal.arn} is not authorized to perform: ${action} on resource: ${resourceArn} because no identity-based policy allows the ${action} action`,
    };
  }

  return {
    accountId,
    region,
    filesRoleArn: `arn:aws:iam::${accountId}:role/${filesRoleName}`,
    filesRoleMaxSessionSeconds,
    now: () => now(),
    credentialsFor(role, sessionName = role) {
      if (!Object.hasOwn(grantsByRole, role)) throw new TypeError(`"role" must be a role of the declaration, got "${String(role)}"`);
      const cacheKey = `${role}/${sessionName}`;
      // A fresh object each time: the AWS SDK annotates the credentials it is given, which a shared or frozen one must not take.
      const cached = roleSessions.get(cacheKey);
      if (cached) return { ...cached };
      const key = newKey();
      const arn = assumedRoleArn(role, sessionName);
      identities.set(key.accessKeyId, { kind: "role", role, secret: key.secretAccessKey, token: key.sessionToken, arn });
      const credentials = { ...key, arn };
      roleSessions.set(cacheKey, credentials);
      return { ...credentials };
    },
    issueWebIdentityCredentials({ sub, sessionName, durationSeconds }) {
      const nowSeconds = Math.floor(now() / 1000);
      pruneExpired(nowSeconds);
      const key = newKey();
      const arn = assumedRoleArn(filesRoleName, sessionName);
      const expiresAt = nowSeconds + durationSeconds;
      identities.set(key.accessKeyId, { kind: "webIdentity", sub, secret: key.secretAccessKey, token: key.sessionToken, arn, expiresAt });
      const credentials = { ...key, arn, expiresAt, assumedRoleId: `${filesRoleId}:${sessionName}` };
      webSessions.set(key.accessKeyId, credentials);
      return { ...credentials };
    },
    issuedWebIdentityCredentials: () => [...webSessions.values()].map((credentials) => ({ ...credentials })),
    secretAccessKeyFor: (accessKeyId) => identities.get(accessKeyId)?.secret,
    authenticate,
    authorize,
    cognitoIam: () => ({
      secretAccessKeyFor: (accessKeyId) => identities.get(accessKeyId)?.secret,
      // The local Cognito checks the signature but does not pass the session token on: the key's own token stands
      // in for it, so this judges grants (and expiry), not whether the caller sent the right token.
      isAllowed: (accessKeyId, action, resource) => {
        const identity = identities.get(accessKeyId);
        if (!identity) return false;
        return authorize(accessKeyId, action, resource, identity.kind === "admin" ? {} : { sessionToken: identity.token }).allowed;
      },
    }),
  };
}

const keyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** Upper-case letters and digits, like AWS access key ids (`ASIA` + 16). */
function randomKeyChars(length: number): string {
  return Array.from(randomBytes(length), (byte) => keyAlphabet[byte % keyAlphabet.length]).join("");
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
