/**
 * Short-lived AWS credentials for one user's file operations. They are kept
 * server-side only (in the encrypted session) and never sent to the browser.
 * Times are epoch seconds, like the rest of the session layer.
 */
export interface FileCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** STS's session token: always set by STS; optional in the type because the session codec accepts sets stored without one. */
  sessionToken?: string;
  /** Epoch seconds at which the credentials stop working. */
  expiresAt: number;
}

/** What a provider needs to obtain credentials for one user. */
export interface CredentialsRequest {
  /** The user's subject; the role session is named after it. */
  sub: string;
  /** The session's ID token, the web identity presented to STS. Never logged. */
  idToken: string;
  /** Epoch seconds. */
  now: number;
}

/**
 * Obtains AWS credentials scoped to one user: STS `AssumeRoleWithWebIdentity`
 * (`createStsCredentialsProvider`), against AWS's STS or the local platform's.
 */
export interface CredentialsProvider {
  getCredentials(request: CredentialsRequest): Promise<FileCredentials>;
}

/** Renew credentials this many seconds before they expire, so a presigned URL or a call never starts on dying credentials. */
export const defaultCredentialsSkewSeconds = 120;

/**
 * True when cached credentials may still be used at `now` (epoch seconds):
 * they must outlive `now + skew`. The BFF keeps credentials in the session
 * and asks the provider again only when this is false.
 *
 * @example
 * const creds = cached && credentialsStillValid(cached, now) ? cached : await provider.getCredentials({ sub, idToken, now });
 */
export function credentialsStillValid(
  creds: FileCredentials | undefined,
  now: number,
  skew: number = defaultCredentialsSkewSeconds,
): creds is FileCredentials {
  return creds !== undefined && Number.isFinite(creds.expiresAt) && creds.expiresAt - skew > now;
}

/**
 * The credentials to use now: the cached ones while {@link credentialsStillValid},
 * otherwise fresh ones from the provider. `renewed` tells the BFF to write
 * the new set into the session (and only then).
 *
 * @example
 * const { credentials, renewed } = await resolveCredentials(provider, session.files, { sub, idToken, now });
 * if (renewed) await saveFileCredentials(session, credentials);
 */
export async function resolveCredentials(
  provider: CredentialsProvider,
  cached: FileCredentials | undefined,
  request: CredentialsRequest,
  skew: number = defaultCredentialsSkewSeconds,
): Promise<{ credentials: FileCredentials; renewed: boolean }> {
  if (credentialsStillValid(cached, request.now, skew)) return { credentials: cached, renewed: false };
  return { credentials: await provider.getCredentials(request), renewed: true };
}
