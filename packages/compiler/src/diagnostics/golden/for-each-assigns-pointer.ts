let last = this.counts.lookup(0);
this.counts.forEach((key, value) => {
  last = value;
});
