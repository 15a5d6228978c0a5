const what: unknown = pid;
