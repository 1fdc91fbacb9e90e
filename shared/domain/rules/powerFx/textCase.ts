/**
 * Case mapping as .NET's TextInfo does it, which Power Fx's Upper and Lower and ordinal-ignore-case
 * comparisons use: each character is mapped on its own (simple case mapping). A character whose full
 * mapping is longer (ß → SS, İ → i̇) stays as it is, so lengths never change, and no context applies
 * (a final Σ lowers to σ, not ς), unlike JavaScript's toUpperCase/toLowerCase on a whole text.
 *
 * Each character is looked up in a table built once from JavaScript's own mapping of that character
 * alone, so the cost per character is the same whatever the text holds: a regular expression that split
 * the text into runs of exceptions cost up to a microsecond per character on mixed texts such as "ßaßa…".
 */
type CaseMap = (s: string) => string;

/** Characters of the Basic Multilingual Plane, and of the Supplementary Multilingual Plane (Deseret, Adlam, …). */
const PLANE = 0x10000;
/** Unicode has no cased letters beyond plane 1 (the test checks it against the runtime's tables). */
const LAST_CASED_PLANE = 1;
/** Mapped code units (or code points − 0x10000) by code unit (or code point − 0x10000): one plane. */
type PlaneTable = Uint16Array;

/**
 * The mapping of every character of a plane, each on its own: all of them joined by U+0000 (which no
 * mapping produces or looks at) and mapped in one call, then split again.
 */
function planeTable(map: CaseMap, plane: number): PlaneTable {
  const base = plane * PLANE;
  const table = new Uint16Array(PLANE);
  const characters = new Array<string>(PLANE);
  for (let code = 0; code < PLANE; code++) {
    const point = base + code;
    characters[code] = point === 0 || (point >= 0xd800 && point <= 0xdfff) ? '' : String.fromCodePoint(point);
  }
  const mapped = map(characters.join('\0')).split('\0');
  for (let code = 0; code < PLANE; code++) {
    const to = mapped[code] ?? '';
    const point = to.codePointAt(0) ?? -1;
    // A mapping that grows, or leaves the plane, keeps the character as it is.
    const single = to.length === (plane === 0 ? 1 : 2) && point >= base && point < base + PLANE;
    table[code] = single ? point - base : code;
  }
  return table;
}

/** Writes one UTF-16 code unit, little-endian whatever the platform, as Node's `utf16le` decoding reads it. */
function put(out: Uint8Array, i: number, unit: number): void {
  out[2 * i] = unit & 0xff;
  out[2 * i + 1] = unit >> 8;
}

function mapText(s: string, tables: { bmp: PlaneTable; smp: () => PlaneTable }): string {
  const out = new Uint8Array(2 * s.length);
  const { bmp } = tables;
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdbff || i + 1 >= s.length) {
      put(out, i, bmp[unit] as number);
      continue;
    }
    const low = s.charCodeAt(i + 1);
    if (low < 0xdc00 || low > 0xdfff) {
      put(out, i, unit); // a lone surrogate stays as it is
      continue;
    }
    const point = ((unit - 0xd800) << 10) + (low - 0xdc00) + PLANE;
    const mapped = point < 2 * PLANE ? (tables.smp()[point - PLANE] as number) + PLANE : point;
    put(out, i, ((mapped - PLANE) >> 10) + 0xd800);
    put(out, i + 1, ((mapped - PLANE) & 0x3ff) + 0xdc00);
    i++;
  }
  // Node's UTF-16 decoding keeps lone surrogates (TextDecoder would replace them), so every unit round-trips.
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength).toString('utf16le');
}

function characterByCharacter(map: CaseMap): CaseMap {
  // Built on first use, not when the module loads; plane 1 only when a text has a character there.
  let bmp: PlaneTable | undefined;
  let smp: PlaneTable | undefined;
  const smpTable = () => (smp ??= planeTable(map, LAST_CASED_PLANE));
  return (s) => mapText(s, { bmp: (bmp ??= planeTable(map, 0)), smp: smpTable });
}

export const upperCase = characterByCharacter((s) => s.toUpperCase());

export const lowerCase = characterByCharacter((s) => s.toLowerCase());

/** The form two texts are compared in when case is ignored (`in`, StartsWith, EndsWith). */
export const foldCase = upperCase;
