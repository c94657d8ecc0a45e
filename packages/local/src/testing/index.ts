export type { Answer, BrowserOptions, BrowserRequest } from "./browser.ts";
export { Browser, formAction } from "./browser.ts";
