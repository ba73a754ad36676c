//! placeholder
pub use sync_core as core;
