export type { AuthorizerFailure, IntegrationFailure } from "./api-gateway-answers.ts";
export { authorizerAnswer, integrationAnswer } from "./api-gateway-answers.ts";
export type { FunctionUrlFailure, HttpAnswer } from "./function-url-answers.ts";
export { functionUrlAnswer } from "./function-url-answers.ts";
export type { FunctionDefinition, FunctionPool, InvokeOptions, InvokeResult, PoolStats } from "./pool.ts";
export { createFunctionPool, FunctionPoolStoppedError } from "./pool.ts";
export type { PoolEvent, RetireReason } from "./pool-events.ts";
export { formatPoolEvent } from "./pool-events.ts";
export type { LambdaError } from "./protocol.ts";
