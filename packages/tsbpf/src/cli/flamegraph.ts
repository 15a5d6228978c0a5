/**
 * `--flamegraph out.svg`: folded stacks drawn as an interactive SVG flame graph, in the manner of
 * Brendan Gregg's flamegraph.pl: one box per frame, as wide as its share of the samples, callers
 * below callees, siblings in alphabetical order (so that x means nothing but width); kernel frames
 * ("_[k]") in orange, user frames in warm colours by name. In a browser, hovering shows a frame's
 * name, samples and share; clicking zooms into it (its callers dimmed), "Reset Zoom" goes back,
 * and "Search" highlights the frames a regular expression matches with the share they make up.
 * Every frame's group carries its name, samples and depth as data attributes, for tools and tests.
 */

interface Node {
  name: string;
  count: bigint;
  children: Map<string, Node>;
}

const WIDTH = 1200;
const FRAME_HEIGHT = 16;
const FONT_SIZE = 12;
const PAD_TOP = FONT_SIZE * 3;
const PAD_BOTTOM = FONT_SIZE * 2 + 10;
const PAD_SIDE = 10;
/** Frames narrower than this many pixels are left out, as flamegraph.pl's --minwidth. */
const MIN_WIDTH = 0.1;
const CHAR_WIDTH = FONT_SIZE * 0.59;

function tree(stacks: ReadonlyMap<string, bigint>): Node {
  const root: Node = { name: "all", count: 0n, children: new Map() };
  for (const [line, count] of stacks) {
    root.count += count;
    let node = root;
    for (const name of line.split(";")) {
      if (name === "") continue;
      let child = node.children.get(name);
      if (!child) node.children.set(name, (child = { name, count: 0n, children: new Map() }));
      child.count += count;
      node = child;
    }
  }
  return root;
}

function depthOf(node: Node): number {
  let max = 0;
  for (const child of node.children.values()) max = Math.max(max, depthOf(child) + 1);
  return max;
}

/** A stable warm colour from a name (flamegraph.pl's "hot" palette); orange for kernel frames. */
function colour(name: string): string {
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) >>> 0;
  const v1 = (hash % 1000) / 1000;
  const v2 = ((hash >>> 10) % 1000) / 1000;
  if (name.endsWith("_[k]")) return `rgb(${230 + Math.round(25 * v1)},${110 + Math.round(50 * v2)},${30 + Math.round(20 * v1)})`;
  if (name === "[unknown]" || /^\[.*\]$/.test(name)) return "rgb(180,180,180)";
  return `rgb(${205 + Math.round(50 * v1)},${Math.round(230 * v2)},${Math.round(55 * v1)})`;
}

const escapeXml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function fit(name: string, width: number): string {
  const chars = Math.floor(width / CHAR_WIDTH);
  if (chars < 3) return "";
  return name.length <= chars ? name : `${name.slice(0, chars - 2)}..`;
}

const script = `
var W = ${WIDTH - 2 * PAD_SIDE}, P = ${PAD_SIDE}, CW = ${CHAR_WIDTH};
var frames = Array.prototype.slice.call(document.querySelectorAll("g.frame"));
var details = document.getElementById("details"), unzoom = document.getElementById("unzoom"), matched = document.getElementById("matched");
function num(g, k) { return parseFloat(g.getAttribute("data-" + k)); }
function fit(name, w) { var n = Math.floor(w / CW); return n < 3 ? "" : name.length <= n ? name : name.slice(0, n - 2) + ".."; }
function place(g, x, w) {
  var r = g.querySelector("rect"), t = g.querySelector("text");
  r.setAttribute("x", x); r.setAttribute("width", Math.max(0, w));
  t.setAttribute("x", x + 3); t.textContent = fit(g.getAttribute("data-name"), w);
}
function zoom(target) {
  var x0 = num(target, "start"), w0 = num(target, "samples"), d0 = num(target, "depth");
  frames.forEach(function (g) {
    var x = num(g, "start"), w = num(g, "samples"), d = num(g, "depth");
    g.style.display = ""; g.style.opacity = "";
    if (d >= d0 && x >= x0 && x + w <= x0 + w0) place(g, P + (x - x0) / w0 * W, w / w0 * W);
    else if (d < d0 && x <= x0 && x + w >= x0 + w0) { place(g, P, W); g.style.opacity = "0.5"; }
    else g.style.display = "none";
  });
  unzoom.style.opacity = "1";
}
function reset() {
  var total = num(frames[0], "samples");
  frames.forEach(function (g) { g.style.display = ""; g.style.opacity = ""; place(g, P + num(g, "start") / total * W, num(g, "samples") / total * W); });
  unzoom.style.opacity = "0";
}
function search() {
  var term = prompt("Search for (a regular expression):", "");
  frames.forEach(function (g) { g.querySelector("rect").setAttribute("fill", g.getAttribute("data-fill")); });
  if (!term) { matched.textContent = ""; return; }
  var re = new RegExp(term), total = num(frames[0], "samples"), spans = [];
  frames.forEach(function (g) {
    if (!re.test(g.getAttribute("data-name"))) return;
    g.querySelector("rect").setAttribute("fill", "rgb(230,0,230)");
    spans.push([num(g, "start"), num(g, "start") + num(g, "samples")]);
  });
  spans.sort(function (a, b) { return a[0] - b[0]; });
  var sum = 0, end = -1;
  spans.forEach(function (s) { if (s[0] >= end) { sum += s[1] - s[0]; end = s[1]; } else if (s[1] > end) { sum += s[1] - end; end = s[1]; } });
  matched.textContent = "Matched: " + (100 * sum / total).toFixed(2) + "%";
}
frames.forEach(function (g) {
  g.addEventListener("click", function () { zoom(g); });
  g.addEventListener("mouseover", function () { details.textContent = g.querySelector("title").textContent; });
  g.addEventListener("mouseout", function () { details.textContent = " "; });
});
unzoom.addEventListener("click", reset);
document.getElementById("search").addEventListener("click", search);
`;

