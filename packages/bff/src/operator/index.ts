/** The operator's sessions command (subpath `@spa-bff/bff/operator`): never imported by a handler. */
export type { LocalOperatorFile, OperatorConfig } from "./operator-config.ts";
export { loadOperatorConfig } from "./operator-config.ts";
export type { AuditRecord, RevokeResult, RevokeSessionsDeps, RevokeTarget } from "./revoke-sessions.ts";
export { revokeSessions } from "./revoke-sessions.ts";
export { parseSessionsCommand, sessionsUsage } from "./sessions-command.ts";
