//! A list's custom fields as its saved views keep them: the fields shown as columns, the
//! one it is sorted by and the option each filtered field must hold, as pairs of the view's
//! query-string text (see `crate::model::encode_state`), beside the list's own.

use std::collections::BTreeMap;

/// The key of the shown columns: definition ids, joined by commas.
const COLUMNS_KEY: &str = "columns";
/// The key of the field sorted by.
const SORT_KEY: &str = "field_sort";
/// A filter's key is this prefix and its definition's id.
const FILTER_PREFIX: &str = "field.";

/// What a list shows, sorts and filters of its custom fields, by definition id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListColumns {
    /// The columns shown, in the order chosen; `None` when a view names none, so the list
    /// keeps what this device chose.
    pub columns: Option<Vec<String>>,
    pub sort: Option<String>,
    /// The option (or "yes"/"no" for a checkbox) each filtered field must hold.
    pub filters: BTreeMap<String, String>,
}

impl ListColumns {
    /// The state as pairs of a view's text; what is empty is left out.
    pub fn pairs(&self) -> Vec<(String, String)> {
        let columns = self.columns.as_ref().map(|ids| ids.join(","));
        columns
            .map(|ids| (COLUMNS_KEY.to_owned(), ids))
            .into_iter()
            .chain(self.sort.clone().map(|id| (SORT_KEY.to_owned(), id)))
            .chain(
                self.filters
                    .iter()
                    .map(|(id, wanted)| (format!("{FILTER_PREFIX}{id}"), wanted.clone())),
            )
            .filter(|(_, value)| !value.is_empty())
            .collect()
    }

    /// Reads the state from a view's pairs, ignoring the list's own keys.
    pub fn from_pairs(pairs: &[(String, String)]) -> ListColumns {
        let mut state = ListColumns::default();
        for (key, value) in pairs.iter().filter(|(_, value)| !value.is_empty()) {
            if key == COLUMNS_KEY {
                state.columns = Some(value.split(',').map(str::to_owned).collect());
            } else if key == SORT_KEY {
                state.sort = Some(value.clone());
            } else if let Some(id) = key.strip_prefix(FILTER_PREFIX) {
                state.filters.insert(id.to_owned(), value.clone());
            }
        }
        state
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{decode_state, encode_state};
    use proptest::prelude::*;

    fn through_text(state: &ListColumns) -> ListColumns {
        let pairs = state.pairs();
        let text = encode_state(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        ListColumns::from_pairs(&decode_state(&text))
    }

    proptest! {
        /// A view's columns, sort and filters come back as saved from its text.
        #[test]
        fn state_reads_back_from_a_views_text(
            columns in proptest::option::of(proptest::collection::vec("[a-z0-9-]{1,12}", 1..4)),
            sort in proptest::option::of("[a-z0-9-]{1,12}"),
            filters in proptest::collection::btree_map("[a-z0-9-]{1,12}", "[a-zé ۱]{1,8}", 0..3),
        ) {
            let state = ListColumns { columns, sort, filters };
            prop_assert_eq!(through_text(&state), state);
        }
    }

    #[test]
    fn a_lists_own_keys_are_not_read_as_its_fields() {
        let pairs = decode_state("q=ali&sort=name&columns=f1,f2&field.f3=gold");
        let state = ListColumns::from_pairs(&pairs);
        assert_eq!(state.columns, Some(vec!["f1".to_owned(), "f2".to_owned()]));
        assert_eq!(state.sort, None);
        assert_eq!(state.filters.get("f3").map(String::as_str), Some("gold"));
        assert_eq!(state.filters.len(), 1);
    }

    #[test]
    fn a_view_naming_no_columns_keeps_the_devices_choice() {
        assert_eq!(
            ListColumns::from_pairs(&decode_state("sort=name")).columns,
            None
        );
    }
}
