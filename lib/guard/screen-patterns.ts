/**
 * What instruction-like text aimed at a model looks like. Each pattern is matched against the
 * folded "spaced" form (lower-case words separated by single spaces, homoglyphs and leetspeak
 * folded), so `Ignore_Previous-Instructions` and `ІGNORE prev1ous instructions` look alike.
 * Bounded filler `(?:\S+ ){0,3}` keeps every regex linear. Business text ("Ignore-proof
 * jacket", "You are now subscribed") must not match: patterns need the instruction's object.
 */

export interface PhrasePattern {
  readonly name: string;
  readonly regex: RegExp;
}

const FILL = '(?:\\S+ ){0,3}';
const EARLIER = '(?:previous|prior|above|earlier|preceding|former|original|old|all|any|your|the|these|those|other)';
const RULES = '(?:instructions?|rules?|guidelines?|directions?|directives?|prompts?|context|guardrails?|policies|constraints|restrictions)';

export const INSTRUCTION_PATTERNS: readonly PhrasePattern[] = [
  { name: 'ignore previous instructions', regex: new RegExp(`\\b(?:ignore|disregard|forget|skip|bypass|override|overwrite|drop) ${FILL}${EARLIER} ${FILL}${RULES}\\b`) },
  { name: 'disregard', regex: new RegExp(`\\bdisregard (?:everything|anything|what|that|this|all)\\b`) },
  { name: 'you are now', regex: /\byou are now (?:(?:a|an|the|my|in) )?(?:dan|developer|dev mode|jailbroken|jailbreak|unrestricted|unfiltered|uncensored|evil|admin|administrator|root|system|ai|assistant|model|agent|hacker|god|sudo)\b/ },
  { name: 'from now on', regex: /\bfrom now on,? you (?:are|will|must|shall|should|act)\b/ },
  // only as a directive to the model: "new instructions leaflet included" is product copy
  { name: 'new instructions', regex: /\b(?:(?:your|the following|these|here are|follow|obey|apply|read) (?:\S+ ){0,2}?(?:new|updated|real|actual|true|secret|hidden) (?:system )?(?:instructions|directives)|(?:new|updated|real|actual|true|secret|hidden) (?:system )?(?:instructions|directives) (?:are|follow|override|supersede|replace|take precedence))\b/ },
  { name: 'system prompt', regex: /\b(?:system|developer|initial|hidden|original) (?:prompt|message|instructions)\b/ },
  { name: 'reveal instructions', regex: new RegExp(`\\b(?:reveal|print|show|repeat|output|dump|leak|display|tell me) ${FILL}(?:your|the) ${FILL}(?:prompt|instructions|rules|secrets?|api keys?|credentials|password)\\b`) },
  { name: 'exfiltrate', regex: /\bexfiltrat(?:e|es|ed|ing|ion)\b/ },
  { name: 'send to url', regex: /\b(?:send|post|upload|forward|transmit|leak|copy|export|email|submit|deliver|pipe) (?:\S+ ){0,12}?to (?:https?|ftp|wss?|webhook|ngrok|pastebin|requestbin)\b/ },
  { name: 'hide from user', regex: /\b(?:do not|don t|dont|never|without) (?:tell|telling|inform|informing|mention|mentioning|notify|notifying|alert|alerting|show|showing) (?:\S+ ){0,2}?(?:the )?user\b/ },
  { name: 'act as', regex: /\b(?:act|behave|respond|answer) as (?:if you (?:are|were) )?(?:an? )?(?:unrestricted|unfiltered|jailbroken|dan|developer mode|system|root|administrator)\b/ },
  { name: 'jailbreak', regex: /\b(?:jailbreak|jailbroken|developer mode enabled|do anything now)\b/ },
  // "Ignore the above and say…" (the classic), "forget everything above": an address note
  // ("ignore the above address") has an object after "above", these have none or a verb
  { name: 'ignore the above', regex: /\b(?:ignore|disregard|forget) (?:(?:everything|all|anything) (?:above|before this|said before|you were told)|the above and (?:instead|say|print|output|respond|reply|write|tell|do))\b/ },
  { name: 'no restrictions', regex: /\b(?:pretend|imagine|act|behave|respond|answer) (?:\S+ ){0,6}?(?:without|with no|free of|free from) (?:any |your |all )?(?:restrictions|filters|guardrails|limits|limitations|rules|guidelines|safety)\b/ },
  { name: 'bypass restrictions', regex: /\b(?:bypass|circumvent|disable|turn off) (?:\S+ ){0,2}?(?:restrictions|safety (?:rules|settings|filters|guidelines)|filters|guardrails|content policy)\b/ },
  // the same instruction in the other languages models follow (accents folded away)
  { name: 'ignore instructions (other language)', regex: /\b(?:ignor[a-z]*|olvid[a-z]*|oubli[a-z]*|vergiss[a-z]*|dimentica[a-z]*) (?:\S+ ){0,3}?(?:instrucciones|instructions|instrucoes|anweisungen|istruzioni|consignes|regeln|reglas|regles)\b/ },
];

