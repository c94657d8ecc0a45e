import {
  type AuthenticationResultType,
  type CognitoIdentityProviderClient,
  InitiateAuthCommand,
  type InitiateAuthCommandOutput,
  RespondToAuthChallengeCommand,
  type RespondToAuthChallengeCommandOutput,
} from "@aws-sdk/client-cognito-identity-provider";
import { computeSecretHash } from "./secret-hash.ts";
import { computePasswordClaim, createSrpClientKey, type SrpClientKey } from "./srp.ts";

/** Where Cognito's answer leaves the sign-in. */
export type CognitoStep =
  | { kind: "tokens"; result: AuthenticationResultType }
  | {
      kind: "code";
      /** Cognito's `Session` for the next answer: a secret, kept server-side (sealed cookie). */
      session: string;
      /** The canonical user name (`USER_ID_FOR_SRP`); every later call must use it. */
      username: string;
      /** Where the code went, as the Create trigger reports it (a masked address). */
      destination?: string;
    };

/** Why Cognito said no, in the terms the sign-in service decides on. */
export type CognitoRejection =
  /** Wrong password, unknown user, or (on the code step) too many wrong codes / an expired session. */
  | "rejected"
  /** Cognito throttled us. */
  | "throttled"
  /** Anything else: network, configuration, an unexpected challenge. */
  | "unavailable";

/** Thrown by {@link CognitoSignInClient}; `cause` holds the SDK error and is never sent to a client. */
export class CognitoSignInError extends Error {
  override readonly name = "CognitoSignInError";
  readonly reason: CognitoRejection;
  constructor(reason: CognitoRejection, message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.reason = reason;
  }
}

/** The two Cognito exchanges of the branded sign-in. */
export interface CognitoSignInClient {
  /**
   * Verifies the password by SRP inside the custom flow: `InitiateAuth`
   * (`CUSTOM_AUTH`, `CHALLENGE_NAME: SRP_A`), then `RespondToAuthChallenge`
   * (`PASSWORD_VERIFIER`). The Define trigger then asks for the code.
   */
  startWithPassword(username: string, password: string): Promise<CognitoStep>;
  /** Answers the `CUSTOM_CHALLENGE` with the code the user typed. */
  answerCode(username: string, session: string, code: string): Promise<CognitoStep>;
}

export interface CognitoSignInClientOptions {
  client: Pick<CognitoIdentityProviderClient, "send">;
  userPoolId: string;
  clientId: string;
  clientSecret: string;
  /** For the SRP ephemeral key; injectable for tests. */
  createKey?: (userPoolId: string) => Promise<SrpClientKey>;
}

/**
 * The Cognito adapter of the branded sign-in, as the confidential web client
 * (`SECRET_HASH` on every call). Why SRP rather than `USER_PASSWORD_AUTH`
 * followed by `CUSTOM_AUTH` (the seed's way): two separate flows would issue
 * a full set of tokens after the password alone, and nothing would tie the
 * code to a verified password. With `CHALLENGE_NAME: SRP_A` the password is
 * verified by Cognito as the first steps of the same custom flow, and the
 * Define trigger refuses any flow that skipped it. The app client needs
 * `ALLOW_CUSTOM_AUTH` (and no `ALLOW_USER_PASSWORD_AUTH`).
 *
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-challenge.html
 */
