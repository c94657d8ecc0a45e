export type { ApiConfig } from "./config.ts";
export { loadApiConfig } from "./config.ts";
export type { ApiDeps, ApiHandler } from "./handler/api-handler.ts";
export { createApiHandler } from "./handler/api-handler.ts";
export type { Item, ItemRecord } from "./items/item.ts";
export type { ItemList } from "./items/item-routes.ts";
export type { ItemPage, ItemsStore } from "./items/items-store.ts";
export { createItemsStore } from "./items/items-store.ts";
export type { Principal } from "./principal/principal.ts";
