/**
 * The commonest injection phrasings in the languages shop and ops text arrives in besides
 * English: "ignore (all) previous instructions", "forget your rules", "reveal your system
 * prompt", "you are now unrestricted". Latin-script patterns match the folded, spaced form
 * (accents removed: "instrucciones", "instrucoes", "regles"); Cyrillic, CJK and Hangul ones
 * match the NFKC, lower-cased text (folding would turn Cyrillic into Latin lookalikes). Each is
 * bounded (`(?:\S+ ){0,n}`, `.{0,n}`) so matching stays linear.
 */
import type { PhrasePattern } from './screen-patterns';

/** Object nouns per language: instructions, rules, directives, prompt. */
const RULES_LATIN =
  '(?:instrucciones|indicaciones|reglas|ordenes|directrices|instructions|consignes|regles|directives|anweisungen|regeln|vorgaben|instruktionen|richtlinien|istruzioni|regole|indicazioni|direttive|instrucoes|regras|orientacoes|diretrizes|instructies|regels|aanwijzingen|richtlijnen|prompt)';
const EARLIER_LATIN =
  '(?:anteriores|previas|precedentes|de antes|anterieures|precedentes|d avant|vorherigen|vorigen|bisherigen|obigen|fruheren|alle|precedenti|sopra|anteriori|previas|anteriores|vorige|eerdere|bovenstaande|todas|todos|las|los|toutes|tous|les|tutte|tutti|le|as|os|alle)';

export const LATIN_LANGUAGE_PATTERNS: readonly PhrasePattern[] = [
  {
    name: 'ignore instructions (es/fr/de/it/pt/nl)',
    regex: new RegExp(
      `\\b(?:ignor[a-z]*|olvid[a-z]*|omit[a-z]*|descart[a-z]*|haz caso omiso de|oubli[a-z]*|ne tiens pas compte d?e?s?|vergiss[a-z]*|missacht[a-z]*|dimentica[a-z]*|esquec[a-z]*|desconsider[a-z]*|negeer[a-z]*|vergeet)\\b (?:\\S+ ){0,4}?${RULES_LATIN}\\b`,
    ),
  },
  // "las instrucciones anteriores ya no aplican", "vergiss alles, was dir gesagt wurde"
  { name: 'previous instructions (es/fr/de/it/pt/nl)', regex: new RegExp(`\\b${RULES_LATIN} ${EARLIER_LATIN}\\b (?:\\S+ ){0,3}?(?:ya no|ne s appliquent plus|gelten nicht mehr|non valgono piu|nao valem mais|gelden niet meer|son nulas|sont annulees)`) },
  { name: 'forget everything (es/fr/de/it/pt/nl)', regex: /\b(?:olvida todo lo que|oublie tout ce qu|vergiss alles was|dimentica tutto quello che|esqueca tudo o que|vergeet alles wat)\b/ },
  {
    name: 'reveal system prompt (es/fr/de/it/pt/nl)',
    regex: /\b(?:revela|muestra|mostra|muestrame|revele|montre|affiche|zeige|zeig|verrate|gib|rivela|mostrami|revele|mostre|toon|laat zien)\b (?:\S+ ){0,3}?(?:prompt del sistema|prompt de sistema|prompt systeme|prompt du systeme|systemprompt|system prompt|prompt di sistema|prompt do sistema|systeemprompt|instrucciones del sistema|instructions systeme|systemanweisungen|istruzioni di sistema|instrucoes do sistema)\b/,
  },
  {
    name: 'you are now unrestricted (es/fr/de/it/pt/nl)',
    regex: /\b(?:ahora eres|a partir de ahora eres|tu es maintenant|a partir de maintenant tu es|du bist jetzt|ab jetzt bist du|ora sei|da ora in poi sei|agora voce e|a partir de agora voce e|je bent nu|vanaf nu ben je)\b (?:\S+ ){0,2}?(?:dan|un[a-z]* (?:ia|ai|asistente|assistant|assistente|assistent) (?:sin|sans|ohne|senza|sem|zonder)|sin restricciones|sans restrictions|ohne einschrankungen|senza restrizioni|sem restricoes|zonder beperkingen|libre|frei|jailbroken|desbloquead[oa]|debride|uneingeschrankt)\b/,
  },
];

/** Matched against NFKC, lower-cased text with invisible characters removed (not folded). */
export const SCRIPT_PATTERNS: readonly PhrasePattern[] = [
  {
    name: 'ignore instructions (ru/uk)',
    regex: /(?:игнорируй|игнорируйте|проигнорируй|игнорировать|забудь|забудьте|не обращай внимания на|не обращайте внимания на|ігноруй|забудь)[^.!?\n]{0,40}?(?:инструкци|указани|правил|команд|промпт|інструкці|вказівк)/u,
  },
  { name: 'you are now (ru)', regex: /(?:теперь ты|ты теперь|отныне ты)[^.!?\n]{0,20}?(?:без ограничений|dan|свободн|взломан|разработчик)/u },
  { name: 'reveal system prompt (ru)', regex: /(?:покажи|раскрой|выведи|напиши|повтори)[^.!?\n]{0,20}?(?:системн(?:ый|ого) (?:промпт|запрос|подсказк)|свои инструкции)/u },
  { name: 'ignore instructions (zh)', regex: /(?:忽略|无视|無視|忘记|忘記|忘掉|不要理会|不要理會|忽视|忽視|抛开|拋開)[^。！？\n]{0,12}?(?:指令|指示|说明|說明|规则|規則|提示|设定|設定|要求)/u },
  { name: 'reveal system prompt (zh)', regex: /(?:显示|顯示|输出|輸出|告诉我|告訴我|打印|透露|重复|重複)[^。！？\n]{0,8}?(?:系统提示|系統提示|系统指令|系統指令|初始指令|提示词|提示詞)/u },
  { name: 'you are now (zh)', regex: /你现在是[^。！？\n]{0,8}?(?:没有限制|不受限制|dan|开发者模式)|你現在是[^。！？\n]{0,8}?(?:沒有限制|不受限制|dan|開發者模式)/u },
  { name: 'ignore instructions (ja)', regex: /(?:以前|前|上記|これまで|先ほど|全て|すべて)の(?:指示|命令|ルール|指令|設定|プロンプト)[^。！？\n]{0,8}?(?:無視|忘れ)/u },
  { name: 'reveal system prompt (ja)', regex: /(?:システムプロンプト|初期プロンプト|システム指示)[^。！？\n]{0,8}?(?:表示|教えて|出力|見せて)/u },
  { name: 'ignore instructions (ko)', regex: /(?:이전|위의|모든|앞의)[^.!?\n]{0,6}?(?:지시|명령|지침|규칙)[^.!?\n]{0,6}?(?:무시|잊어)/u },
];
