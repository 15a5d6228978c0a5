/**
 * The conversions of a `bpf_trace_printk` format, checked at compile time as the kernel checks
 * them at run time (bpf_bprintf_prepare): at most twelve (MAX_BPRINTF_VARARGS; more than three
 * go through bpf_trace_vprintk, as libbpf's bpf_printk does), from the set it accepts.
 */

/** bpf_trace_printk's register arguments hold three values; bpf_trace_vprintk takes an array of up to twelve. */
export const PRINTK_REGISTER_ARGS = 3;
export const PRINTK_MAX_ARGS = 12;

export interface PrintkConversion {
  /** The whole conversion, e.g. "%llu". */
  text: string;
  /** The conversion character: d i u x X s p c. */
  conversion: string;
  /** Position in the format string. */
  index: number;
}

export type FormatResult = { ok: true; conversions: PrintkConversion[] } | { ok: false; message: string; index: number };

const CONVERSION = /%([-+ #0]*)(\d*)(ll|l|h|hh|z)?([diuxXspc%])/y;

export function parsePrintkFormat(format: string): FormatResult {
  const conversions: PrintkConversion[] = [];
  for (let i = 0; i < format.length; i++) {
    if (format[i] !== "%") continue;
    CONVERSION.lastIndex = i;
    const match = CONVERSION.exec(format);
    if (!match) {
      return { ok: false, index: i, message: `unsupported conversion '${format.slice(i, i + 3)}' in the printk format` };
    }
    const conversion = match[4]!;
    if (conversion !== "%") conversions.push({ text: match[0], conversion, index: i });
    i += match[0].length - 1;
  }
  if (conversions.length > PRINTK_MAX_ARGS) {
    return { ok: false, index: conversions[PRINTK_MAX_ARGS]!.index, message: `bpf_printk takes at most ${PRINTK_MAX_ARGS} conversions (the kernel's MAX_BPRINTF_VARARGS)` };
  }
  return { ok: true, conversions };
}
