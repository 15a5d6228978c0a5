const none = 0;
const r = pid % none;
