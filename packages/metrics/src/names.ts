/**
 * Metric and label names as Prometheus and OpenTelemetry accept them: `[a-zA-Z_:][a-zA-Z0-9_:]*`
 * for metrics, `[a-zA-Z_][a-zA-Z0-9_]*` for labels (names beginning `__` are reserved), written
 * in snake case as both ecosystems' conventions ask (a probe's `bytesByCommFd` becomes
 * `bytes_by_comm_fd`).
 */

/** camelCase and anything outside the allowed characters to snake case. */
export function snakeCase(name: string): string {
  const snake = name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9_]/g, "_")
    .toLowerCase();
  return /^[0-9]/.test(snake) ? `_${snake}` : snake;
}

/** A metric's name: the prefix, the map's name in snake case, the unit, and `_total` for counters. */
export function metricName(prefix: string, map: string, unit: string | undefined, counter: boolean): string {
  let name = `${prefix}${snakeCase(map)}`;
  if (unit && !name.endsWith(`_${unit}`)) name += `_${snakeCase(unit)}`;
  if (counter && !name.endsWith("_total")) name += "_total";
  return name;
}

/** Label names a histogram or summary uses itself, and the reserved `__` prefix: a key field so named gets `key_` before it. */
const RESERVED = new Set(["le", "quantile"]);

export function labelName(field: string): string {
  const name = snakeCase(field);
  return RESERVED.has(name) || name.startsWith("__") ? `key_${name}` : name;
}
