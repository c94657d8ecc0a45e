import { mutationSuite } from "./suite.ts";

mutationSuite(1);
