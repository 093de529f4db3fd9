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
  /**
   * What the match adds to the argument's score (screen.ts: SCREEN_THRESHOLD is 1). 1: an
   * instruction to a model on its own. 0.5: wording that business text uses too ("do not notify
   * the user", "override previous pricing rules"), an attack only with a second signal. @default 1
   */
  readonly weight?: number;
}

const FILL = '(?:\\S+ ){0,3}';
const EARLIER = '(?:previous|prior|above|earlier|preceding|former|original|old|all|any|your|the|these|those|other)';
/** What a model is given: ignoring these is an instruction to the model. */
const MODEL_RULES = '(?:instructions?|prompts?|context|guardrails?|directives?|programming|system prompt)';
/** What a business also has (pricing rules, shipping policies): overriding these may be operations. */
const BUSINESS_RULES = '(?:rules?|guidelines?|directions?|policies|constraints|restrictions)';

export const INSTRUCTION_PATTERNS: readonly PhrasePattern[] = [
  { name: 'ignore previous instructions', regex: new RegExp(`\\b(?:ignore|disregard|forget|bypass) ${FILL}${EARLIER} ${FILL}(?:${MODEL_RULES}|${BUSINESS_RULES})\\b`) },
  { name: 'override previous instructions', regex: new RegExp(`\\b(?:skip|override|overwrite|drop|replace) ${FILL}${EARLIER} ${FILL}${MODEL_RULES}\\b`) },
  // "Override previous pricing rules" is what a pricing analyst writes: alone it is not enough
  { name: 'override previous rules', regex: new RegExp(`\\b(?:skip|override|overwrite|drop|replace) ${FILL}${EARLIER} ${FILL}${BUSINESS_RULES}\\b`), weight: 0.5 },
  // paraphrases: "set aside what you were told earlier", "pay no attention to your instructions"
  {
    name: 'set aside what you were told',
    regex: /\b(?:set aside|put aside|leave aside|cast aside|push aside|pay no (?:attention|heed|mind) to|stop (?:following|obeying)|no longer (?:follow|obey)|discard|abandon|throw out|ignore|disregard|forget) (?:\S+ ){0,4}?(?:what (?:you (?:were|ve been|have been|are|got)|i|they|we) (?:told|given|instructed|asked|said|taught)|(?:everything|anything|all) (?:you (?:were|ve been|have been)|that was) (?:told|given|said)|(?:instructions|guidance|orders|programming|directives|rules) (?:you (?:were|ve been|have been) given|from (?:before|earlier|above)|given (?:to you )?(?:before|earlier|above))|your (?:previous |prior |earlier |original |initial |current |existing |old )?(?:instructions|guidance|orders|programming|training|directives|system prompt|guidelines|rules))\b/,
  },
  {
    name: 'instructions no longer apply',
    regex: /\b(?:(?:above|previous|prior|earlier|original|old|all|your) (?:\S+ ){0,2}?(?:instructions|directives|rules|guidelines)|(?:instructions|directives|guidelines) (?:above|before|you were given|given (?:before|earlier|above))) (?:no longer apply|are (?:void|cancelled|canceled|obsolete|revoked|outdated|superseded|null and void)|do not apply any more|don t apply anymore)\b/,
  },
  // "skip the approval for this VIP order" is operations: weak alone, with a forged "System:" line it is not
  { name: 'ignore the limits', regex: /\b(?:ignore|disregard|bypass|skip|circumvent) (?:\S+ ){0,3}?(?:limits|limitations|checks|safeguards|safety checks|verification|approvals?)\b/, weight: 0.5 },
  { name: 'obey me now', regex: /\byou (?:must|will|shall|should) now (?:only )?(?:obey|follow|listen to|do what) (?:me|my|i say|these|the following)\b/ },
  // "Please disregard this, wrong order" is a note; "disregard everything" alone is weak
  { name: 'disregard', regex: /\bdisregard (?:everything|anything|all)\b/, weight: 0.5 },
  { name: 'you are now', regex: /\byou are now (?:(?:a|an|the|my|in) )?(?:dan|developer|dev mode|jailbroken|jailbreak|unrestricted|unfiltered|uncensored|evil|admin|administrator|root|system|ai|assistant|model|agent|hacker|god|sudo)\b/ },
  { name: 'from now on', regex: /\bfrom now on,? you (?:are|will|must|shall|should|act)\b/ },
  // only as a directive to the model: "new instructions leaflet included" is product copy
  { name: 'new instructions', regex: /\b(?:(?:your|the following|these|here are|follow|obey|apply|read) (?:\S+ ){0,2}?(?:new|updated|real|actual|true|secret|hidden) (?:system )?(?:instructions|directives)|(?:new|updated|real|actual|true|secret|hidden) (?:system )?(?:instructions|directives) (?:are|follow|override|supersede|replace|take precedence))\b/ },
  // "system prompt" or "hidden message" alone is a search or a product ("hidden message card"), not an attack
  { name: 'system prompt', regex: /\b(?:system|developer|initial|hidden|original) (?:prompt|instructions)\b/, weight: 0.5 },
  // "show the customer the return instructions" is support work: the object must be the model's own
  {
    name: 'reveal instructions',
    regex: new RegExp(
      `\\b(?:reveal|print|show|repeat|output|dump|leak|display|tell me) ${FILL}(?:your (?:\\S+ ){0,2}?(?:prompt|instructions|rules|secrets?|api keys?|credentials|password)|the (?:system|hidden|secret|initial|original|developer|admin) (?:\\S+ )?(?:prompt|instructions|rules|password|credentials)|the (?:api keys?|credentials|secrets|passwords))\\b`,
    ),
  },
  { name: 'what is your prompt', regex: /\bwhat (?:is|was|are|were) your (?:system prompt|initial prompt|original prompt|instructions|hidden instructions)\b/ },
  { name: 'repeat everything above', regex: /\b(?:repeat|print|output|reveal|show) (?:\S+ ){0,2}?(?:everything|all|the text|the words) (?:above|before this|so far|verbatim)\b/ },
  { name: 'exfiltrate', regex: /\bexfiltrat(?:e|es|ed|ing|ion)\b/ },
  // "forward the invoice to https://…" is a business note; an instruction to send data out needs a second signal
  { name: 'send to url', regex: /\b(?:send|post|upload|forward|transmit|leak|copy|export|email|submit|deliver|pipe) (?:\S+ ){0,12}?to (?:https?|ftp|wss?|webhook|ngrok|pastebin|requestbin)\b/, weight: 0.5 },
  { name: 'sensitive data in bulk', regex: /\b(?:all|every|each|the full|the whole|the entire|complete) (?:\S+ ){0,2}?(?:card numbers?|cards|passwords?|credentials|secrets|api keys?|access keys?|tokens|customer (?:list|data|records|table)|customers|database|orders table)\b/, weight: 0.5 },
  // "Do not notify the user; possible account takeover" is a fraud-desk reason: weak alone
  { name: 'hide from user', regex: /\b(?:do not|don t|dont|never|without) (?:tell|telling|inform|informing|mention|mentioning|notify|notifying|alert|alerting|show|showing) (?:\S+ ){0,2}?(?:the )?user\b/, weight: 0.5 },
  { name: 'act as', regex: /\b(?:act|behave|respond|answer) as (?:if you (?:are|were) )?(?:an? )?(?:unrestricted|unfiltered|jailbroken|dan|developer mode|system|root|administrator)\b/ },
  { name: 'jailbreak', regex: /\b(?:developer mode enabled|do anything now|jailbreak mode|jailbroken mode)\b/ },
  // "jailbreak phone case", "jailbroken iPhone": a product word too
  { name: 'jailbreak word', regex: /\b(?:jailbreak|jailbroken)\b/, weight: 0.5 },
  // "Ignore the above and say…" (the classic), "forget everything above": an address note
  // ("ignore the above address") has an object after "above", these have none or a verb
  { name: 'ignore the above', regex: /\b(?:ignore|disregard|forget) (?:(?:everything|all|anything) (?:above|before this|said before|you were told)|the above and (?:instead|say|print|output|respond|reply|write|tell|do))\b/ },
  { name: 'no restrictions', regex: /\b(?:pretend|imagine|act|behave|respond|answer) (?:\S+ ){0,6}?(?:without|with no|free of|free from) (?:any |your |all )?(?:restrictions|filters|guardrails|limits|limitations|rules|guidelines|safety)\b/ },
  { name: 'bypass restrictions', regex: /\b(?:bypass|circumvent|disable|turn off) (?:\S+ ){0,2}?(?:restrictions|safety (?:rules|settings|filters|guidelines)|filters|guardrails|content policy)\b/ },
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
  /** As PhrasePattern.weight. @default 1 */
  readonly weight?: number;
  /** Screened in arguments only: in tool results (logs, transcripts) such a label is ordinary data. */
  readonly argumentsOnly?: boolean;
}

