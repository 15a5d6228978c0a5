const self = this;
