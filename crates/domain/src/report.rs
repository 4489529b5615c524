//! The screens' reports, each reading the concept modules (`purchases`, `rfm`, `csat`,
//! `service`, `money`, `time`) rather than defining business terms of its own:
//! - [`customer`]: the customer 360 page (KPI strip, timeline);
//! - [`board`]: the pipeline board and forecast;
//! - [`dashboard`]: the KPI dashboard, its charts and lists;
//! - [`segment`]: segment filters and the built-in RFM segments.

pub mod board;
pub mod customer;
pub mod dashboard;
pub mod segment;

#[cfg(test)]
mod tests;
