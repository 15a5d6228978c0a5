const n = this.counts.forEach((key, value) => {
  value.value += u64(ctx.args[0]);
});
