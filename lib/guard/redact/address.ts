/**
 * Street addresses. Three shapes cover the US/UK and most of the EU:
 * - number first, street type last: `1600 Pennsylvania Avenue NW`, `221B Main St., Apt 4`, `10 Downing Street`;
 * - one compound word then the number (German, Dutch, Nordic): `Hauptstraße 5`, `Keizersgracht 123`;
 * - street type first (French, Spanish, Italian, Portuguese): `Rue de Rivoli 12`, `12 rue de Rivoli`,
 *   `Calle Mayor 3`, `Via Roma 10`;
 * each optionally followed by a unit and a locality with a postal code (`Springfield, IL 62704`,
 * `London SW1A 2AA`, `10115 Berlin`, `1015 CJ Amsterdam`). Street names must be capitalised,
 * which keeps prose like "sent via email 2 times" out.
 */
import type { Detector, Finding } from './finding';

const WORD = String.raw`\p{Lu}[\p{L}'’\-]*\.?`;
const NAME_WORD = String.raw`(?:${WORD}|\d{1,3}(?:st|nd|rd|th))`;
/** `32 cm`, `100 ml`, `64 GB`: a quantity after a product name, not a house number. */
const NOT_A_UNIT = String.raw`(?!\s{0,2}(?:mm|cm|m|km|inch|ft|ml|cl|dl|l|g|kg|mg|oz|lbs?|pcs|pieces|pack|GB|TB|MB|mAh|Hz|x|%)(?![\p{L}\p{N}]))`;
const HOUSE_NUMBER = String.raw`\d{1,5}[A-Za-z]?(?:[\-/]\d{1,4}[A-Za-z]?)?${NOT_A_UNIT}`;
/** Street types (USPS Publication 28 suffixes and their common abbreviations, plus UK ones). */
const US_UK_TYPE = [
  'Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|Parkway|Pkwy|Highway|Hwy|Circle|Cir',
  'Square|Sq|Crescent|Close|Gardens|Grove|Mews|Trail|Trl|Plaza|Alley|Row|Hill|Walk|Parade|Embankment|Causeway|Landing|Crossing|Pike',
  'Ridge|Heights|Loop|Expressway|Freeway|Turnpike|Commons|Estates|Creek|Park|Valley|Village|Ville|Camp|Station|Summit|Shore|Shores',
  'Springs|Harbor|Junction|Meadow|Meadows|Mission|Oval|Glen|Point|Port|Run|Path|Pass|Knoll|Knolls|Manor|Fort|Ferry|Falls|Forge',
  'Green|Haven|Isle|Lake|Lakes|Mall|Mill|Mills|Orchard|Prairie|Ranch|Route|Spur|Trace|Tunnel|Underpass|Overpass|Union|Vista|Well|Wells',
  'Wharf|Quay|Hollow|Field|Fields|Flat|Flats|Plain|Plains|Rapids|Ramp|Radial|Pines|Key|Gateway|Divide|Dale|Dam|Curve|Corner|Corners',
  'Cove|Cliff|Cliffs|Burg|Brook|Brooks|Branch|Bluff|Bluffs|Bend|Beach|Bayou|Arcade|Annex|Extension|Cape|Center|Centre|Club|Common',
  'Crest|Mount|Mountain|Motorway|Lock|Locks|Lodge|Neck|Rest|Shoal|Skyway|Stravenue|Stream|Throughway|Trafficway|Viaduct|View|Views',
  'Fork|Forks|Ford|Fords|Garden|Grove|Harbour|Island|Islands|Light|Lights|Loaf|Mews|Motorway|Pointe|Ridge|Row|Squares|Sound',
].join('|');
/** The dot of `St.` belongs to the address; the full stop after `Street.` does not. */
const ABBREVIATION_DOT = String.raw`(?:(?<=\b(?:St|Ave|Rd|Blvd|Ln|Dr|Ct|Pl|Ter|Pkwy|Hwy|Cir|Sq|Trl))\.)?`;
const DIRECTION = String.raw`(?:\s{1,2}(?:NW|NE|SW|SE|N|S|E|W)\b\.?)?`;
const UNIT = String.raw`(?:,?\s{1,2}(?:(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|Room|Rm|Bldg)\.?\s{0,2}#?|#\s?)[A-Za-z0-9\-]{1,6})?`;
const CITY = String.raw`\p{Lu}[\p{L}'’\-]*(?:\s\p{Lu}[\p{L}'’\-]*){0,2}`;
const UK_POSTCODE = String.raw`[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}`;
const EU_POSTCODE = String.raw`(?:[A-Z]{1,2}-)?\d{4,5}(?:\s?[A-Z]{2}(?=\s))?`;
/** City with state + ZIP or a UK postcode; a postal code + city (EU); or just the city. */
const LOCALITY = String.raw`(?:,\s{0,2}${CITY}(?:,\s{0,2}|\s{1,2})(?:[A-Z]{2}\s{1,2}\d{5}(?:-\d{4})?|${UK_POSTCODE})(?![\p{L}\p{N}])|,?\s{1,2}${EU_POSTCODE}\s{1,2}${CITY}|,\s{0,2}${UK_POSTCODE}(?![\p{L}\p{N}])|,\s{0,2}${CITY})?`;

