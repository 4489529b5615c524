//! Ranking matches, for the command palette: it shows a handful of the best matches out of
//! every kind of record, page and action, so it needs an order, not only a filter.

use super::word::{ByteCounts, Word};
use super::{First, Haystack, Needles, Query, Scan};
use std::cmp::Ordering;

/// How well a text matches a query; smaller is better. Each query word counts by where it
/// is found: as a whole field (0), at a field's start (1) or inside one (2). Equal counts go
/// to the shorter text, whose match covers more of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rank {
    placement: u32,
    length: u32,
}

impl Rank {
    /// The rank every text has for an empty query (everything matches, in order).
    pub const ANY: Rank = Rank {
        placement: 0,
        length: 0,
    };
}

/// Where a word is best placed in a text whose fields are separated by single spaces.
fn placement(text: &[u8], word: &Word) -> Option<u32> {
    Some(placement_from(text, word.find(text, 0)?, word))
}

/// Where `word`, first found at `at` in `text`, is best placed in it.
pub(super) fn placement_from(text: &[u8], mut at: usize, word: &Word) -> u32 {
    let mut best = u32::MAX;
    loop {
        best = best.min(field_placement(text, at, word.len()));
        // A whole field cannot be beaten: stop looking.
        if best == 0 {
            return best;
        }
        match word.find(text, at + 1) {
            Some(next) => at = next,
            None => return best,
        }
    }
}

/// Where the word of `length` bytes found at `at` in `text` is: a whole field (0), a field's
/// start (1) or inside one (2).
fn field_placement(text: &[u8], at: usize, length: usize) -> u32 {
    let starts = at == 0 || text[at - 1] == b' ';
    let end = at + length;
    let ends = end == text.len() || text[end] == b' ';
    match (starts, ends) {
        (true, true) => 0,
        (true, false) => 1,
        _ => 2,
    }
}

impl Query {
    /// How well `text` (from [`super::search_text`] or [`super::normalize`]) matches, or
    /// `None` when some word of the query is not in it. An empty query ranks every text
    /// alike ([`Rank::ANY`]), so they keep their order.
    pub fn rank(&self, text: &str) -> Option<Rank> {
        if self.is_empty() {
            return Some(Rank::ANY);
        }
        self.words(&ByteCounts::default())
            .rank(text, First::Unchecked)
    }
}

impl Needles<'_> {
    /// The rank of `text`, given what is known of the first word in it.
    fn rank(&self, text: &str, first: First) -> Option<Rank> {
        let mut total = 0;
        for (at, word) in self.0.iter().enumerate() {
            total += match first {
                First::Placed(placement) if at == 0 => placement,
                _ => placement(text.as_bytes(), word)?,
            };
        }
        Some(Rank {
            placement: total,
            length: u32::try_from(text.len()).unwrap_or(u32::MAX),
        })
    }
}

impl Haystack {
    /// The best `limit` records for `query`, best first, by position; records of equal rank
    /// keep their order. Each record that may match (see [`Haystack::matches`]) is ranked as
    /// it is found.
    pub fn best(&self, query: &Query, limit: usize) -> Vec<(Rank, usize)> {
        let mut best = Best::new(limit);
        if query.is_empty() {
            (0..self.starts.len().min(limit)).for_each(|record| best.push(Rank::ANY, record));
            return best.into_sorted();
        }
        let needles = query.words(&self.counts);
        self.search(query, Scan::Ranking, |record, first| {
            let rank = needles.rank(self.record(record), first);
            if let Some(rank) = rank {
                best.push(rank, record);
            }
            rank.is_some()
        });
        best.into_sorted()
    }
}

/// The `limit` best items pushed, by [`Rank`], ties kept in the order pushed. Holds at most
/// twice `limit` items at a time, so picking 10 out of 100,000 matches sorts no more than 20,
/// and once it holds `limit` it turns away at once what ranks no better than the worst of them.
#[derive(Clone, Debug)]
pub struct Best<T> {
    limit: usize,
    pushed: usize,
    items: Vec<(Rank, usize, T)>,
    /// The worst rank kept when the items were last cut to `limit`: an item pushed later
    /// with this rank or a worse one comes after all of them.
    cutoff: Option<Rank>,
}

impl<T> Best<T> {
    pub fn new(limit: usize) -> Self {
        Best {
            limit,
            pushed: 0,
            items: Vec::new(),
            cutoff: None,
        }
    }

    pub fn push(&mut self, rank: Rank, item: T) {
        if self.limit == 0 || self.cutoff.is_some_and(|cutoff| rank >= cutoff) {
            return;
        }
        self.items.push((rank, self.pushed, item));
        self.pushed += 1;
        if self.items.len() >= 2 * self.limit {
            self.items
                .select_nth_unstable_by(self.limit - 1, Self::order);
            self.items.truncate(self.limit);
            self.cutoff = self.items.iter().map(|(rank, ..)| *rank).max();
        }
    }

