/** The tsbpf plugin for rolldown: `plugins: [tsbpf()]`. */
import { unplugin } from "./plugin.js";

export default unplugin.rolldown;
