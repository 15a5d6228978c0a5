switch (pid) {
  case 1: break;
  case 1: break;
}
