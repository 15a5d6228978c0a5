const p = this.counts.lookup(pid);
const q = this.counts.lookup(1);
if (p && q && p < q) return 1;
