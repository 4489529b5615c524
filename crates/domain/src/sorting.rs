//! Stable sorts that compile to one sort, not one per call site.
//!
//! The standard library's `sort_by` is generic over the element and the comparison, so each
//! call site with its own closure gets its own copy of the whole sort: in the app's wasm about
//! sixty copies, some 300 KB of code before optimisation (bench/wasm-size.mjs). These sort
//! positions instead and move the elements after:
//! - [`sort_by`] compares through a `&dyn Fn`, so the sort of positions is compiled once;
//! - [`sort_by_key`] reads each key once and sorts (key, position) pairs, one sort per key
//!   type, shared by every call site with that type, and with no call through a pointer.
//!
//! Both are stable, as `slice::sort_by` is; the position breaks ties.

use std::cmp::Ordering;

/// Sorts `items` by `compare`, stably (equal elements keep their order).
pub fn sort_by<T>(items: &mut [T], compare: impl Fn(&T, &T) -> Ordering) {
    let mut order = positions(items.len());
    sort_positions(&mut order, &|a, b| {
        compare(&items[a as usize], &items[b as usize])
    });
    permute(items, order);
}

/// Sorts `items` by the key `key` gives each, stably; the key is read once per element.
pub fn sort_by_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    let mut keyed: Vec<(K, u32)> = items
        .iter()
        .zip(0..)
        .map(|(item, at)| (key(item), at))
        .collect();
    // Positions are unique, so an unstable sort of the pairs is a stable sort of the items.
    keyed.sort_unstable();
    permute(items, keyed.into_iter().map(|(_, at)| at).collect());
}

/// 0, 1, … `len` − 1. A list of over 4 billion elements is not held in a browser's memory.
fn positions(len: usize) -> Vec<u32> {
    (0..u32::try_from(len).expect("fewer than 2³² elements")).collect()
}

/// The one instance of the standard sort that [`sort_by`] runs.
#[allow(clippy::disallowed_methods)]
fn sort_positions(order: &mut [u32], compare: &dyn Fn(u32, u32) -> Ordering) {
    order.sort_by(|&a, &b| compare(a, b));
}

/// Moves the element at `order[i]` to `i`, for every `i`, by swaps along each cycle.
fn permute<T>(items: &mut [T], mut order: Vec<u32>) {
    for start in 0..order.len() {
        let mut current = start;
        loop {
            let next = order[current] as usize;
            // Marks `current` as holding its element.
            order[current] = current as u32;
            if next == start || next == current {
                break;
            }
            items.swap(current, next);
            current = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Both agree with the standard stable sort, ties included: elements equal by the
        /// comparison but told apart by their second half keep their order.
        #[test]
        fn sorts_as_the_standard_stable_sort(items in proptest::collection::vec((0u8..8, any::<u16>()), 0..300)) {
            let mut expected = items.clone();
            expected.sort_by_key(|item| item.0);
            let mut by = items.clone();
            sort_by(&mut by, |a, b| a.0.cmp(&b.0));
            prop_assert_eq!(&by, &expected);
            let mut by_key = items.clone();
            sort_by_key(&mut by_key, |item| item.0);
            prop_assert_eq!(&by_key, &expected);
        }

        /// A reversed comparison: newest first, as lists sort.
        #[test]
        fn sorts_descending(items in proptest::collection::vec(any::<i64>(), 0..200)) {
            let mut expected = items.clone();
            expected.sort_by(|a, b| b.cmp(a));
            let mut by = items.clone();
            sort_by(&mut by, |a, b| b.cmp(a));
            prop_assert_eq!(&by, &expected);
            let mut by_key = items;
            sort_by_key(&mut by_key, |item| std::cmp::Reverse(*item));
            prop_assert_eq!(by_key, expected);
        }
    }

    #[test]
    fn moves_elements_that_own_memory() {
        let mut names: Vec<String> = ["b", "c", "a", "b"].map(String::from).to_vec();
        sort_by(&mut names, |a, b| a.cmp(b));
        assert_eq!(names, ["a", "b", "b", "c"]);
        sort_by_key(&mut names, |name| std::cmp::Reverse(name.clone()));
        assert_eq!(names, ["c", "b", "b", "a"]);
    }
}
