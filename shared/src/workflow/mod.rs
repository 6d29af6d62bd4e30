//! Workflows as data and the pure state machine that moves a conversation
//! through one: [`defs`] (the task sequences and the decision matrix),
//! [`event`] (what can happen), [`machine`] (`apply(state, event)`).

pub mod defs;
pub mod event;
pub mod machine;

#[cfg(test)]
mod matrix_tests;
#[cfg(test)]
mod transcript_tests;

pub use defs::{Requirement, Step, Workflow, WorkflowKind, MATRIX_ROWS};
pub use event::{Event, OrderLine, Outcome, Product, Sanction, Severity};
pub use machine::{apply, Effect, FollowUp, State, WorkflowError};
