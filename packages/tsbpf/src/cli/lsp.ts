/**
 * `tsbpf lsp`: the language server (@tsbpf/ts-plugin/lsp) on stdin and stdout, for editors that
 * run language servers (docs/editor.md). It runs until the client sends `exit`.
 */
export async function lsp(): Promise<void> {
  const { startLanguageServer } = await import("@tsbpf/ts-plugin/lsp");
  startLanguageServer(process.stdin, process.stdout);
}
