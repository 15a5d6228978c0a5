this.limit = 5;
