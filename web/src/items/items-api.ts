import type { BffClient } from "../bff.ts";

/** An item as the API returns it. */
export interface Item {
  id: string;
  title: string;
  done?: boolean;
  createdAt: string;
}

export interface ItemPage {
  items: Item[];
  cursor?: string;
}

/** Upper bound the API enforces on a title; checked here only to guide the person typing. */
export const TITLE_MAX_LENGTH = 200;

/** One page of the signed-in user's items; pass the previous page's cursor for the next. */
export async function listItems(client: BffClient, cursor?: string): Promise<ItemPage> {
  const query = cursor ? `?cursor=${encodeURIComponent(cursor)}` : "";
  const page = await client.request<ItemPage>("GET", `/api/items${query}`);
  return { items: Array.isArray(page?.items) ? page.items : [], ...(typeof page?.cursor === "string" ? { cursor: page.cursor } : {}) };
}

/** Adds an item; a `validation_failed` BffError carries the API's field messages. */
export function createItem(client: BffClient, title: string): Promise<Item> {
  return client.request<Item>("POST", "/api/items", { title });
}

export async function deleteItem(client: BffClient, id: string): Promise<void> {
  await client.request<undefined>("DELETE", `/api/items/${encodeURIComponent(id)}`);
}
