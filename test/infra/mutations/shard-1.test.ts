import { mutationSuite } from "./suite.ts";

mutationSuite(0);