const NUMBER_FIRST = new RegExp(
  String.raw`(?<![\p{L}\p{N}_.,\-/])${HOUSE_NUMBER},?\s{1,3}(?:${NAME_WORD}\s{1,3}){1,4}(?:${US_UK_TYPE})\b${ABBREVIATION_DOT}${DIRECTION}${UNIT}${LOCALITY}`,
  'gu',
);

const COMPOUND_TYPE =
  'straße|strasse|str\\.|Str\\.|Straße|Strasse|weg|Weg|gasse|Gasse|platz|Platz|allee|Allee|damm|Damm|gracht|straat|laan|plein|kade|singel|steeg|dijk|vej|gatan|vägen|veien|gata';
const COMPOUND = new RegExp(
  String.raw`(?<![\p{L}\p{N}_])(?:\p{Lu}\p{Ll}+\s)?\p{Lu}[\p{L}\-]{1,40}\.?(?<=${COMPOUND_TYPE})\s{1,2}${HOUSE_NUMBER}(?![\p{L}\p{N}])${UNIT}${LOCALITY}`,
  'gu',
);

const ROMANCE_TYPE =
  'C/|Av\\.|Pza\\.|Passeig|Rambla|Avinguda|Travesía|Glorieta|Rue|Avenue|Boulevard|Bd|Place|Chemin|Allée|Impasse|Quai|Calle|Avenida|Avda\\.|Plaza|Paseo|Carrer|Camino|Ronda|Via|Viale|Piazza|Piazzale|Corso|Largo|Vicolo|Rua|Praça|Travessa';
const CONNECTOR = String.raw`(?:(?:de|del|de la|des|du|di|della|delle|dello|dei|degli|da|do|dos|das|la|le|les|el|los|las|dal|al)\s{1,2}|[lLdD]['’])`;
const ROMANCE_NAME = String.raw`${CONNECTOR}{0,2}\p{Lu}[\p{L}'’\-]*(?:\s{1,2}${CONNECTOR}{0,2}\p{Lu}[\p{L}'’\-]*){0,3}`;
/**
 * The types that are also English words start an address only when no capitalised word comes
 * right before them: `Fifth Avenue Handbag 32` and `Park Place Tee 2` are product names.
 */
const ENGLISH_TOO = new Set(['Avenue', 'Boulevard', 'Place', 'Plaza']);
const TYPE_FIRST_WORD = String.raw`(?:(?<!\p{Lu}\p{Ll}{0,20}\s)(?:${[...ENGLISH_TOO].join('|')})|${ROMANCE_TYPE.split('|').filter((t) => !ENGLISH_TOO.has(t)).join('|')})`;
const TYPE_FIRST = new RegExp(
  String.raw`(?<![\p{L}\p{N}_])${TYPE_FIRST_WORD}\s{1,2}${ROMANCE_NAME},?\s{1,2}${HOUSE_NUMBER}(?![\p{L}\p{N}])${UNIT}${LOCALITY}`,
  'gu',
);
const NUMBER_THEN_TYPE = new RegExp(
  String.raw`(?<![\p{L}\p{N}_.,\-/])\d{1,4}[A-Za-z]?(?:\s?(?:bis|ter))?,?\s{1,2}(?:${ROMANCE_TYPE}|rue|avenue|boulevard|place|chemin|allée|impasse|quai|calle|avenida|plaza|paseo|carrer|piazza|corso|viale|rua)\s{1,2}${ROMANCE_NAME}${LOCALITY}`,
  'gu',
);
const PO_BOX = /(?<![\p{L}\p{N}_])P\.?\s?O\.?\s?Box\s{1,2}\d{1,6}(?![\p{L}\p{N}])/gu;

