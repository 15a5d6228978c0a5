// Shard 1 of the bounded random-program run (see random.test-support.ts).
import { describeRandomShard } from "./random.test-support.js";

describeRandomShard(0, 2);
