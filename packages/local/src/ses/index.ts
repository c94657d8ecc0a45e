export { parseCodeEmail } from "./code-email.ts";
export type { LocalSes, StartSesOptions } from "./start-ses.ts";
export { startSes } from "./start-ses.ts";