    /// The best items, best first, each with its rank.
    pub fn into_sorted(mut self) -> Vec<(Rank, T)> {
        self.items.sort_unstable_by(Self::order);
        self.items.truncate(self.limit);
        self.items
            .into_iter()
            .map(|(rank, _, item)| (rank, item))
            .collect()
    }

    fn order(a: &(Rank, usize, T), b: &(Rank, usize, T)) -> Ordering {
        (a.0, a.1).cmp(&(b.0, b.1))
    }
}

#[cfg(test)]
mod tests {
    use super::super::{normalize, search_text};
    use super::*;
    use proptest::prelude::*;

    fn rank(query: &str, text: &str) -> Option<Rank> {
        Query::parse(query).rank(&search_text([text], []))
    }

    #[test]
    fn a_whole_field_beats_a_start_which_beats_the_inside() {
        let whole = rank("ali", "Ali").unwrap();
        let start = rank("ali", "Alireza").unwrap();
        let inside = rank("ali", "Mahali").unwrap();
        assert!(
            whole < start && start < inside,
            "{whole:?} {start:?} {inside:?}"
        );
        assert_eq!(rank("ali", "Reza"), None);
    }

    #[test]
    fn every_word_counts_and_a_shorter_text_wins_a_tie() {
        let fields = |texts: &[&str]| search_text(texts.iter().copied(), []);
        let query = Query::parse("ali rez");
        let both_start = query.rank(&fields(&["Ali", "Rezaei"])).unwrap();
        let one_inside = query.rank(&fields(&["Ali", "Tabrezi"])).unwrap();
        assert!(both_start < one_inside);
        let short = query.rank(&fields(&["Ali", "Rezaei"])).unwrap();
        let long = query.rank(&fields(&["Ali", "Rezaei", "Acme"])).unwrap();
        assert!(short < long);
        assert_eq!(query.rank(&fields(&["Ali"])), None);
    }

    #[test]
    fn arabic_spellings_rank_as_persian_ones() {
        assert_eq!(rank("علي", "علی"), rank("علی", "علی"));
        assert_eq!(rank("۰۹۱۲", "0912"), rank("0912", "0912"));
    }

    #[test]
    fn labels_rank_by_their_words() {
        let label = normalize("New contact");
        let query = Query::parse("con");
        assert!(query.rank(&label).is_some());
        assert!(query.rank(&label) < query.rank(&normalize("Reconnect")));
        assert_eq!(Query::parse("").rank(&label), Some(Rank::ANY));
    }

    #[test]
    fn a_haystack_gives_its_best_records_first() {
        let texts = ["mahali", "ali", "reza", "alireza", "ali"];
        let texts: Vec<String> = texts.iter().map(|t| search_text([*t], [])).collect();
        let haystack = Haystack::new(texts.iter().map(String::as_str));
        let positions = |limit| -> Vec<usize> {
            let best = haystack.best(&Query::parse("ali"), limit);
            best.into_iter().map(|(_, at)| at).collect()
        };
        assert_eq!(positions(10), [1, 4, 3, 0]);
        assert_eq!(positions(2), [1, 4]);
        assert_eq!(positions(0), Vec::<usize>::new());
        let empty = haystack.best(&Query::parse(""), 3);
        assert_eq!(
            empty.iter().map(|(_, at)| *at).collect::<Vec<_>>(),
            [0, 1, 2]
        );
    }

    proptest! {
        #[test]
        fn best_keeps_what_a_full_stable_sort_would(
            ranks in proptest::collection::vec((0u32..4, 0u32..4), 0..60),
            limit in 0usize..12,
        ) {
            let ranks: Vec<Rank> = ranks
                .into_iter()
                .map(|(placement, length)| Rank { placement, length })
                .collect();
            let mut best = Best::new(limit);
            for (at, rank) in ranks.iter().enumerate() {
                best.push(*rank, at);
            }
            let mut expected: Vec<(Rank, usize)> = ranks.iter().copied().zip(0..).collect();
            expected.sort_by_key(|(rank, _)| *rank);
            expected.truncate(limit);
            prop_assert_eq!(best.into_sorted(), expected);
        }

        #[test]
        fn a_haystack_ranks_as_each_record_does(
            texts in proptest::collection::vec("[ab 1]{0,8}", 0..12),
            query in "[ab 1]{0,4}",
            limit in 0usize..6,
        ) {
            let texts: Vec<String> = texts.iter().map(|text| normalize(text)).collect();
            let query = Query::parse(&query);
            let haystack = Haystack::new(texts.iter().map(String::as_str));
            let mut expected: Vec<(Rank, usize)> = texts
                .iter()
                .enumerate()
                .filter_map(|(at, text)| query.rank(text).map(|rank| (rank, at)))
                .collect();
            expected.sort();
            expected.truncate(limit);
            prop_assert_eq!(haystack.best(&query, limit), expected);
        }

        #[test]
        fn ranking_finds_exactly_what_matching_finds(
            text in "[ab 1]{0,10}",
            query in "[ab 1]{0,4}",
        ) {
            let text = normalize(&text);
            let query = Query::parse(&query);
            prop_assert_eq!(query.rank(&text).is_some(), query.matches(&text));
        }
    }
}
