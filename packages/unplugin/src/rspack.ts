/** The tsbpf plugin for rspack: `plugins: [tsbpf()]`. */
import { unplugin } from "./plugin.js";

export default unplugin.rspack;
