import type { RoleName } from "./functions.ts";

/**
 * A resource of the stage, by the logical name both readers resolve: the
 * stacks to the deployed ARN, the local platform to its local ARN.
 */
export type GrantResource =
  | { readonly table: "Sessions" | "Items" | "SignInAttempts" }
  | { readonly index: readonly ["Sessions" | "Items" | "SignInAttempts", string] }
  | { readonly key: "SessionKey" }
  | { readonly emailIdentity: "CodeSender" }
  | { readonly userPool: "UserPool" }
  | { readonly bucket: "Files" }
  /** Objects of a bucket under a key prefix; `${sub}` is the web identity's subject (an IAM policy variable). */
  | { readonly objects: "Files"; readonly prefix: string };

/** One IAM statement of a role: these actions on this resource, optionally only with this KMS encryption context or list prefix. */
export interface Grant {
  readonly actions: readonly string[];
  readonly resource: GrantResource;
  /** `kms:EncryptionContext:<key>` values every call must carry. */
  readonly encryptionContext?: Readonly<Record<string, string>>;
  /** `s3:prefix` patterns a ListBucket must match (`${sub}` as above). */
  readonly listPrefixes?: readonly string[];
}

/** The KMS encryption context of every session data key; the key policy and the BFF's role honour only calls that carry it. */
export const sessionEncryptionContext = { purpose: "bff-session", app: "spa-bff" } as const;

/**
 * What each role may do, and nothing else: the stacks write exactly these
 * statements, and the local platform refuses any AWS call outside them with
 * the `AccessDeniedException` AWS sends. A change here changes both.
 */
export const roleGrants: Readonly<Record<RoleName, readonly Grant[]>> = {
  bff: [
    {
      // Sessions (Query: every session of one user, strongly consistent), back-channel logout's links, replay markers and counters.
      actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query"],
      resource: { table: "Sessions" },
    },
    {
      actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
      resource: { table: "SignInAttempts" },
    },
    { actions: ["kms:GenerateDataKey", "kms:Decrypt"], resource: { key: "SessionKey" }, encryptionContext: { purpose: "bff-session" } },
  ],
  authorizer: [],
  items: [
    // Scan: a machine caller's GET /items lists every user's items.
    {
      actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Query", "dynamodb:Scan"],
      resource: { table: "Items" },
    },
  ],
  m2mJob: [],
  defineTrigger: [],
  createTrigger: [{ actions: ["ses:SendEmail", "ses:SendRawEmail"], resource: { emailIdentity: "CodeSender" } }],
  verifyTrigger: [],
  preTokenTrigger: [],
};

/** Where every user's uploads live: `uploads/<sub>/…`, the prefix the BFF's files module builds. */
export const uploadsPrefix = "uploads";

/**
 * The role the BFF assumes per user with `AssumeRoleWithWebIdentity` and the
 * session's ID token: only that user's own objects. `${sub}` is the token's
 * own subject, so even a bug in the BFF cannot reach another user's files.
 */
export const federatedFilesGrants: readonly Grant[] = [
  { actions: ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"], resource: { objects: "Files", prefix: `${uploadsPrefix}/\${sub}/` } },
  {
    actions: ["s3:ListBucket"],
    resource: { bucket: "Files" },
    listPrefixes: [`${uploadsPrefix}/\${sub}/`, `${uploadsPrefix}/\${sub}/*`],
  },
];
