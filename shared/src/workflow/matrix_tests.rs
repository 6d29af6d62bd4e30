//! The decision matrix rendered from the workflow data must reproduce the
//! table in `docs/workflows.md` (the workflows' specification, kept in the
//! repository) row by row, and each step list must match its numbered task
//! sequence.

use super::*;

fn brief() -> String {
    include_str!("../../../docs/workflows.md").to_owned()
}

/// The brief's matrix: (row name, [support, sales, moderation]).
fn brief_matrix(brief: &str) -> Vec<(String, Vec<String>)> {
    let table = brief.split("### Decision matrix").nth(1).expect("a decision matrix section");
    table
        .lines()
        .filter(|l| l.starts_with('|'))
        .skip(2) // header and separator
        .map(|l| {
            let cells: Vec<String> = l.trim_matches('|').split('|').map(|c| c.trim().to_owned()).collect();
            (cells[0].clone(), cells[1..].to_vec())
        })
        .collect()
}

#[test]
fn matrix_reproduces_the_brief_row_by_row() {
    let rows = brief_matrix(&brief());
    assert_eq!(rows.len(), MATRIX_ROWS.len(), "row count");
    let header = brief().lines().find(|l| l.starts_with("| Task step")).unwrap().to_owned();
    for kind in WorkflowKind::ALL {
        assert!(header.contains(kind.def().name), "column {} in {header}", kind.def().name);
    }
    for (i, (name, cells)) in rows.iter().enumerate() {
        assert_eq!(name, MATRIX_ROWS[i], "row {i} name");
        let ours: Vec<&str> = WorkflowKind::ALL.iter().map(|k| k.def().matrix[i]).collect();
        assert_eq!(cells, &ours, "row {name:?}");
    }
}

#[test]
fn steps_follow_the_briefs_task_sequences() {
    let brief = brief();
    for kind in WorkflowKind::ALL {
        let def = kind.def();
        let section = brief.split(&format!("**{}** —", def.name)).nth(1).expect("a section per workflow");
        let numbered: Vec<&str> =
            section.lines().skip(1).take_while(|l| l.chars().next().is_some_and(|c| c.is_ascii_digit())).collect();
        assert_eq!(numbered.len(), def.steps.len(), "{} step count", def.name);
        for (line, step) in numbered.iter().zip(def.steps) {
            // Our titles are the brief's, shortened: every word of ours is in the brief's line.
            let line = line.to_lowercase();
            for word in step.title.to_lowercase().split(|c: char| !c.is_alphanumeric()).filter(|w| w.len() > 3) {
                assert!(line.contains(word), "{}: {word:?} of {:?} not in {line:?}", def.name, step.title);
            }
            assert_eq!(step.tone, def.tone(), "{} {}: tone", def.name, step.id);
        }
    }
}