/** The SVG document of a flame graph of `stacks` (folded stack → count). */
export function flameGraphSvg(stacks: ReadonlyMap<string, bigint>, title = "Flame Graph"): string {
  const root = tree(stacks);
  const depth = depthOf(root) + 1;
  const height = PAD_TOP + depth * FRAME_HEIGHT + PAD_BOTTOM;
  const usable = WIDTH - 2 * PAD_SIDE;
  const total = root.count;
  const groups: string[] = [];
  const draw = (node: Node, start: bigint, level: number) => {
    const width = total === 0n ? 0 : (Number(node.count) / Number(total)) * usable;
    if (width < MIN_WIDTH) return;
    const x = PAD_SIDE + (total === 0n ? 0 : (Number(start) / Number(total)) * usable);
    const y = height - PAD_BOTTOM - (level + 1) * FRAME_HEIGHT;
    const share = total === 0n ? 0 : (Number(node.count) * 100) / Number(total);
    const fill = level === 0 ? "rgb(230,160,60)" : colour(node.name);
    const name = escapeXml(node.name);
    groups.push(
      `<g class="frame" data-name="${name}" data-samples="${node.count}" data-start="${start}" data-depth="${level}" data-fill="${fill}">` +
        `<title>${name} (${node.count} samples, ${share.toFixed(2)}%)</title>` +
        `<rect x="${x.toFixed(2)}" y="${y}" width="${width.toFixed(2)}" height="${FRAME_HEIGHT - 1}" rx="2" fill="${fill}"/>` +
        `<text x="${(x + 3).toFixed(2)}" y="${y + FRAME_HEIGHT - 4}">${escapeXml(fit(node.name, width))}</text></g>`,
    );
    let at = start;
    for (const child of [...node.children.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      draw(child, at, level + 1);
      at += child.count;
    }
  };
  draw(root, 0n, 0);
  return `<?xml version="1.0" standalone="no"?>
<svg version="1.1" xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" data-samples="${total}">
<style>
text { font-family: Verdana, sans-serif; font-size: ${FONT_SIZE}px; fill: rgb(0,0,0); }
g.frame { cursor: pointer; }
g.frame:hover rect { stroke: rgb(0,0,0); stroke-width: 0.5; }
#title { font-size: ${FONT_SIZE + 5}px; }
#unzoom, #search { cursor: pointer; }
</style>
<rect x="0" y="0" width="${WIDTH}" height="${height}" fill="rgb(248,248,240)"/>
<text id="title" x="${WIDTH / 2}" y="${FONT_SIZE * 2}" text-anchor="middle">${escapeXml(title)}</text>
<text id="unzoom" x="${PAD_SIDE}" y="${FONT_SIZE * 2}" style="opacity:0">Reset Zoom</text>
<text id="search" x="${WIDTH - PAD_SIDE}" y="${FONT_SIZE * 2}" text-anchor="end">Search</text>
<text id="matched" x="${WIDTH - PAD_SIDE}" y="${height - FONT_SIZE / 2}" text-anchor="end"></text>
<text id="details" x="${PAD_SIDE}" y="${height - FONT_SIZE / 2}"> </text>
${groups.join("\n")}
<script type="text/ecmascript"><![CDATA[${script}]]></script>
</svg>
`;
}
