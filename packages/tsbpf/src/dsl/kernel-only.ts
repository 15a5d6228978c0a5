/** Thrown when code meant for the kernel is called in user space. */
export class KernelOnlyError extends Error {
  constructor(what: string) {
    super(
      `tsbpf: ${what} runs only inside the kernel. Probe methods are compiled to BPF by tsbpf; ` +
        `load the class with load() and talk to it through its map handles instead of calling it.`,
    );
    this.name = "KernelOnlyError";
  }
}

/** Builds an object whose every method throws `KernelOnlyError` when called in user space. */
export function kernelOnly<T extends object>(owner: string): T {
  return new Proxy({} as T, {
    get(_target, property) {
      if (typeof property === "symbol") return undefined;
      return () => {
        throw new KernelOnlyError(`${owner}.${property}()`);
      };
    },
  });
}
