const p = this.counts.lookup(pid);
if (!p) return 0;
const { value } = p;
