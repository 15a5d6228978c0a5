const e: Event = { pid, comm: "a-name-much-longer-than-16" };
