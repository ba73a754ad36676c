//! Property tests of the history rules.

use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use sync_core::domain::{InstanceRecord, SessionId, SyncCategory, SyncSession};
use sync_core::history::{
    HistoryQuery, PageRequest, SessionWithItems, batch_details, filter_sessions, group_key, group_sessions,
    history_page,
};
use sync_core::strategies::{epoch, history_sessions, records_for, session_status, sync_type};

fn query() -> impl Strategy<Value = HistoryQuery> {
    (
        proptest::option::of(sync_type()),
        proptest::option::of(session_status()),
        proptest::option::of(0i64..600),
        proptest::option::of(0i64..600),
        1i64..8,
    )
        .prop_map(|(sync_type, status, since, until, per_page)| HistoryQuery {
            category: SyncCategory::Account,
            sync_type,
            status,
            since: since.map(|s| epoch() + chrono::Duration::seconds(s)),
            until: until.map(|s| epoch() + chrono::Duration::seconds(s)),
            page: PageRequest::new(1, per_page).unwrap(),
        })
}

fn all_groups(sessions: &[SessionWithItems], q: &HistoryQuery) -> Vec<sync_core::history::HistoryGroup> {
    group_sessions(filter_sessions(sessions, q))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn grouping_is_a_partition_of_the_filtered_sessions(sessions in history_sessions(0..40), q in query()) {
        let filtered: BTreeSet<SessionId> =
            filter_sessions(&sessions, &q).iter().map(|s| s.session.session_id).collect();
        let mut seen = BTreeSet::new();
        for g in all_groups(&sessions, &q) {
            prop_assert!(!g.session_ids.is_empty());
            for id in &g.session_ids {
                prop_assert!(seen.insert(*id), "session {} in two groups", id);
            }
        }
        prop_assert_eq!(seen, filtered);
    }

    #[test]
    fn group_sums_equal_sums_over_members(sessions in history_sessions(0..40), q in query()) {
        let by_id: BTreeMap<SessionId, &SessionWithItems> =
            sessions.iter().map(|s| (s.session.session_id, s)).collect();
        for g in all_groups(&sessions, &q) {
            let members: Vec<&SessionWithItems> = g.session_ids.iter().map(|id| by_id[id]).collect();
            for m in &members {
                prop_assert_eq!(group_key(&m.session), g.key);
            }
            prop_assert_eq!(g.total_instances, members.iter().map(|m| u64::from(m.session.total_instances)).sum::<u64>());
            prop_assert_eq!(g.successful_instances, members.iter().map(|m| u64::from(m.session.successful_instances)).sum::<u64>());
            prop_assert_eq!(g.failed_instances, members.iter().map(|m| u64::from(m.session.failed_instances)).sum::<u64>());
            prop_assert_eq!(g.items, members.iter().map(|m| m.items).sum());
            prop_assert_eq!(g.created_at, members.iter().map(|m| m.session.created_at).max().unwrap());
            prop_assert_eq!(g.started_at, members.iter().filter_map(|m| m.session.started_at).min());
        }
    }

    #[test]
    fn result_does_not_depend_on_input_order(
        (sessions, shuffled) in history_sessions(0..40).prop_flat_map(|s| (Just(s.clone()), Just(s).prop_shuffle())),
        q in query(),
    ) {
        prop_assert_eq!(all_groups(&sessions, &q), all_groups(&shuffled, &q));
        prop_assert_eq!(history_page(&sessions, &q), history_page(&shuffled, &q));
    }

    #[test]
    fn walking_every_page_returns_every_group_once_newest_first(sessions in history_sessions(0..40), q in query()) {
        let expected = all_groups(&sessions, &q);
        let first = history_page(&sessions, &q);
        let mut walked = Vec::new();
        for page in 1..=first.pages + 1 {
            let q = HistoryQuery { page: PageRequest::new(i64::from(page), i64::from(q.page.per_page())).unwrap(), ..q.clone() };
            let p = history_page(&sessions, &q);
            prop_assert_eq!(p.total, expected.len() as u64);
            prop_assert_eq!(p.pages, first.pages);
            prop_assert!(p.items.len() <= q.page.per_page() as usize);
            if page > first.pages {
                prop_assert!(p.items.is_empty());
            }
            walked.extend(p.items);
        }
        for w in walked.windows(2) {
            prop_assert!((w[0].created_at, w[0].last_id) > (w[1].created_at, w[1].last_id));
        }
        prop_assert_eq!(walked, expected);
    }

    #[test]
    fn batch_details_hold_one_row_per_instance_and_the_newest_wins(
        (sessions, records, pick) in history_sessions(1..15).prop_flat_map(|s| {
            let plain: Vec<SyncSession> = s.into_iter().map(|s| s.session).collect();
            let n = plain.len();
            (Just(plain.clone()), records_for(plain), proptest::collection::vec(0..n, 1..4))
        })
    ) {
        let ids: Vec<SessionId> = pick.iter().map(|i| sessions[*i].session_id).collect();
        let d = batch_details(&sessions, &records, &ids).unwrap();
        let wanted: BTreeSet<SessionId> = ids.iter().copied().collect();
        let candidates: Vec<&InstanceRecord> = records.iter().filter(|r| wanted.contains(&r.session_id)).collect();
        let instances: BTreeSet<i64> = candidates.iter().map(|r| r.instance_id).collect();
        prop_assert_eq!(d.records.len(), instances.len());
        for shown in &d.records {
            let newest = candidates
                .iter()
                .filter(|r| r.instance_id == shown.instance_id)
                .max_by_key(|r| (r.created_at, r.id))
                .unwrap();
            prop_assert_eq!(shown.id, newest.id);
        }
        for w in d.records.windows(2) {
            prop_assert!(w[0].instance_name <= w[1].instance_name);
        }
        prop_assert_eq!(d.items, d.records.iter().map(|r| r.items).sum());
    }
}
