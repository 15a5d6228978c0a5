const m = this.counts;
