/** The tsbpf plugin for esbuild: `plugins: [tsbpf()]`. */
import { unplugin } from "./plugin.js";

export default unplugin.esbuild;
