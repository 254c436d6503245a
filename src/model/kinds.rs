//! The fixed words of the file format: a COE's status, a corrective action's kind and its
//! status, each with its spelling in the file.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Where a COE is in its life.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Being written.
    #[default]
    Draft,
    /// Written, awaiting review.
    Review,
    /// Complete and reviewed.
    Closed,
}

impl Status {
    /// All statuses, in life order.
    pub const ALL: [Status; 3] = [Status::Draft, Status::Review, Status::Closed];

    /// The name used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Review => "review",
            Status::Closed => "closed",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a corrective action does about a repeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ActionKind {
    /// Stops it happening again.
    Prevent,
    /// Finds it sooner.
    Detect,
    /// Makes it hurt less.
    Mitigate,
    /// Changes how the team works.
    Process,
}

impl ActionKind {
    /// All kinds, in the order the interview offers them.
    pub const ALL: [ActionKind; 4] = [Self::Prevent, Self::Detect, Self::Mitigate, Self::Process];

    /// The name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Prevent => "prevent",
            Self::Detect => "detect",
            Self::Mitigate => "mitigate",
            Self::Process => "process",
        }
    }
}

/// Where a corrective action is.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum ActionStatus {
    /// Not done yet.
    #[default]
    Open,
    /// Done.
    Done,
    /// Decided against, with the reason in the action text.
    Wontfix,
}

impl ActionStatus {
    /// All statuses, in the order the interview offers them.
    pub const ALL: [ActionStatus; 3] = [Self::Open, Self::Done, Self::Wontfix];

    /// The name used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Done => "done",
            Self::Wontfix => "wontfix",
        }
    }
}
