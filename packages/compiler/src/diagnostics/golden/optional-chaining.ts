const v = this.counts.lookup(pid)?.value;
