export type { BffConfig } from "./config.ts";
export { loadBffConfig } from "./config.ts";
export type { FileCredentials, FileStorage, Files, FilesConfig } from "./files/index.ts";
export { createFileStorage, createFiles, loadFilesConfig } from "./files/index.ts";
export type { BffDeps, BffHandler } from "./handler.ts";
export { createBffHandler } from "./handler.ts";
