const when = new Date();
