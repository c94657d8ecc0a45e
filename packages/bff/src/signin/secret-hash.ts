import { createHmac } from "node:crypto";

/**
 * Cognito's `SECRET_HASH` for a confidential app client:
 * Base64(HMAC-SHA256(key = client secret, message = username + client id)).
 * The username is the one sent in that request (after the SRP step,
 * Cognito's `USER_ID_FOR_SRP`).
 *
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash
 */
export function computeSecretHash(clientId: string, clientSecret: string, username: string): string {
  return createHmac("sha256", clientSecret).update(`${username}${clientId}`).digest("base64");
}
