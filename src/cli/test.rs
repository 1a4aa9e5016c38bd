//! `patchcycle test [--group G]`: put the cycle's whole patch set on the pilot ring,
//! check health, and record the ring result the approval gate reads; `--status` shows
//! the result and the soak time left.

use anyhow::Result;
use clap::Args;
use serde::Serialize;

use super::Context;
use super::deploy::{RunArgs, execute};
use crate::cycle::deployment;
use crate::cycle::plan::Kind;
use crate::cycle::state;
use crate::error::Failure;
use crate::{clock, inventory, output};

#[derive(Debug, Args)]
pub struct TestArgs {
    /// The pilot group [default: the lowest ring that holds hosts]
    #[arg(short, long, add = super::complete::groups())]
    pub group: Option<String>,
    #[command(flatten)]
    pub run: RunArgs,
    /// Show the pilot's result and soak instead of testing
    #[arg(long, conflicts_with_all = ["dry_run", "resume", "now", "no_rollback"])]
    pub status: bool,
}

#[derive(Debug, Serialize, Default)]
struct TestStatus {
    cycle: String,
    group: String,
    deployment: Option<i64>,
    state: String,
    hosts_total: i64,
    hosts_ok: i64,
    finished: Option<String>,
    soak: String,
    soak_left: Option<String>,
}

pub fn run(ctx: &Context, a: &TestArgs) -> Result<()> {
    let group = match &a.group {
        Some(g) => g.clone(),
        None => {
            let db = ctx.open_db()?;
            inventory::list_groups(&db.conn)?
                .into_iter()
                .filter(|g| g.hosts > 0)
                .min_by_key(|g| g.order)
                .map(|g| g.name)
                .ok_or_else(|| {
                    Failure::usage("no group holds hosts")
                        .hint("add hosts with `patchcycle host add NAME --group pilot`")
                })?
        }
    };
    if a.status {
        return status(ctx, &group, a.run.cycle.as_deref());
    }
    execute(ctx, Kind::Test, &group, &a.run)
}

fn status(ctx: &Context, group: &str, cycle: Option<&str>) -> Result<()> {
    let db = ctx.open_db()?;
    let g = inventory::require_group(&db.conn, group)?;
    let (cycle_id, c) = state::find(&db.conn, cycle)?;
    let now = clock::now()?;
    let mut st = TestStatus {
        cycle: c.name.clone(),
        group: g.name.clone(),
        state: "not tested".into(),
        soak: g.policy.soak.to_string(),
        ..TestStatus::default()
    };
    st.deployment =
        deployment::latest(&db.conn, cycle_id, &g.name, Some(Kind::Test))?.map(|d| d.id);
    let result = deployment::latest_ring_result(&db.conn, cycle_id, &g.name)?
        .map(|r| (r.success, r.hosts_total, r.hosts_ok, r.finished));
    if let Some((ok, total, hosts_ok, finished)) = result {
        st.hosts_total = total;
        st.hosts_ok = hosts_ok;
        if !ok {
            st.state = "failed".into();
        } else {
            st.soak_left = state::soak_left(&finished, g.policy.soak.0, now)?;
            st.state = if st.soak_left.is_some() {
                "soaking"
            } else {
                "passed"
            }
            .into();
        }
        st.finished = Some(finished);
    } else if let Some(d) = st.deployment {
        let dep = deployment::get(&db.conn, d)?;
        st.state = dep.state.to_string();
    }
    output::show(
        &ctx.style,
        &st,
        &[
            ("cycle", st.cycle.clone()),
            ("group", st.group.clone()),
            ("deployment", output::or_dash(st.deployment)),
            ("state", st.state.clone()),
            ("hosts", format!("{} of {} ok", st.hosts_ok, st.hosts_total)),
            ("finished", output::or_dash(st.finished.as_ref())),
            ("soak", st.soak.clone()),
            ("soak left", output::or_dash(st.soak_left.as_ref())),
        ],
    )
}
