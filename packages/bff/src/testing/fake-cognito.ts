import { randomBytes } from "node:crypto";
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  NotAuthorizedException,
  RespondToAuthChallengeCommand,
  UserNotFoundException,
} from "@aws-sdk/client-cognito-identity-provider";
import { mockClient } from "aws-sdk-client-mock";
import { computeSecretHash } from "../signin/secret-hash.ts";
import { createSrpServer } from "./srp-server.ts";

export const POOL_ID = "eu-west-1_AbCdEf123";
export const CLIENT_ID = "web-client-id";
export const CLIENT_SECRET = "web-client-secret";

/** An ID token as Cognito shapes it (unsigned: the adapter reads, never verifies, what Cognito hands it directly). */
export function fakeIdToken(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "RS256", kid: "k" })}.${part(claims)}.c2ln`;
}

export interface FakeUser {
  username: string;
  password: string;
  sub: string;
  email: string;
  name: string;
}

/**
 * Cognito's custom-auth flow, as far as the sign-in sees it, behind
 * aws-sdk-client-mock: SRP password check (a real SRP verifier), then
 * CUSTOM_CHALLENGE with the code `currentCode`, three tries, new Session
 * strings at every step and each usable once. With `preventUserExistenceErrors`
 * unknown users get a fake SRP challenge, as Cognito does.
 */
export function createFakeCognito(options: { users: FakeUser[]; preventUserExistenceErrors?: boolean }) {
  const client = new CognitoIdentityProviderClient({ region: "eu-west-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  const mock = mockClient(client);
  const state = {
    currentCode: "123456",
    sessions: new Map<string, { username: string; step: "srp" | "code"; wrong: number; srp?: unknown }>(),
  };
  let counter = 0;
  const newSession = () => `cognito-session-${++counter}-${"x".repeat(40)}`;
  const servers = new Map(
    options.users.map((user) => [
      user.username,
      createSrpServer({ userPoolId: POOL_ID, userIdForSrp: user.username, password: user.password }),
    ]),
  );
  const notAuthorized = () => new NotAuthorizedException({ message: "Incorrect username or password.", $metadata: {} });
  const checkSecretHash = (username: string | undefined, secretHash: string | undefined) => {
    if (!username || secretHash !== computeSecretHash(CLIENT_ID, CLIENT_SECRET, username)) throw notAuthorized();
  };

  mock.on(InitiateAuthCommand).callsFake((input) => {
    const params = input.AuthParameters ?? {};
    if (input.ClientId !== CLIENT_ID || input.AuthFlow !== "CUSTOM_AUTH" || params.CHALLENGE_NAME !== "SRP_A" || !params.SRP_A)
      throw notAuthorized();
    checkSecretHash(params.USERNAME, params.SECRET_HASH);
    const user = options.users.find((candidate) => candidate.username.toLowerCase() === params.USERNAME?.toLowerCase());
    const server = user
      ? servers.get(user.username)
      : options.preventUserExistenceErrors
        ? createSrpServer({ userPoolId: POOL_ID, userIdForSrp: String(params.USERNAME), password: randomBytes(16).toString("hex") })
        : undefined;
    if (!server) throw new UserNotFoundException({ message: "User does not exist.", $metadata: {} });
    const challenge = server.challenge(params.SRP_A);
    const session = newSession();
    state.sessions.set(session, {
      username: challenge.parameters.USER_ID_FOR_SRP,
      step: "srp",
      wrong: 0,
      srp: { server, challenge, known: Boolean(user) },
    });
    return { ChallengeName: "PASSWORD_VERIFIER", Session: session, ChallengeParameters: challenge.parameters };
  });

  mock.on(RespondToAuthChallengeCommand).callsFake((input) => {
    const responses = input.ChallengeResponses ?? {};
    const current = input.Session ? state.sessions.get(input.Session) : undefined;
    if (input.ClientId !== CLIENT_ID || !current || !input.Session)
      throw new NotAuthorizedException({ message: "Invalid session for the user, session is expired.", $metadata: {} });
    state.sessions.delete(input.Session);
    checkSecretHash(responses.USERNAME, responses.SECRET_HASH);
    if (responses.USERNAME !== current.username) throw notAuthorized();
    if (current.step === "srp") {
      const srp = current.srp as {
        server: ReturnType<typeof createSrpServer>;
        challenge: ReturnType<ReturnType<typeof createSrpServer>["challenge"]>;
        known: boolean;
      };
      if (input.ChallengeName !== "PASSWORD_VERIFIER" || responses.PASSWORD_CLAIM_SECRET_BLOCK !== srp.challenge.parameters.SECRET_BLOCK)
        throw notAuthorized();
      if (!srp.known || !srp.server.verify(srp.challenge, String(responses.PASSWORD_CLAIM_SIGNATURE), String(responses.TIMESTAMP)))
        throw notAuthorized();
      const session = newSession();
      state.sessions.set(session, { username: current.username, step: "code", wrong: 0 });
      return {
        ChallengeName: "CUSTOM_CHALLENGE",
        Session: session,
        ChallengeParameters: { DELIVERY: "EMAIL", DESTINATION: "a***@example.com" },
      };
    }
    if (input.ChallengeName !== "CUSTOM_CHALLENGE") throw notAuthorized();
    if (responses.ANSWER === state.currentCode) {
      const user = options.users.find((candidate) => candidate.username === current.username);
      return {
        ChallengeParameters: {},
        AuthenticationResult: {
          AccessToken: `access-token-of-${current.username}`,
          ExpiresIn: 3600,
          TokenType: "Bearer",
          RefreshToken: `refresh-token-of-${current.username}`,
          IdToken: fakeIdToken({ sub: user?.sub, email: user?.email, name: user?.name, "cognito:username": user?.username }),
        },
      };
    }
    if (current.wrong + 1 >= 3) throw notAuthorized();
    const session = newSession();
    state.sessions.set(session, { username: current.username, step: "code", wrong: current.wrong + 1 });
    return {
      ChallengeName: "CUSTOM_CHALLENGE",
      Session: session,
      ChallengeParameters: { DELIVERY: "EMAIL", DESTINATION: "a***@example.com" },
    };
  });

  return { client, mock, state };
}
