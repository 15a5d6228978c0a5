/**
 * The conversions of a `bpf_trace_printk` format, checked at compile time as the kernel checks
 * them at run time (bpf_bprintf_prepare): at most three, from the set it accepts.
 */

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
  if (conversions.length > 3) {
    return { ok: false, index: conversions[3]!.index, message: "bpf_trace_printk takes at most three conversions" };
  }
  return { ok: true, conversions };
}
