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
import type { Detector } from './finding';

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
 * Text every match of a shape contains, tested before the shape (whose leading lookbehind
 * costs every position): a house number's last digit or letter before the space (number first,
 * `12bis`), a compound street type right before its number.
 */
const HOUSE_NUMBER_THEN_SPACE = /\d[A-Za-z]?(?:,?\s|\s?(?:bis|ter))/;
const COMPOUND_TYPE_THEN_NUMBER = new RegExp(String.raw`(?:${COMPOUND_TYPE})\s{1,2}\d`, 'u');
const GATES = new Map<RegExp, RegExp>([
  [NUMBER_FIRST, HOUSE_NUMBER_THEN_SPACE],
  [NUMBER_THEN_TYPE, HOUSE_NUMBER_THEN_SPACE],
  [COMPOUND, COMPOUND_TYPE_THEN_NUMBER],
]);

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

export const findAddresses: Detector = (text, out) => {
  const open = new Map<RegExp, boolean>();
  for (const shape of SHAPES) {
    const gate = GATES.get(shape);
    if (gate !== undefined) {
      let pass = open.get(gate);
      if (pass === undefined) open.set(gate, (pass = gate.test(text)));
      if (!pass) continue;
    }
    shape.lastIndex = 0;
    for (let m = shape.exec(text); m !== null; m = shape.exec(text)) {
      const end = m.index + m[0].length;
      if (shape === COMPOUND && BARE_COMPOUND_TYPE.test(m[0])) continue;
      if (shape === NUMBER_FIRST && !m[0].includes(',')) {
        const next = AFTER_STREET.exec(text.slice(end, end + 24));
        if (next !== null && !SENTENCE_WORDS.has(next[1])) continue;
      }
      out.push({ start: m.index, end, type: 'address' });
    }
  }
};
