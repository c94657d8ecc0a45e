/** The part of dynalite's API (it ships no type declarations) that the local platform uses. */
declare module "dynalite" {
  import type { Server } from "node:http";

  export interface DynaliteOptions {
    /** LevelDB folder; in memory when left out. */
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
    verbose?: boolean;
    debug?: boolean;
  }

  /**
   * An http.Server speaking the DynamoDB API. Its `close()` also closes the
   * store, and a later `listen()` reopens it.
   */
  export default function dynalite(options?: DynaliteOptions): Server;
}
