if (pid === 7) { throw new Error("no"); }