const SHAPES = [NUMBER_FIRST, COMPOUND, TYPE_FIRST, NUMBER_THEN_TYPE, PO_BOX];

/**
 * Which shapes can match, read off the text's whitespace (found by native search: a regex gate
 * tries every digit or every position, about 1 ns a character; the shapes' leading lookbehinds
 * cost more). Every shape but the PO box holds whitespace (`\s`, the characters of WHITESPACE):
 * - right after a house number `\d[A-Za-z]?`, perhaps then `bis`/`ter` (`12 bis`, `12ter`) and a comma;
 * - or right before `\s?\d`, after a compound type (two-letter endings below) or after a
 *   capitalised name word `\p{Lu}[\p{L}'’\-]*` and perhaps a comma (TYPE_FIRST's name before its number).
 */
interface OpenShapes {
  /** NUMBER_FIRST and NUMBER_THEN_TYPE: whitespace right after a house number. */
  numberFirst: boolean;
  /**
   * Where those two shapes can start: each digit up to 13 characters before such whitespace
   * (their house number and comma are at most that long) not right after an ASCII character
   * their lookbehind rules out. Undefined: anywhere (the patterns scan the text; tests).
   */
  numberStarts?: number[];
  /** COMPOUND: a compound type, whitespace, a digit. */
  compound: boolean;
  /** TYPE_FIRST: a capitalised street name, whitespace, a digit. */
  typeFirst: boolean;
}

/** `\s`: ASCII whitespace, NBSP, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, BOM. */
const WHITESPACE = ['\t', '\n', '\v', '\f', '\r', ' ', '\u00a0', '\u1680', ...Array.from({ length: 11 }, (_, k) => String.fromCharCode(0x2000 + k)), '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff'];
const COMPOUND_ENDINGS = new Set(COMPOUND_TYPE.split('|').map((t) => t.replace(/\\/g, '').slice(-2)));
const isDigitAt = (text: string, k: number): boolean => k >= 0 && text.charCodeAt(k) >= 48 && text.charCodeAt(k) <= 57;
const isLetterAt = (text: string, k: number): boolean => {
  const c = k >= 0 ? text.charCodeAt(k) | 0x20 : 0;
  return c >= 0x61 && c <= 0x7a;
};
const isSpaceAt = (text: string, k: number): boolean => {
  const c = text.charCodeAt(k);
  if (c < 0x80) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
};
/** `text[..k)` ends with `\d[A-Za-z]?`. */
const houseNumberEndsAt = (text: string, k: number): boolean => isDigitAt(text, k - 1) || (isLetterAt(text, k - 1) && isDigitAt(text, k - 2));

function openShapes(text: string): OpenShapes {
  const open: OpenShapes = { numberFirst: false, compound: false, typeFirst: false };
  const starts = new Set<number>();
  for (const space of WHITESPACE) {
    for (let w = text.indexOf(space); w >= 0; w = text.indexOf(space, w + 1)) {
      const k = text.charCodeAt(w - 1) === 0x2c /* , */ ? w - 1 : w;
      const last = text.charCodeAt(k - 1);
      if (
        houseNumberEndsAt(text, k) ||
        ((last === 0x73 || last === 0x72) /* s, r */ &&
          k >= 3 &&
          (text.startsWith('bis', k - 3) || text.startsWith('ter', k - 3)) &&
          (houseNumberEndsAt(text, k - 3) || (isSpaceAt(text, k - 4) && houseNumberEndsAt(text, k - 4))))
      ) {
        open.numberFirst = true;
        for (let p = Math.max(0, w - 13); p < w; p++) if (isDigitAt(text, p) && (p === 0 || NOT_BEFORE_NUMBER[text.charCodeAt(p - 1)] !== 1)) starts.add(p);
      }
      if (isDigitAt(text, w + 1) || (isSpaceAt(text, w + 1) && isDigitAt(text, w + 2))) {
        if (!open.compound) open.compound = w >= 2 && COMPOUND_ENDINGS.has(text.slice(w - 2, w));
        if (!open.typeFirst) {
          // the letters, apostrophes and hyphens before (the comma): one of them must be a capital
          for (let j = k - 1; j >= 0; j--) {
            const c = text.charCodeAt(j);
            // beyond ASCII (other scripts' capitals, `’`): open, and let the pattern decide
            if ((c >= 0x41 && c <= 0x5a) || c >= 0x80) {
              open.typeFirst = true;
              break;
            }
            if (!(c >= 0x61 && c <= 0x7a) && c !== 0x27 && c !== 0x2d) break;
          }
        }
      }
    }
  }
  open.numberStarts = [...starts].sort((a, b) => a - b);
  return open;
}

