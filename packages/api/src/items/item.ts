import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";

// zod/mini has no messages of its own; a body that is not an object gets the same English message as with classic zod.
if (!z.config().localeError) z.config(en());

/** An item as the API returns it. `owner` is shown to machines only (they list everyone's). */
export interface Item {
  id: string;
  title: string;
  done: boolean;
  createdAt: string;
  owner?: string;
}

/** The stored record: the item plus its partition key. */
export interface ItemRecord {
  owner: string;
  id: string;
  title: string;
  done: boolean;
  createdAt: string;
}

/** `POST /items` body. Unknown keys (an `owner`, say) are rejected, not ignored. */
export const newItemSchema = z.strictObject({
  title: z
    .string('"title" must be a string')
    .check(z.trim(), z.minLength(1, '"title" must not be empty'), z.maxLength(200, '"title" must be at most 200 characters')),
  done: z.optional(z.boolean('"done" must be a boolean')),
});

export type NewItem = z.output<typeof newItemSchema>;

/** Field errors by field name (first message per field), for a 400's details. */
export function fieldErrors(error: z.core.$ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) fields[key] ??= `Unknown field "${key}"`;
      continue;
    }
    const name = issue.path.map(String).join(".") || "(body)";
    fields[name] ??= issue.message;
  }
  return fields;
}

/** Hides the partition key unless the caller may see other owners' items. */
export function toItem(record: ItemRecord, withOwner: boolean): Item {
  const item: Item = { id: record.id, title: record.title, done: record.done, createdAt: record.createdAt };
  if (withOwner) item.owner = record.owner;
  return item;
}
