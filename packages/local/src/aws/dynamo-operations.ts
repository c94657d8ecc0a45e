/** One IAM check a DynamoDB request needs: this action on this resource. */
export interface DynamoRequirement {
  readonly action: string;
  readonly resource: string;
}

/** The ARNs a request's table names resolve to in the local account. */
export interface DynamoArns {
  table(name: string): string;
  index(table: string, index: string): string;
}

type Input = Readonly<Record<string, unknown>>;
type RequirementsOf = (input: Input, arns: DynamoArns) => DynamoRequirement[];

const onTable =
  (action: string): RequirementsOf =>
  (input, arns) =>
    typeof input.TableName === "string" ? [{ action, resource: arns.table(input.TableName) }] : [];

/** Query and Scan name the index's ARN when they read one (`table/<name>/index/<index>`). */
const onTableOrIndex =
  (action: string): RequirementsOf =>
  (input, arns) => {
    if (typeof input.TableName !== "string") return [];
    const resource = typeof input.IndexName === "string" ? arns.index(input.TableName, input.IndexName) : arns.table(input.TableName);
    return [{ action, resource }];
  };

/** BatchGetItem and BatchWriteItem: their own action, on every table of `RequestItems`. */
const onRequestItems =
  (action: string): RequirementsOf =>
  (input, arns) =>
    isRecord(input.RequestItems) ? Object.keys(input.RequestItems).map((table) => ({ action, resource: arns.table(table) })) : [];

/** A transaction needs the underlying action for each of its items (there is no `dynamodb:TransactWriteItems` to grant). */
const transactionItems =
  (actions: Readonly<Record<string, string>>): RequirementsOf =>
  (input, arns) => {
    if (!Array.isArray(input.TransactItems)) return [];
    const requirements: DynamoRequirement[] = [];
    for (const item of input.TransactItems) {
      if (!isRecord(item)) continue;
      for (const [member, action] of Object.entries(actions)) {
        const operation = item[member];
        if (isRecord(operation) && typeof operation.TableName === "string")
          requirements.push({ action, resource: arns.table(operation.TableName) });
      }
    }
    return requirements;
  };

const onResourceArn =
  (action: string): RequirementsOf =>
  (input) =>
    typeof input.ResourceArn === "string" ? [{ action, resource: input.ResourceArn }] : [];

/** Operations without a resource type in IAM: authorized on `*`. */
const onAccount =
  (action: string): RequirementsOf =>
  () => [{ action, resource: "*" }];

/**
 * The IAM checks of each DynamoDB operation the local platform serves, per
 * DynamoDB's IAM reference: one action per operation on its table (or index
 * for Query and Scan), the batch operations on every table they name, and
 * the transactions through the actions of their items (Put → PutItem,
 * Update → UpdateItem, Delete → DeleteItem, ConditionCheck →
 * ConditionCheckItem, Get → GetItem).
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html
 */
const operations: Readonly<Record<string, RequirementsOf>> = {
  GetItem: onTable("dynamodb:GetItem"),
  PutItem: onTable("dynamodb:PutItem"),
  UpdateItem: onTable("dynamodb:UpdateItem"),
  DeleteItem: onTable("dynamodb:DeleteItem"),
  Query: onTableOrIndex("dynamodb:Query"),
  Scan: onTableOrIndex("dynamodb:Scan"),
  BatchGetItem: onRequestItems("dynamodb:BatchGetItem"),
  BatchWriteItem: onRequestItems("dynamodb:BatchWriteItem"),
  TransactGetItems: transactionItems({ Get: "dynamodb:GetItem" }),
  TransactWriteItems: transactionItems({
    Put: "dynamodb:PutItem",
    Update: "dynamodb:UpdateItem",
    Delete: "dynamodb:DeleteItem",
    ConditionCheck: "dynamodb:ConditionCheckItem",
  }),
  CreateTable: onTable("dynamodb:CreateTable"),
  DeleteTable: onTable("dynamodb:DeleteTable"),
  DescribeTable: onTable("dynamodb:DescribeTable"),
  UpdateTable: onTable("dynamodb:UpdateTable"),
  DescribeTimeToLive: onTable("dynamodb:DescribeTimeToLive"),
  UpdateTimeToLive: onTable("dynamodb:UpdateTimeToLive"),
  TagResource: onResourceArn("dynamodb:TagResource"),
  UntagResource: onResourceArn("dynamodb:UntagResource"),
  ListTagsOfResource: onResourceArn("dynamodb:ListTagsOfResource"),
  ListTables: onAccount("dynamodb:ListTables"),
  DescribeLimits: onAccount("dynamodb:DescribeLimits"),
};

/**
 * The IAM checks a request needs, or `undefined` for an operation the local
 * DynamoDB does not model (it answers `UnknownOperationException`, so
 * nothing unchecked reaches dynalite). An empty list means the input names
 * no resource at all; dynalite then refuses it with its validation error.
 *
 * @example
 * dynamoRequirements("Scan", { TableName: "local-Items" }, arns); // [{ action: "dynamodb:Scan", resource: "arn:…:table/local-Items" }]
 */
export function dynamoRequirements(operation: string, input: Input, arns: DynamoArns): DynamoRequirement[] | undefined {
  const requirementsOf = Object.hasOwn(operations, operation) ? operations[operation] : undefined;
  return requirementsOf?.(input, arns);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
