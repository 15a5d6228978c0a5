switch (pid) { case pid: break; }
