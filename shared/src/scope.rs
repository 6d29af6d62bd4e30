//! Which conversations an operator's inbox shows ([`Scope`]): their own, a
//! team's queue, the unassigned ones, one operator's (a mentor's view of a
//! mentee), or all. The list object sends a
//! socket only its scope's lines, a page at a time, and the console keeps
//! only those.

use std::fmt;

use crate::ConversationSummary;

/// Most lines in one page of an inbox (the socket's first frame, and each
/// older page asked for after it).
pub const PAGE: usize = 200;

/// Which conversations an inbox shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Scope {
    /// Every conversation of the site.
    #[default]
    All,
    /// Those assigned to the operator.
    Mine,
    /// Those nobody is assigned to.
    Unassigned,
    /// Those in this team's queue.
    Team(String),
    /// Those assigned to this operator (a mentor following a mentee, a
    /// supervisor following anyone).
    Operator(String),
}

impl Scope {
    /// Reads `all`, `mine`, `unassigned` or `team:<id>`.
    pub fn parse(s: &str) -> Option<Scope> {
        match s {
            "all" => Some(Scope::All),
            "mine" => Some(Scope::Mine),
            "unassigned" => Some(Scope::Unassigned),
            s => {
                let named = |prefix: &str| s.strip_prefix(prefix).filter(|t| !t.is_empty() && t.len() <= 64);
                named("team:")
                    .map(|t| Scope::Team(t.to_owned()))
                    .or_else(|| named("operator:").map(|o| Scope::Operator(o.to_owned())))
            }
        }
    }

    /// Whether the operator named `me` sees `c` in this scope.
    pub fn keeps(&self, c: &ConversationSummary, me: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Mine => c.assignee.as_deref() == Some(me),
            Scope::Unassigned => c.assignee.is_none(),
            Scope::Team(t) => c.team.as_deref() == Some(t.as_str()),
            Scope::Operator(o) => c.assignee.as_deref() == Some(o.as_str()),
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::All => f.write_str("all"),
            Scope::Mine => f.write_str("mine"),
            Scope::Unassigned => f.write_str("unassigned"),
            Scope::Team(t) => write!(f, "team:{t}"),
            Scope::Operator(o) => write!(f, "operator:{o}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(assignee: Option<&str>, team: Option<&str>) -> ConversationSummary {
        let id = crate::ConversationId::from_random([1; 16]);
        ConversationSummary {
            last_seq: 1,
            team: team.map(Into::into),
            assignee: assignee.map(Into::into),
            ..ConversationSummary::new(id, "demo".parse().unwrap(), crate::workflow::WorkflowKind::Support)
        }
    }

    #[test]
    fn scopes_read_back_as_written_and_refuse_anything_else() {
        for s in ["all", "mine", "unassigned", "team:billing", "operator:Cy"] {
            assert_eq!(Scope::parse(s).unwrap().to_string(), s);
        }
        for s in ["", "team:", "operator:", "everyone", "Mine", &format!("team:{}", "x".repeat(65))] {
            assert_eq!(Scope::parse(s), None, "{s}");
        }
    }

    #[test]
    fn each_scope_keeps_its_lines() {
        let (ann, nobody, billing) = (line(Some("Ann"), None), line(None, None), line(Some("Cy"), Some("billing")));
        let keeps = |s: &str| {
            let s = Scope::parse(s).unwrap();
            [&ann, &nobody, &billing].map(|c| s.keeps(c, "Ann"))
        };
        assert_eq!(keeps("all"), [true, true, true]);
        assert_eq!(keeps("mine"), [true, false, false]);
        assert_eq!(keeps("unassigned"), [false, true, false]);
        assert_eq!(keeps("team:billing"), [false, false, true]);
        assert_eq!(keeps("operator:Cy"), [false, false, true]);
    }
}
