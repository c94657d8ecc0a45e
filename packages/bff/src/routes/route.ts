import type { HttpRoute } from "@spa-bff/core/http";
import type { BffRequest } from "../http/request.ts";

/** One BFF route: method, path template (@middy/http-router syntax) and what answers. */
export type BffRoute = HttpRoute<BffRequest>;
