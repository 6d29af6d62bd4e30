//! Text normalisation for the rule engine: what an evader changes to slip a
//! word past a filter is undone here — case, diacritics, zero-width and
//! invisible characters, confusable letters from other scripts and
//! full-width forms, leetspeak, separators between single letters — and the
//! text is cut into word tokens. Repeated letters are handled when matching
//! (see [`matches_word`]), so "as" never becomes "ass".

/// Characters that render as nothing (zero-width, joiners, soft hyphen, BOM).
fn invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{034F}')
}

/// One character folded to plain lowercase Latin where it imitates one.
fn fold(c: char) -> char {
    let c = match c {
        // Full-width ASCII.
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c),
        _ => c,
    };
    let lower = c.to_lowercase().next().unwrap_or(c);
    match lower {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'а' | 'α' => 'a',
        'ç' | 'ć' | 'č' | 'ĉ' | 'ċ' | 'с' => 'c',
        'ď' | 'đ' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' | 'е' | 'ё' | 'ε' => 'e',
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => 'g',
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' | 'і' | 'ι' => 'i',
        'ĵ' | 'ј' => 'j',
        'ķ' | 'κ' | 'к' => 'k',
        'ĺ' | 'ļ' | 'ľ' | 'ł' => 'l',
        'ñ' | 'ń' | 'ņ' | 'ň' | 'η' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' | 'о' | 'ο' => 'o',
        'р' | 'ρ' => 'p',
        'ŕ' | 'ř' => 'r',
        'ś' | 'ş' | 'š' | 'ŝ' | 'ѕ' => 's',
        'ţ' | 'ť' | 'т' | 'τ' => 't',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' | 'υ' => 'u',
        'ν' => 'v',
        'ŵ' | 'ш' | 'ω' => 'w',
        'х' | 'χ' => 'x',
        'ý' | 'ÿ' | 'ŷ' | 'у' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        'в' | 'β' => 'b',
        'м' => 'm',
        'н' => 'h',
        other => other,
    }
}

/// Leetspeak digits and symbols inside a word, as the letters they stand for.
fn leet(c: char) -> Option<char> {
    Some(match c {
        '0' => 'o',
        '1' | '!' | '|' => 'i',
        '3' => 'e',
        '4' | '@' => 'a',
        '5' | '$' => 's',
        '7' | '+' => 't',
        '8' => 'b',
        '9' => 'g',
        _ => return None,
    })
}

/// The text without invisible characters, folded (case, diacritics,
/// confusables, full-width); punctuation and digits kept.
pub fn clean(text: &str) -> String {
    text.chars().filter(|c| !invisible(*c)).map(fold).collect()
}

/// The word tokens of a text, normalised: folded, leetspeak read as letters
/// when a token also has letters (so "10" stays a number), and runs of three
/// or more single letters joined in place ("f.u.c.k", "f u c k" → "fuck"),
/// a wider gap in the run parting its words ("k i l l   y o u" → "kill you").
pub fn tokens(text: &str) -> Vec<String> {
    tokens_of_clean(&clean(text))
}

/// [`tokens`] of a text already [`clean`]ed.
pub fn tokens_of_clean(cleaned: &str) -> Vec<String> {
    let in_word = |c: char| c.is_alphanumeric() || leet(c).is_some();
    // Each token, and the length of the gap before it.
    let mut words: Vec<(String, usize)> = Vec::new();
    let (mut word, mut gap) = (String::new(), 0usize);
    for c in cleaned.chars().chain(std::iter::once(' ')) {
        if in_word(c) {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            let token = if word.chars().any(char::is_alphabetic) {
                word.chars().map(|c| leet(c).unwrap_or(c)).collect()
            } else {
                std::mem::take(&mut word)
            };
            word.clear();
            words.push((token, gap));
            gap = 0;
        }
        gap += 1;
    }
    // Letters spaced out to dodge a filter: runs of 3+ single letters
    // become the words they spell, in place ("k i l l yourself"); within a
    // run, a gap wider than the one between its letters parts two words
    // ("e a t   m y   a s s").
    let single = |w: &(String, usize)| w.0.chars().count() == 1 && w.0.chars().all(char::is_alphabetic);
    let mut out = Vec::with_capacity(words.len());
    let mut rest = words.as_slice();
    while let Some(first) = rest.first() {
        let run = rest.iter().take_while(|w| single(w)).count();
        if run >= 3 {
            let narrow = rest[1..run].iter().map(|w| w.1).min().unwrap_or(0);
            let mut spelled = String::new();
            for (i, (letter, gap)) in rest[..run].iter().enumerate() {
                if i > 0 && *gap > narrow {
                    out.push(std::mem::take(&mut spelled));
                }
                spelled.push_str(letter);
            }
            out.push(spelled);
            rest = &rest[run..];
        } else {
            out.push(first.0.clone());
            rest = &rest[1..];
        }
    }
    out
}

