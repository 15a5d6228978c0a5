// A method past TypeScript's control-flow limit: tsc checks it without flow analysis and reports
// no TS2454 there; tsbpf's own pass does ('late' on every path, 'some' on the paths where pid is not 5).
let late: u32;
let some: u32;
let set: u32;
if (pid === 5) some = 1;
set = 2;
// @repeat 2100 if (pid === $i + 10) return 0;
const sum: u32 = late + some + set;
if (sum === 3) return 1;
late = 3;
