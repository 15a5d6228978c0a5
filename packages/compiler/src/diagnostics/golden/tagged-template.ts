const raw = String.raw`x`;
