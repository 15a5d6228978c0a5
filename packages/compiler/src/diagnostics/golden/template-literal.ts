const text = `pid ${pid}`;