/** Matched against NFKC, lower-cased text with invisible characters removed (and its decoded forms). */
export const TAG_PATTERNS: readonly TagPattern[] = [
  { kind: 'chat-template', name: 'chat template token', regex: /<\s*\|\s*(?:im_start|im_end|im_sep|system|user|assistant|endoftext|eot_id|start_header_id|end_header_id|begin_of_text|tool|ipython|start|end|message|channel|constrain|return|call|developer)\s*\|\s*>/ },
  { kind: 'chat-template', name: '<start_of_turn> token', regex: /<\s*\/?\s*(?:start_of_turn|end_of_turn|bos|eos)\s*>/ },
  // "\n\nHuman:" / "\n\nAssistant:" (the completion format); at the very start of a field it could be a label
  { kind: 'chat-template', name: 'Human:/Assistant: turn', regex: /\n\s*(?:human|assistant)\s*:/ },
  { kind: 'chat-template', name: 'Human:/Assistant: label', regex: /^\s*(?:human|assistant)\s*:/, weight: 0.5, argumentsOnly: true },
  { kind: 'chat-template', name: '[SYSTEM]: tag', regex: /\[\s*(?:system|assistant|developer|admin|sys)\s*\]\s*:?/ },
  // "System: maintenance at 02:00" is a log line; with an instruction it is a forged turn
  { kind: 'chat-template', name: 'System: line', regex: /(?:^|\n)\s*(?:system|developer)\s*(?:message|prompt|note|notice|override)?\s*:/, weight: 0.5, argumentsOnly: true },
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
