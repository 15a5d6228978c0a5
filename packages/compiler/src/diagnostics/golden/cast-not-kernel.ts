// @body
const e = bpf.core.cast<Event>(ctx.args[0]);
