const e: Event = zero();
const x = e.missing;
