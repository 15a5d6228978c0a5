const p = this.counts.lookup(pid);
if (!p) return 0;
const q = p + 1;
