this.counts.forEach(function (key, value) {
  return 0;
});
