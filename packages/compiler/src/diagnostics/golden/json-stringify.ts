const s = JSON.stringify(pid);
