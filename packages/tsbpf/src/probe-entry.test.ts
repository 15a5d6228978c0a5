// The compiler's view of tsbpf (probe.ts, the "tsbpf-probe" condition) exports exactly the names
// the package's own entry (index.ts) does: a probe file that imports a user-space name compiles
// under both, and one that imports a name neither has fails under both.
import { Project } from "ts-morph";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

function exportedNames(file: string): string[] {
  const project = new Project({ skipAddingFilesFromTsConfig: true, compilerOptions: { strict: true } });
  const source = project.addSourceFileAtPath(fileURLToPath(new URL(file, import.meta.url)));
  project.resolveSourceFileDependencies();
  return [...source.getExportedDeclarations().keys()].sort();
}

it("probe.ts exports the names index.ts exports", () => {
  const names = exportedNames("./index.ts");
  expect(names.length).toBeGreaterThan(100);
  expect(exportedNames("./probe.ts")).toEqual(names);
});
