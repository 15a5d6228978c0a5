const o: Event = zero();
delete o.pid;
