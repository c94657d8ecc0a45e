export { loadBffConfig } from "./config.ts";
export type { BffConfig } from "./config.ts";
export { createBffHandler } from "./handler.ts";
export type { BffDeps, BffHandler } from "./handler.ts";
export { createFiles, createFileStorage, loadFilesConfig } from "./files/index.ts";
export type { FileCredentials, Files, FilesConfig, FileStorage } from "./files/index.ts";
