/**
 * The TypeScript language service plugin: tsserver (TypeScript 5 and 6, and the editors built on
 * it: VS Code with the workspace's TypeScript, WebStorm, typescript-language-server and vtsls in
 * Neovim, Emacs, Sublime) loads it from a tsconfig's `"plugins": [{ "name": "@tsbpf/ts-plugin" }]`
 * and asks it, beside TypeScript's own, for the semantic diagnostics and code fixes of each file.
 * To probe files it adds tsbpf's diagnostics (source "tsbpf", code the TSBPF number) and the quick
 * fixes of fixes.ts.
 *
 * A CommonJS module because tsserver `require`s plugins; the rest is ESM, required here (Node
 * 20.19 and 22.12 load ES modules with require). Never breaks the editor: when the compiler cannot
 * be loaded or fails, the failure goes to tsserver's log (`[tsbpf]`) and TypeScript's own answers
 * stand.
 */
import type * as TS from "typescript";
import type { EditorDiagnostic, ProbeService, QuickFix } from "./service.js";

type Service = typeof import("./service.js");

/** The codes of tsbpf's diagnostics that have fixes, and tsc's ones we add fixes to. */
const FIXED_CODES = ["3002", "2304", "2552", "2322", "2345"];

function init(modules: { typescript: typeof TS }): TS.server.PluginModule {
  const ts = modules.typescript;

  function create(info: TS.server.PluginCreateInfo): TS.LanguageService {
    const log = (message: string) => info.project.projectService.logger.info(`[tsbpf] ${message}`);
    let service: ProbeService | undefined;
    let isProbeSource: Service["isProbeSource"] = () => false;
    const ready = (loaded: Service) => {
      service = new loaded.ProbeService(log);
      isProbeSource = loaded.isProbeSource;
    };
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      ready(require("./service.js") as Service);
    } catch (error) {
      if ((error as { code?: string }).code !== "ERR_REQUIRE_ESM") {
        log(`not active: the tsbpf compiler could not be loaded (${(error as Error).stack ?? String(error)})`);
        return info.languageService;
      }
      // A Node without require(esm) (before 20.19 and 22.12): loaded asynchronously, then tsserver
      // is asked to refresh the diagnostics it has published without tsbpf's.
      import("./service.js").then((loaded: Service) => {
        ready(loaded);
        info.project.refreshDiagnostics();
      }, (failure: unknown) => log(`not active: the tsbpf compiler could not be loaded (${String(failure)})`));
    }
    const ls = info.languageService;
    const proxy = Object.create(null) as TS.LanguageService;
    for (const key of Object.keys(ls) as (keyof TS.LanguageService)[]) {
      const member = ls[key];
      (proxy as unknown as Record<string, unknown>)[key] = typeof member === "function" ? (...args: unknown[]) => (member as (...a: unknown[]) => unknown).apply(ls, args) : member;
    }

    /** The text the language service holds for the file (the editor's buffer, saved or not). */
    const textOf = (fileName: string): string | undefined => ls.getProgram()?.getSourceFile(fileName)?.text;

    const toTs = (file: TS.SourceFile, d: EditorDiagnostic): TS.Diagnostic => ({
      file,
      start: d.start,
      length: d.length,
      category: d.category === "error" ? ts.DiagnosticCategory.Error : ts.DiagnosticCategory.Warning,
      code: d.code,
      source: "tsbpf",
      messageText: d.hint === undefined
        ? `TSBPF${d.code}: ${d.message}`
        : { messageText: `TSBPF${d.code}: ${d.message}`, category: ts.DiagnosticCategory.Message, code: d.code, next: [{ messageText: `hint: ${d.hint}`, category: ts.DiagnosticCategory.Message, code: d.code }] },
    });

    proxy.getSemanticDiagnostics = (fileName) => {
      const prior = ls.getSemanticDiagnostics(fileName);
      try {
        const file = ls.getProgram()?.getSourceFile(fileName);
        if (!service || !file || !isProbeSource(file.text)) return prior;
        const check = service.check(fileName, file.text);
        if (check.milliseconds > 0) log(`${fileName}: ${check.diagnostics.length} diagnostics in ${check.milliseconds.toFixed(0)} ms`);
        // tsc's own are the language service's already.
        return [...prior, ...check.diagnostics.filter((d) => d.source === "tsbpf").map((d) => toTs(file, d))];
      } catch (error) {
        log(`diagnostics of ${fileName} failed: ${(error as Error).stack ?? String(error)}`);
        return prior;
      }
    };

    proxy.getCodeFixesAtPosition = (fileName, start, end, errorCodes, formatOptions, preferences) => {
      const prior = ls.getCodeFixesAtPosition(fileName, start, end, errorCodes, formatOptions, preferences);
      try {
        const text = textOf(fileName);
        if (!service || text === undefined || !isProbeSource(text)) return prior;
        const codes = new Set(errorCodes);
        // tsc's diagnostics of the range, as this language service reports them, for the fixes on tsc's codes.
        const tsc: EditorDiagnostic[] = ls.getSemanticDiagnostics(fileName)
          .filter((d) => d.source !== "tsbpf" && d.start !== undefined && codes.has(d.code))
          .map((d) => ({ code: d.code, category: "error", message: ts.flattenDiagnosticMessageText(d.messageText, "\n"), source: "tsc", start: d.start!, length: d.length ?? 0 }));
        const ours = service.fixes(fileName, text, start, end, tsc).filter((f: QuickFix) => codes.has(f.diagnostic.code));
        return [...prior, ...ours.map((f): TS.CodeFixAction => ({
          fixName: f.fixName,
          description: f.title,
          changes: [{ fileName, textChanges: f.edits.map((e) => ({ span: { start: e.start, length: e.length }, newText: e.newText })) }],
        }))];
      } catch (error) {
        log(`code fixes for ${fileName} failed: ${(error as Error).stack ?? String(error)}`);
        return prior;
      }
    };

    proxy.getSupportedCodeFixes = (fileName?: string) => [...new Set([...ls.getSupportedCodeFixes(fileName), ...FIXED_CODES])];

    log("active: tsbpf diagnostics for probe files");
    return proxy;
  }

  return { create };
}

export = init;
