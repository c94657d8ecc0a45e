import { BadRequestError, ErrorCodes, ForbiddenError, NotFoundError } from "@spa-bff/core";
import type { Principal } from "../principal/principal.ts";
import { decodeCursor, encodeCursor } from "./cursor.ts";
import { fieldErrors, type Item, newItemSchema, toItem } from "./item.ts";
import type { ItemsStore } from "./items-store.ts";

const defaultLimit = 20;
const maxLimit = 100;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A page of items as the API returns it. */
export interface ItemList {
  items: Item[];
  /** Pass back as `?cursor=` for the next page; absent on the last page. */
  nextCursor?: string;
}

// The authorizer already enforces scopes per route; checking again here keeps
// the API safe if it is ever wired up behind a looser gateway.
function requireScope(principal: Principal, scope: string): void {
  if (!principal.scopes.has(scope)) throw new ForbiddenError(`The "${scope}" scope is required`);
}

function parseLimit(value: string | undefined): number {
  if (value === undefined) return defaultLimit;
  const limit = /^\d{1,3}$/.test(value) ? Number(value) : Number.NaN;
  if (!(limit >= 1 && limit <= maxLimit)) {
    throw new BadRequestError(`"limit" must be an integer from 1 to ${maxLimit}`, {
      details: { fields: { limit: `An integer from 1 to ${maxLimit}` } },
    });
  }
  return limit;
}

/**
 * `GET /items`: a user lists their own items, a machine lists everyone's.
 * Both are cursor-paginated; a user's cursor must point into their own partition.
 */
export async function listItems(principal: Principal, query: Record<string, string | undefined>, store: ItemsStore): Promise<ItemList> {
  requireScope(principal, "items/read");
  const limit = parseLimit(query.limit);
  const start = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const machine = principal.principalType === "machine";
  if (!machine && start !== undefined && start.owner !== principal.sub) {
    throw new BadRequestError('"cursor" is not a valid cursor', { details: { fields: { cursor: "Invalid cursor" } } });
  }
  const page = machine ? await store.listAll(limit, start) : await store.listByOwner(principal.sub, limit, start);
  const result: ItemList = { items: page.items.map((record) => toItem(record, machine)) };
  if (page.next !== undefined) result.nextCursor = encodeCursor(page.next);
  return result;
}

/** `POST /items`: validates the body; the owner is always the caller, never the body. */
export async function createItem(principal: Principal, body: unknown, store: ItemsStore, now: Date, newId: () => string): Promise<Item> {
  requireScope(principal, "items/write");
  const parsed = newItemSchema.safeParse(body);
  if (!parsed.success) {
    throw new BadRequestError("The item is invalid", { code: ErrorCodes.validationFailed, details: { fields: fieldErrors(parsed.error) } });
  }
  const record = {
    owner: principal.sub,
    id: newId(),
    title: parsed.data.title,
    done: parsed.data.done ?? false,
    createdAt: now.toISOString(),
  };
  await store.put(record);
  return toItem(record, false);
}

/** `DELETE /items/{id}`: only the caller's own item; anything else is 404. */
export async function deleteItem(principal: Principal, id: string | undefined, store: ItemsStore): Promise<void> {
  requireScope(principal, "items/write");
  if (id === undefined || !uuidPattern.test(id) || !(await store.delete(principal.sub, id))) {
    throw new NotFoundError("No such item");
  }
}

/** `GET /whoami`: the authorizer context, as the API sees it. */
export function whoami(principal: Principal): Record<string, unknown> {
  return {
    sub: principal.sub,
    clientId: principal.clientId,
    scope: [...principal.scopes].join(" "),
    principalType: principal.principalType,
    ...(principal.username === undefined ? {} : { username: principal.username }),
  };
}
