console.log(pid);
