/** The tsbpf plugin for vite: `plugins: [tsbpf()]`. */
import { unplugin } from "./plugin.js";

export default unplugin.vite;
