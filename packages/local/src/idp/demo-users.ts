import { createHash, timingSafeEqual } from "node:crypto";

/** A user of the local IdP, shaped like a Cognito user pool user. */
export interface DemoUser {
  readonly username: string;
  readonly password: string;
  /** Stable UUID, like Cognito's `sub`. */
  readonly sub: string;
  readonly name: string;
  readonly email: string;
  readonly emailVerified: boolean;
}

/**
 * The demo users of the local platform. Passwords can be changed with
 * `LOCAL_ALICE_PASSWORD` / `LOCAL_BOB_PASSWORD` / `LOCAL_CAROL_PASSWORD`;
 * the subs never change, so items stored under a user survive restarts.
 * No user has a second factor of their own: in branded mode every user gets
 * the emailed code through the Cognito API (codes in the local mailbox,
 * `/dev/mailbox` on the IdP), and the hosted page asks for the password only.
 *
 * @example
 * const idp = await startIdp({ port: 3001, keysDir: ".local", clients, users: defaultDemoUsers() });
 */
export function defaultDemoUsers(env: Record<string, string | undefined> = process.env): DemoUser[] {
  return [
    {
      username: "alice",
      password: env.LOCAL_ALICE_PASSWORD || "alice-demo-password",
      sub: "5b0a8c4e-1f0e-4d3a-9a59-6f1d2a7c0a11",
      name: "Alice Anderson",
      email: "alice@example.com",
      emailVerified: true,
    },
    {
      username: "bob",
      password: env.LOCAL_BOB_PASSWORD || "bob-demo-password",
      sub: "9e3c2d71-6b8a-4f5e-8c0d-2a4b6c8d0e22",
      name: "Bob Brown",
      email: "bob@example.com",
      emailVerified: true,
    },
    {
      username: "carol",
      password: env.LOCAL_CAROL_PASSWORD || "carol-demo-password",
      sub: "c4a7e2d9-3b1f-4e6a-8d2c-7f5b9a1e3c33",
      name: "Carol Chen",
      email: "carol@example.com",
      emailVerified: true,
    },
  ];
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

/**
 * The user whose username and password both match, or undefined. The
 * password comparison runs even for an unknown username, and in constant
 * time, so the answer time does not tell which of the two was wrong.
 */
export function authenticateUser(users: readonly DemoUser[], username: string, password: string): DemoUser | undefined {
  const user = users.find((candidate) => candidate.username === username);
  const expected = digest(user?.password ?? "\u0000no-such-user");
  const passwordMatches = timingSafeEqual(expected, digest(password));
  return user && passwordMatches ? user : undefined;
}

/** Looks a user up by the `sub` oidc-provider stores as the account id. */
export function findUserBySub(users: readonly DemoUser[], sub: string): DemoUser | undefined {
  return users.find((user) => user.sub === sub);
}
