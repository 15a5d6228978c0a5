const p = this.counts.lookup(pid);
const v = p ?? p;
