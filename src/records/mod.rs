//! Records that several pages create and show: each kind's form and how a new one starts,
//! the default pipeline and the sample workspace.

pub mod activity;
pub mod invoice;
pub mod pipeline;
pub mod sample;
pub mod task;
pub mod ticket;
