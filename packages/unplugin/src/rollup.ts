/** The tsbpf plugin for rollup: `plugins: [tsbpf()]`. */
import { unplugin } from "./plugin.js";

export default unplugin.rollup;
