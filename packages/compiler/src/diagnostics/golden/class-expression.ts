const Local = class {};
