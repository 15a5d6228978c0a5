/** The running kernel's build options, from /proc/config.gz (or /boot/config-<release>). */
import { existsSync, readFileSync } from "node:fs";
import { release } from "node:os";
import { gunzipSync } from "node:zlib";

let text: string | undefined;

/** Whether the running kernel was built with `option` ("CONFIG_NET_ACT_BPF") as built-in or module; undefined when its config is unreadable. */
export function kernelConfigHas(option: string): boolean | undefined {
  if (text === undefined) {
    if (existsSync("/proc/config.gz")) text = gunzipSync(readFileSync("/proc/config.gz")).toString("utf8");
    else if (existsSync(`/boot/config-${release()}`)) text = readFileSync(`/boot/config-${release()}`, "utf8");
    else return undefined;
  }
  return new RegExp(`^${option}=[ym]$`, "m").test(text);
}