export function createCognitoSignInClient(options: CognitoSignInClientOptions): CognitoSignInClient {
  const createKey = options.createKey ?? createSrpClientKey;
  const secretHash = (username: string) => computeSecretHash(options.clientId, options.clientSecret, username);

  async function call<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw toRejection(error);
    }
  }

  return {
    async startWithPassword(username, password) {
      const key = await createKey(options.userPoolId);
      const initiated: InitiateAuthCommandOutput = await call(() =>
        options.client.send(
          new InitiateAuthCommand({
            ClientId: options.clientId,
            AuthFlow: "CUSTOM_AUTH",
            AuthParameters: { USERNAME: username, SECRET_HASH: secretHash(username), CHALLENGE_NAME: "SRP_A", SRP_A: key.largeAHex },
          }),
        ),
      );
      const parameters = initiated.ChallengeParameters ?? {};
      const userIdForSrp = parameters.USER_ID_FOR_SRP;
      if (
        initiated.ChallengeName !== "PASSWORD_VERIFIER" ||
        !initiated.Session ||
        !userIdForSrp ||
        !parameters.SRP_B ||
        !parameters.SALT ||
        !parameters.SECRET_BLOCK
      ) {
        throw new CognitoSignInError("unavailable", `Unexpected answer to InitiateAuth: ${String(initiated.ChallengeName)}`);
      }
      const srpSession = initiated.Session;
      const secretBlock = parameters.SECRET_BLOCK;
      let claim: { signature: string; timestamp: string };
      try {
        claim = await computePasswordClaim({
          userPoolId: options.userPoolId,
          password,
          key,
          challenge: { userIdForSrp, srpBHex: parameters.SRP_B, saltHex: parameters.SALT, secretBlock },
        });
      } catch (error) {
        throw new CognitoSignInError("unavailable", "Cognito sent SRP values that cannot be used", { cause: error });
      }
      const verified = await call(() =>
        options.client.send(
          new RespondToAuthChallengeCommand({
            ClientId: options.clientId,
            ChallengeName: "PASSWORD_VERIFIER",
            Session: srpSession,
            ChallengeResponses: {
              USERNAME: userIdForSrp,
              PASSWORD_CLAIM_SECRET_BLOCK: secretBlock,
              PASSWORD_CLAIM_SIGNATURE: claim.signature,
              TIMESTAMP: claim.timestamp,
              SECRET_HASH: secretHash(userIdForSrp),
            },
          }),
        ),
      );
      return toStep(verified, userIdForSrp);
    },

    async answerCode(username, session, code) {
      const answered = await call(() =>
        options.client.send(
          new RespondToAuthChallengeCommand({
            ClientId: options.clientId,
            ChallengeName: "CUSTOM_CHALLENGE",
            Session: session,
            ChallengeResponses: { USERNAME: username, ANSWER: code, SECRET_HASH: secretHash(username) },
          }),
        ),
      );
      return toStep(answered, username);
    },
  };
}

function toStep(output: RespondToAuthChallengeCommandOutput, username: string): CognitoStep {
  if (output.AuthenticationResult?.AccessToken) return { kind: "tokens", result: output.AuthenticationResult };
  if (output.ChallengeName === "CUSTOM_CHALLENGE" && output.Session) {
    const destination = output.ChallengeParameters?.DESTINATION;
    return { kind: "code", session: output.Session, username, ...(destination ? { destination } : {}) };
  }
  // Any other challenge (NEW_PASSWORD_REQUIRED, SMS_MFA, …) is not part of this flow: fail closed.
  throw new CognitoSignInError("unavailable", `Unexpected challenge from Cognito: ${String(output.ChallengeName)}`);
}

const rejectedNames = new Set([
  "NotAuthorizedException",
  "UserNotFoundException",
  "UserNotConfirmedException",
  "PasswordResetRequiredException",
  "CodeMismatchException",
  "ExpiredCodeException",
]);
const throttledNames = new Set(["TooManyRequestsException", "LimitExceededException", "TooManyFailedAttemptsException"]);

function toRejection(error: unknown): CognitoSignInError {
  const name = error instanceof Error ? error.name : "";
  // Cognito's own message can name the user's state ("User is not confirmed."), so it stays in `cause` only.
  if (rejectedNames.has(name)) return new CognitoSignInError("rejected", `Cognito refused the sign-in (${name})`, { cause: error });
  if (throttledNames.has(name)) return new CognitoSignInError("throttled", `Cognito throttled the sign-in (${name})`, { cause: error });
  return new CognitoSignInError("unavailable", `Cognito call failed (${name || "unknown error"})`, { cause: error });
}
