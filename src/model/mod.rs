//! The domain model: the COE document, the seven questions, times, the policy read from
//! `.coe.yaml` as plain data, and the blameless lint's terms. It depends on nothing else in
//! the crate, so it is tested with plain values.

pub mod blame;
pub mod coe;
pub mod policy;
pub mod questions;
pub mod times;
