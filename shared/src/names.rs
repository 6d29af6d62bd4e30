//! Display names a channel member may not take: ones a reader could take
//! for the site's staff or the site itself ("Support", "M0derator",
//! "A d m i n", the site's own id). Compared word by word after folding
//! case, accents and the usual look-alike digits and symbols, and with the
//! letters of the whole name run together, so "Supportive Sam" passes.

/// Words that name staff.
const STAFF_WORDS: &[&str] = &[
    "admin",
    "administrator",
    "agent",
    "customerservice",
    "helpdesk",
    "mod",
    "moderator",
    "moderators",
    "official",
    "operator",
    "owner",
    "staff",
    "support",
    "supportteam",
    "system",
];

/// A character as it is read: lower case, without accents, look-alikes
/// as the letter they stand for; `None` for what separates words.
fn fold(c: char) -> Option<char> {
    let c = match c {
        '0' => 'o',
        '1' | '!' | '|' => 'i',
        '3' => 'e',
        '4' | '@' => 'a',
        '5' | '$' => 's',
        '7' => 't',
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' | 'À' | 'Á' | 'Â' | 'Ä' | 'Ã' | 'Å' => 'a',
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => 'i',
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'Ò' | 'Ó' | 'Ô' | 'Ö' | 'Õ' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => 'u',
        c if c.is_alphanumeric() => c.to_lowercase().next().unwrap_or(c),
        _ => return None,
    };
    Some(c)
}

/// Whether `name` could be taken for the staff of site `site` (its id).
pub fn imitates_staff(name: &str, site: &str) -> bool {
    let words: Vec<String> = name
        .split(|c: char| fold(c).is_none())
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().filter_map(fold).collect())
        .collect();
    let whole: String = words.concat();
    let site: String = site.chars().filter_map(fold).collect();
    let reserved = |w: &str| STAFF_WORDS.contains(&w) || (site.len() >= 3 && w == site);
    reserved(&whole) || words.iter().any(|w| reserved(w))
}

/// A name as it reads, for comparing two: its letters folded as
/// [`imitates_staff`] folds them, run together, with `l` read as `i` (the
/// capital `I` that passes for it).
fn skeleton(name: &str) -> String {
    name.chars().filter_map(fold).map(|c| if c == 'l' { 'i' } else { c }).collect()
}

/// Whether `name` reads as the name of one of `staff` (the site's people):
/// "ADA  OPERATOR", "Ada 0perator", "AdaOperator" for "Ada Operator".
pub fn takes_staff_name(name: &str, staff: &[String]) -> bool {
    let name = skeleton(name);
    !name.is_empty() && staff.iter().any(|s| skeleton(s) == name)
}

#[cfg(test)]
mod tests {
    use super::{imitates_staff, takes_staff_name};

    #[test]
    fn a_staff_members_name_is_theirs_however_it_is_written() {
        let staff = ["Priya Patel".to_owned(), "Li Wei".to_owned()];
        for name in ["Priya Patel", "priya patel", "PRIYA  PATEL", "Pr1ya Pate1", "Priya-Patel", "PriyaPatel", "Li Wei"]
        {
            assert!(takes_staff_name(name, &staff), "{name:?} should be refused");
        }
        for name in ["Priya", "Priya P.", "Patel", "Liwen", "", "!!"] {
            assert!(!takes_staff_name(name, &staff), "{name:?} should pass");
        }
    }

    #[test]
    fn names_that_read_as_staff_or_the_site_are_refused_and_others_pass() {
        let refused = [
            "Support",
            "support team",
            "Supp0rt",
            "S u p p o r t",
            "M0derator",
            "mod",
            "ADMIN",
            "Ádmin",
            "Acme Support",
            "acme",
            "The Official One",
            "st4ff",
            "help-desk",
        ];
        for name in refused {
            assert!(imitates_staff(name, "acme"), "{name:?} should be refused");
        }
        let allowed =
            ["Supportive Sam", "Modesty", "Adminah", "Ann", "Jo Staffordshire", "acmeplus fan", "Émile", "李雷"];
        for name in allowed {
            assert!(!imitates_staff(name, "acme"), "{name:?} should pass");
        }
        assert!(!imitates_staff("ab", "ab"), "a site id under three letters is no word of its own");
    }
}
