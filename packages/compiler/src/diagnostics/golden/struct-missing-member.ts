const e: Event = { pid };
