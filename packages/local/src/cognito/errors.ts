/**
 * The exception names the local Cognito answers with: Cognito's own (its
 * API reference lists them per operation), plus the AWS front end's for
 * SigV4 failures and unknown operations.
 */
export type CognitoErrorType =
  | "AccessDeniedException"
  | "IncompleteSignatureException"
  | "InternalErrorException"
  | "InvalidLambdaResponseException"
  | "InvalidParameterException"
  | "InvalidSignatureException"
  | "MissingAuthenticationTokenException"
  | "NotAuthorizedException"
  | "RefreshTokenReuseException"
  | "ResourceNotFoundException"
  | "SerializationException"
  | "UnauthorizedException"
  | "UnknownOperationException"
  | "UnrecognizedClientException"
  | "UnsupportedOperationException"
  | "UnsupportedTokenTypeException"
  | "UserLambdaValidationException"
  | "UserNotFoundException";

/**
 * A refusal in Cognito's wire shape: status 400 and
 * `{"__type":"NotAuthorizedException","message":"Incorrect username or password."}`,
 * which the AWS SDK turns into an exception of that name. Messages never
 * carry a token, a password, a code or a session.
 */
export class CognitoServiceError extends Error {
  override readonly name = "CognitoServiceError";
  readonly type: CognitoErrorType;
  readonly status: number;
  constructor(type: CognitoErrorType, message: string, status = 400) {
    super(message);
    this.type = type;
    this.status = status;
  }

  /** The JSON body Cognito sends. */
  toBody(): { __type: CognitoErrorType; message: string } {
    return { __type: this.type, message: this.message };
  }
}

/** Cognito's messages, word for word where they are known (observed or quoted in AWS's docs and SDK issues). */
export const CognitoMessages = {
  incorrectCredentials: "Incorrect username or password.",
  userNotFound: "User does not exist.",
  sessionExpired: "Invalid session for the user, session is expired.",
  sessionUsed: "Invalid session for the user, session can only be used once.",
  invalidRefreshToken: "Invalid Refresh Token",
  refreshTokenRevoked: "Refresh Token has been revoked",
  refreshTokenExpired: "Refresh Token has expired",
  invalidAccessToken: "Invalid Access Token",
  accessTokenRevoked: "Access Token has been revoked",
  accessTokenExpired: "Access Token has expired",
  customAuthNotConfigured: "Custom auth lambda trigger is not configured for the user pool.",
  unrecognizableLambdaOutput: "Unrecognizable lambda output",
  initiateAuthNotSupported: "Initiate Auth method not supported.",
  missingAuthenticationToken: "Missing Authentication Token",
  unrecognizedClient: "The security token included in the request is invalid.",
  signatureMismatch:
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
} as const;

export function notAuthorized(message: string = CognitoMessages.incorrectCredentials): CognitoServiceError {
  return new CognitoServiceError("NotAuthorizedException", message);
}

export function invalidParameter(message: string): CognitoServiceError {
  return new CognitoServiceError("InvalidParameterException", message);
}

/** Cognito's wording for a required member that is missing or not a string. */
export function missingMember(member: string): CognitoServiceError {
  const name = `${member.slice(0, 1).toLowerCase()}${member.slice(1)}`;
  return invalidParameter(`1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`);
}

/** The app client sent no `SECRET_HASH` (or `ClientSecret`) although it has a secret. */
export function secretMissing(clientId: string): CognitoServiceError {
  return notAuthorized(`Client ${clientId} is configured for secret but secret was not received`);
}

export function secretMismatch(clientId: string): CognitoServiceError {
  return notAuthorized(`Unable to verify secret hash for client ${clientId}`);
}
