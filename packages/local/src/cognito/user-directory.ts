import { createHmac, randomBytes } from "node:crypto";
import type { DemoUser } from "../idp/demo-users.ts";
import { createSrpServer, type SrpServer } from "./srp-server.ts";

/** The pool's users as the local Cognito sees them. */
export interface UserDirectory {
  /** By user name, ignoring case (Cognito's default for new pools). */
  find(username: string): DemoUser | undefined;
  findBySub(sub: string): DemoUser | undefined;
  /** The SRP verifier of a user, made once (as Cognito stores a salt and verifier, not the password). */
  srpServerFor(user: DemoUser): SrpServer;
  /**
   * A verifier no password matches, for a user name that does not exist
   * (`PreventUserExistenceErrors`). Its salt is derived from the name, so
   * asking twice gives the same `SALT`, as for a real user.
   */
  fakeSrpServerFor(username: string): SrpServer;
}

/** A user's attributes as Cognito passes them to the triggers. */
export function userAttributesOf(user: DemoUser): Record<string, string> {
  return {
    sub: user.sub,
    "cognito:user_status": "CONFIRMED",
    email_verified: String(user.emailVerified),
    name: user.name,
    email: user.email,
  };
}

export function createUserDirectory(users: readonly DemoUser[], userPoolId: string): UserDirectory {
  const verifiers = new Map<string, SrpServer>();
  const fakeSaltKey = randomBytes(32);
  return {
    find(username) {
      const wanted = username.toLowerCase();
      return users.find((user) => user.username.toLowerCase() === wanted);
    },
    findBySub(sub) {
      return users.find((user) => user.sub === sub);
    },
    srpServerFor(user) {
      let server = verifiers.get(user.username);
      if (!server) {
        server = createSrpServer({ userPoolId, userIdForSrp: user.username, password: user.password });
        verifiers.set(user.username, server);
      }
      return server;
    },
    fakeSrpServerFor(username) {
      const saltHex = createHmac("sha256", fakeSaltKey).update(username.toLowerCase()).digest("hex").slice(0, 32);
      return createSrpServer({ userPoolId, userIdForSrp: username, password: randomBytes(32).toString("hex"), saltHex });
    },
  };
}
