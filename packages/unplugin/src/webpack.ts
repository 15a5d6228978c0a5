/** The tsbpf plugin for webpack: `plugins: [tsbpf()]`. */
import { unplugin } from "./plugin.js";

export default unplugin.webpack;