/** What the house-number shapes' lookbehind `(?<![\p{L}\p{N}_.,\-/])` rules out, in ASCII. */
const NOT_BEFORE_NUMBER = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.,-/') NOT_BEFORE_NUMBER[c.charCodeAt(0)] = 1;
const NUMBER_FIRST_AT = new RegExp(NUMBER_FIRST.source, 'uy');
const NUMBER_THEN_TYPE_AT = new RegExp(NUMBER_THEN_TYPE.source, 'uy');

/** A street type alone is a common noun (`Platz 3 in der Rangliste`, `Weg 2 zum Erfolg`), not a street. */
const BARE_COMPOUND_TYPE = /^(?:Straße|Strasse|Str\.|Weg|Gasse|Platz|Allee|Damm)\s/u;
/**
 * Words that may follow a street in a sentence (`10 Downing Street is…`). Any other lower-case
 * word makes the street a noun phrase: `3 Main Street displays`, `4 Park Avenue jackets`.
 */
const AFTER_STREET = /^\s{1,2}(\p{Ll}+)/u;
const SENTENCE_WORDS = new Set(
  'is|was|in|on|at|to|and|or|by|for|from|before|after|with|near|next|until|till|are|has|had|will|would|should|please|then|but|so|since|via|opposite|between|behind|today|tomorrow|yesterday|around|the|a|an|of|if|when|which|where|who|it|we|they|he|she|i|not|also|instead|again|yet|as|asap'.split('|'),
);

export const findAddresses: Detector = (text, out) => findAddressesIn(text, out, true);

/** findAddresses, the shapes gated (`gated`) or all of them tried (the reference in tests). */
export function findAddressesIn(text: string, out: Finding[], gated: boolean): void {
  const open = gated ? openShapes(text) : { numberFirst: true, compound: true, typeFirst: true };
  for (const shape of SHAPES) {
    if (shape === NUMBER_FIRST || shape === NUMBER_THEN_TYPE ? !open.numberFirst : shape === COMPOUND ? !open.compound : shape === TYPE_FIRST ? !open.typeFirst : gated && !text.includes('Box')) continue;
    const starts = shape === NUMBER_FIRST || shape === NUMBER_THEN_TYPE ? open.numberStarts : undefined;
    const at = shape === NUMBER_FIRST ? NUMBER_FIRST_AT : NUMBER_THEN_TYPE_AT;
    let k = 0;
    // the global scan, or the sticky pattern at each start it can have, resuming after each match
    const next = (from: number): RegExpExecArray | null => {
      if (starts === undefined) return shape.exec(text);
      for (; k < starts.length; k++) {
        if (starts[k]! < from) continue;
        at.lastIndex = starts[k]!;
        const m = at.exec(text);
        if (m !== null) return m;
      }
      return null;
    };
    shape.lastIndex = 0;
    for (let m = next(0); m !== null; m = next(m.index + m[0].length)) {
      const end = m.index + m[0].length;
      if (shape === COMPOUND && BARE_COMPOUND_TYPE.test(m[0])) continue;
      if (shape === NUMBER_FIRST && !m[0].includes(',')) {
        const next = AFTER_STREET.exec(text.slice(end, end + 24));
        if (next !== null && !SENTENCE_WORDS.has(next[1])) continue;
      }
      out.push({ start: m.index, end, type: 'address' });
    }
  }
}
