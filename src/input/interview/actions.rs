//! The interview's corrective actions: each field asked or changed on its own, and the
//! status of an existing action updated.

use super::*;

impl Walk<'_> {
    pub(super) fn actions(
        &mut self,
        coe: &mut Coe,
        intro: &mut dyn FnMut(&mut Walk),
        n: u8,
    ) -> Result<()> {
        if self.mode == Mode::All && !coe.corrective_actions.is_empty() {
            intro(self);
            self.p.say("  Where does each corrective action stand?");
            for i in 0..coe.corrective_actions.len() {
                let mut action = coe.corrective_actions[i].clone();
                self.update_status(&mut action)?;
                if action != coe.corrective_actions[i] {
                    coe.corrective_actions[i] = action;
                    self.saved(
                        coe,
                        &format!("the status of {}", coe.corrective_actions[i].id),
                    )?;
                }
            }
        }
        let list = List {
            noun: "corrective action",
            title: "Corrective actions",
            question: n,
            min: 1,
            get: |c| &mut c.corrective_actions,
            show: |a| {
                format!(
                    "{} {} ({}, {}, due {}, {})",
                    a.id,
                    a.action,
                    a.kind.map_or("?", |k| k.as_str()),
                    if a.owner.is_empty() {
                        "no owner"
                    } else {
                        &a.owner
                    },
                    a.due.map_or("?".into(), |d| d.to_string()),
                    a.status.as_str()
                )
            },
        };
        self.list(coe, intro, &list, &mut |w, coe, _, current| match current {
            Some(existing) => w.change_action(existing).map(Some),
            None => {
                let Some(action) = w.item_text("  Corrective action (empty to finish)", None)?
                else {
                    return Ok(None);
                };
                let mut ca = CorrectiveAction::new(next_action_id(&coe.corrective_actions), action);
                for field in ActionField::ALL {
                    if field == ActionField::Due {
                        // Offered as the answer: `action_due_days` for the kind just chosen.
                        ca.due = coe.action_due(&ca, w.config);
                    }
                    if field != ActionField::Action && field != ActionField::Done {
                        w.ask_action_field(&mut ca, field)?;
                    }
                }
                Ok(Some(ca))
            }
        })
    }

    /// Changes one field of an existing action (or all of them).
    pub(super) fn change_action(
        &mut self,
        existing: &CorrectiveAction,
    ) -> Result<CorrectiveAction> {
        let mut ca = existing.clone();
        let mut names: Vec<&str> = ActionField::ALL.iter().map(|f| f.label()).collect();
        names.push("every field");
        let choice = self
            .p
            .select(&format!("  Which field of {}?", ca.id), &names, 0)?;
        match ActionField::ALL.get(choice) {
            Some(&field) => self.ask_action_field(&mut ca, field)?,
            None => {
                for field in ActionField::ALL {
                    self.ask_action_field(&mut ca, field)?;
                }
            }
        }
        Ok(ca)
    }

    pub(super) fn ask_action_field(
        &mut self,
        ca: &mut CorrectiveAction,
        field: ActionField,
    ) -> Result<()> {
        match field {
            ActionField::Action => {
                if let Some(a) = self.item_text("  Corrective action", Some(&ca.action))? {
                    ca.action = a;
                }
            }
            ActionField::Kind => {
                let kinds: Vec<&str> = ActionKind::ALL.iter().map(|k| k.as_str()).collect();
                let current = ca
                    .kind
                    .and_then(|k| ActionKind::ALL.iter().position(|x| *x == k))
                    .unwrap_or(0);
                ca.kind = Some(ActionKind::ALL[self.p.select("  Kind", &kinds, current)?]);
            }
            ActionField::Owner => {
                ca.owner = self
                    .p
                    .input(
                        "  Owner (a team or person; empty to decide later)",
                        Some(&ca.owner),
                    )?
                    .trim()
                    .to_string();
            }
            ActionField::Due => {
                ca.due =
                    self.ask_date("  Due (YYYY-MM-DD; empty to decide later)", ca.due, false)?;
            }
            ActionField::Status => self.update_status(ca)?,
            ActionField::Done => {
                if ca.status == ActionStatus::Done {
                    ca.done =
                        self.ask_date("  Done on (YYYY-MM-DD)", ca.done.or(Some(today())), true)?;
                } else {
                    self.p.say("  Only a done action has a done date.");
                }
            }
            ActionField::Link => {
                ca.link = self.ask_link("  Ticket link (optional)", ca.link.as_deref())?;
            }
        }
        Ok(())
    }

    /// Asks where an action stands; a newly done action asks its done date (default
    /// today, so a backfilled COE records the real day); a reopened one loses it.
    pub(super) fn update_status(&mut self, action: &mut CorrectiveAction) -> Result<()> {
        let statuses: Vec<&str> = ActionStatus::ALL.iter().map(|s| s.as_str()).collect();
        let current = ActionStatus::ALL
            .iter()
            .position(|s| *s == action.status)
            .unwrap_or(0);
        let label = format!(
            "  Status of {} {}",
            action.id,
            crate::output::markdown::shorten(&action.action, 60)
        );
        let status = ActionStatus::ALL[self.p.select(&label, &statuses, current)?];
        if status == ActionStatus::Done && action.done.is_none() {
            action.done = self.ask_date("  Done on (YYYY-MM-DD)", Some(today()), true)?;
        } else if status != ActionStatus::Done {
            action.done = None;
        }
        action.status = status;
        Ok(())
    }
}

/// A field of a corrective action, each changeable on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ActionField {
    Action,
    Kind,
    Owner,
    Due,
    Status,
    Done,
    Link,
}
impl ActionField {
    const ALL: [ActionField; 7] = [
        Self::Action,
        Self::Kind,
        Self::Owner,
        Self::Due,
        Self::Status,
        Self::Done,
        Self::Link,
    ];

    fn label(self) -> &'static str {
        match self {
            Self::Action => "action",
            Self::Kind => "kind",
            Self::Owner => "owner",
            Self::Due => "due",
            Self::Status => "status",
            Self::Done => "done date",
            Self::Link => "link",
        }
    }
}
/// The next free `CA-n`: one after the highest number in use.
pub(super) fn next_action_id(actions: &[CorrectiveAction]) -> String {
    let highest = actions
        .iter()
        .filter_map(|a| {
            a.id.strip_prefix("CA-")
                .and_then(|n| n.parse::<usize>().ok())
        })
        .max()
        .unwrap_or(0);
    format!("CA-{}", highest + 1)
}
