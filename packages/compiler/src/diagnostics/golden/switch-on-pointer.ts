const p = this.counts.lookup(pid);
switch (p) { case null: break; }
