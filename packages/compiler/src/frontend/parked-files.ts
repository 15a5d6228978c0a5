/**
 * Parsed declaration files a project set aside, for putting back without parsing them again.
 *
 * A generated vmlinux slice leaves a project when a probe that does not import it is checked
 * (vmlinux-slices.ts: its kernel types would otherwise be declared to that probe too), and comes
 * back with the next probe that imports it. In the editor that is every switch between a CO-RE
 * probe and another: parsing and binding the slice again was most of the ~300 ms the first edit
 * after a switch took. Parked, the slice's syntax tree (bound already: tsc binds a file once and
 * keeps the result on its nodes, as it does for lib files shared by successive programs) is handed
 * back to the project as it was, and is out of every program in between.
 */
import type { Project, ts } from "ts-morph";

/** By project, by path: the syntax tree last parsed there. */
const parked = new WeakMap<Project, Map<string, ts.SourceFile>>();

/** Keeps a file's syntax tree before it leaves the project (the caller removes it). */
export function park(project: Project, path: string, node: ts.SourceFile): void {
  let files = parked.get(project);
  if (!files) parked.set(project, (files = new Map()));
  files.set(path, node);
}

/**
 * Puts a parked file back into the project if its text is still `text`, without parsing it.
 * Returns whether it did; otherwise the program reads (and parses) the file as usual.
 *
 * ts-morph has no public way to add an existing syntax tree: its compiler factory's
 * `getSourceFile(node, options)` (ts-morph 28) does it, and is what its own host uses for files it
 * parsed. Where that is missing (another ts-morph), this answers false: slower, still correct.
 */
export function unpark(project: Project, path: string, text: string | undefined): boolean {
  const node = parked.get(project)?.get(path);
  if (!node || text === undefined || node.text !== text) return false;
  const factory = (project as unknown as { _context?: { compilerFactory?: { getSourceFile?: unknown } } })._context?.compilerFactory;
  if (typeof factory?.getSourceFile !== "function") return false;
  (factory.getSourceFile as (node: ts.SourceFile, options: { markInProject: boolean }) => unknown).call(factory, node, { markInProject: false });
  return project.getSourceFile(path)?.compilerNode === node;
}
