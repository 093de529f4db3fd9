import type { RedactionType } from '../../config/schema';

/** A span of text that holds one sensitive value. */
export interface Finding {
  readonly start: number;
  readonly end: number;
  readonly type: RedactionType;
}

/**
 * Appends the findings of one kind in `text` to `out`. Detectors hold module-level regexes
 * compiled once (Lambda cold start), and each one is linear in the text length: every regex
 * begins with a lookbehind that only lets a run start where the previous run ended, and
 * inner quantifiers are bounded or over disjoint character classes.
 */
export type Detector = (text: string, out: Finding[]) => void;
