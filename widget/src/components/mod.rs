//! Chat components shared by the customer widget and the operator console.
//! `data-testid` values are passed in, so each app keeps its stable names.

pub mod composer;
pub mod messages;
pub mod status;

pub use composer::Composer;
pub use messages::MessageList;
pub use status::StatusLine;