/// A word as run-length encoding: each letter and how often it repeats.
pub type Runs = Vec<(char, usize)>;

/// How many of one letter in a row read as that letter stretched.
pub const STRETCHED: usize = 3;
/// The letters of a word of the data from which a letter doubled reads as stretched.
pub const LONG: usize = 6;

/// Run-length encoding of a word.
pub fn runs(word: &str) -> Runs {
    let mut out: Runs = Vec::new();
    for c in word.chars() {
        match out.last_mut() {
            Some((last, n)) if *last == c => *n += 1,
            _ => out.push((c, 1)),
        }
    }
    out
}

/// A word of a rule's list, compiled once: its letters' runs, and whether
/// it may start (`*word`) or end (`word*`) inside a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    runs: Runs,
    prefix: bool,
    suffix: bool,
}

impl Word {
    /// Compiles `word` (a normalised word, maybe with a leading or trailing `*`).
    pub fn new(word: &str) -> Self {
        let (prefix, rest) = match word.strip_prefix('*') {
            Some(r) => (true, r),
            None => (false, word),
        };
        let (suffix, core) = match rest.strip_suffix('*') {
            Some(r) => (true, r),
            None => (false, rest),
        };
        Self { runs: runs(core), prefix, suffix }
    }

    /// Its letters' runs.
    pub fn runs(&self) -> &Runs {
        &self.runs
    }

    /// How many letters it has (repeats counted).
    pub fn letters(&self) -> usize {
        self.runs.iter().map(|r| r.1).sum()
    }

    /// Whether it may start inside a token (`*word`).
    pub fn loose_start(&self) -> bool {
        self.prefix
    }

    /// Whether a token (as [`runs`]) is this word with some letters
    /// stretched to three or more ("fuuuck" is "fuck"; "as" is not "ass").
    /// In a short word a letter doubled makes a different word, not a
    /// stretch ("blood" is not "blöd", "moose" not "möse", "fodder" not
    /// "foder"); from [`LONG`] letters on, doubling one is a stretch too
    /// ("yoursellf").
    pub fn matches(&self, have: &Runs) -> bool {
        let want = &self.runs;
        if want.is_empty() || have.len() < want.len() {
            return false;
        }
        let stretched = if self.letters() >= LONG { 2 } else { STRETCHED };
        // A word's last letter doubles before an ending ("slut*", "slutty").
        let ending = |i: usize| self.suffix && i + 1 == want.len();
        let run = |i: usize, n: usize, hn: usize| hn == n || hn >= n.max(stretched) || ending(i) && hn > n;
        let fits = |at: usize| {
            want.iter().zip(&have[at..]).enumerate().all(|(i, ((c, n), (hc, hn)))| hc == c && run(i, *n, *hn))
        };
        let last = have.len() - want.len();
        (0..=last).any(|at| (self.prefix || at == 0) && (self.suffix || at == last) && fits(at))
    }
}

/// Whether a token is `word` with some letters repeated ("fuuuck" is
/// "fuck"; "as" is not "ass"). `word` may start or end with `*`: then it
/// only has to begin or end the token ("fuck*" matches "fucking").
pub fn matches_word(token: &str, word: &str) -> bool {
    Word::new(word).matches(&runs(token))
}
