/**
 * Card security codes (CVV/CVC/CID...). Three or four digits are everywhere, so only the value
 * of a field named like one counts: `cvv: 123`, `"cvc":"1234"`, `security_code=123`,
 * `CVV2 123`, `CVV-Code: 123`, `<cvv>123</cvv>`. JSON fields are also caught by key in `redactJson`, whatever the value type.
 */
import type { Detector } from './finding';

const CVV_FIELD =
  /(?<![\p{L}\p{N}])(?:cvv2?|cvc2?|cvn2?|cav2|csc|cvd|security[ _\-]?code|card[ _\-]?security[ _\-]?code|card[ _\-]?verification(?:[ _\-]?(?:value|code|number))?)(?:[ _\-]?(?:code|number|nr|no|value))?(?:\s?\/\s?(?:cvv2?|cvc2?))?["']?\s{0,3}(?:[:=#>]|is)?\s{0,3}["']?(\d{3,4})(?![\p{N}])/dgiu;

export const findCvvs: Detector = (text, out) => {
  CVV_FIELD.lastIndex = 0;
  for (let m = CVV_FIELD.exec(text); m !== null; m = CVV_FIELD.exec(text)) {
    const [start, end] = m.indices![1]!;
    out.push({ start, end, type: 'cvv' });
  }
};