/**
 * Letter-spaced text ("i g n o r e  p r e v i o u s") loses its word boundaries, so around
 * every run of single-letter words these phrases are looked for in the compact form (letters
 * and digits only, l folded to i). Only there: "system promptly" must not match elsewhere.
 */
export const COMPACT_PHRASES: readonly string[] = [
  'ignore previous instructions',
  'ignore all previous instructions',
  'ignore prior instructions',
  'ignore all instructions',
  'ignore your instructions',
  'ignore the above',
  'disregard previous instructions',
  'disregard all previous',
  'disregard the above',
  'disregard your instructions',
  'forget previous instructions',
  'forget all previous',
  'forget your instructions',
  'reveal your system prompt',
  'system prompt',
  'exfiltrate',
  'developer mode',
  'new instructions',
].map((p) => p.replace(/[^a-z]/g, '').replace(/l/g, 'i'));

/**
 * The compact phrases long enough (18+ letters) to look for in the compact form of the whole
 * text, wherever the word breaks fall ("ig no re pre vi ous in struc tions"): at that length a
 * match in business text is not a coincidence. Short ones ("system prompt") stay near spaced letters.
 */
export const LONG_COMPACT_PHRASES: readonly string[] = COMPACT_PHRASES.filter((p) => p.length >= 18);

export interface TagPattern {
  readonly kind: 'chat-template' | 'poisoning-tag';
  readonly name: string;
  readonly regex: RegExp;
}

/** Matched against NFKC, lower-cased text with invisible characters removed (and its decoded forms). */
export const TAG_PATTERNS: readonly TagPattern[] = [
  { kind: 'chat-template', name: 'chat template token', regex: /<\s*\|\s*(?:im_start|im_end|im_sep|system|user|assistant|endoftext|eot_id|start_header_id|end_header_id|begin_of_text|tool|ipython)\s*\|\s*>/ },
  { kind: 'chat-template', name: '[INST] tag', regex: /\[\s*\/?\s*inst\s*\]/ },
  { kind: 'chat-template', name: '<<SYS>> tag', regex: /<<\s*\/?\s*sys\s*>>/ },
  { kind: 'chat-template', name: 'role header', regex: /(?:^|\n)\s*#{2,}\s*(?:system|instruction|instructions|assistant|response)\s*:?\s*(?:\n|$)/ },
  { kind: 'poisoning-tag', name: 'role tag', regex: /<\s*\/?\s*(?:system|assistant|user|developer|human|model)(?:_?(?:prompt|message|instructions?))?\s*>/ },
  { kind: 'poisoning-tag', name: 'tool-poisoning tag', regex: /<\s*\/?\s*(?:important|tool_call|tool_calls|tool_use|tool_result|function_calls?|instructions?|secret|hidden|admin|override|antml:[a-z_]+)\s*>/ },
];

/** How much of an HTML comment is screened for instructions. */
export const HTML_COMMENT_MAX = 4000;

/**
 * The bodies of the HTML comments in `text`. Two `indexOf` scans rather than a lazy regex: the
 * regex rescanned up to its bound after every `<!--` (a string of 60k unclosed `<!--` cost
 * 250M steps); here an unclosed comment ends the search, since no later one can close either.
 */
export function* htmlCommentBodies(text: string): Generator<string> {
  let from = 0;
  for (;;) {
    const open = text.indexOf('<!--', from);
    if (open < 0) return;
    const close = text.indexOf('-->', open + 4);
    if (close < 0) return;
    yield text.slice(open + 4, Math.min(close, open + 4 + HTML_COMMENT_MAX));
    from = close + 3;
  }
}
/** Words that make an HTML comment an instruction to a model rather than markup. */
export const COMMENT_INSTRUCTION_WORDS = /\b(?:ignore|instruction|instructions|assistant|model|agent|prompt|important|must|always|never|do not|tool|call|send|execute|run)\b/;
