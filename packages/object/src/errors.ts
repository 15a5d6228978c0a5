/**
 * Errors of the object layer. Malformed input is a user-facing condition (a truncated `.o`, a
 * foreign toolchain's quirk), so it gets a typed error naming the section and the defect instead
 * of a RangeError from deep inside a DataView.
 */

/** Bytes that are not a well-formed BPF ELF object, `.BTF` or `.BTF.ext` blob. */
export class ObjectFormatError extends Error {
  override name = "ObjectFormatError";
  /** The ELF section (or blob: ".BTF", ".BTF.ext") where the defect was found. */
  readonly section: string;

  constructor(section: string, message: string) {
    super(`${section}: ${message}`);
    this.section = section;
  }
}

/** An `ObjectSpec` (or BTF model) that cannot be serialised as given, e.g. a map without a `.maps` variable. */
export class ObjectSpecError extends Error {
  override name = "ObjectSpecError";
}
