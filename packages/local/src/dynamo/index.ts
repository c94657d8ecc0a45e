export type { TableNames } from "./ensure-tables.ts";
export { createTables, ensureTables } from "./ensure-tables.ts";
export type { LocalDynamo, StartDynamoOptions } from "./start-dynamo.ts";
export { startDynamo } from "./start-dynamo.ts";
