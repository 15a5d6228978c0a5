const nothing = void pid;
