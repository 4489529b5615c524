//! Finding a query word in search text, by the word's rarest byte first.
//!
//! Search text is mostly Persian, whose letters are two bytes in UTF-8 sharing a handful of
//! first bytes. A general substring searcher guesses which byte of a word is rare from other
//! text (memchr's table takes ی and ا, Persian's commonest letters, for rare ones) and stops
//! at nearly every letter; counting the bytes of the text searched tells them apart.

/// How often each byte occurs in a text, from a sample of it.
#[derive(Clone, Debug)]
pub(super) struct ByteCounts([u32; 256]);

impl Default for ByteCounts {
    fn default() -> Self {
        ByteCounts([0; 256])
    }
}

impl ByteCounts {
    /// Counts one byte in every `STRIDE`: a sample tells common bytes from rare ones as well
    /// as the whole text does, for a fraction of a pass over it.
    pub fn sample(text: &[u8]) -> ByteCounts {
        // Odd, so that a sample does not fall on one byte of every letter.
        const STRIDE: usize = 31;
        let mut counts = [0; 256];
        for byte in text.iter().step_by(STRIDE) {
            counts[usize::from(*byte)] += 1;
        }
        ByteCounts(counts)
    }

    fn of(&self, byte: u8) -> u32 {
        self.0[usize::from(byte)]
    }
}

/// A query word (never empty), with where its rarest byte is.
pub(super) struct Word<'q> {
    bytes: &'q [u8],
    rare: usize,
}

impl<'q> Word<'q> {
    pub fn new(word: &'q str, counts: &ByteCounts) -> Word<'q> {
        let bytes = word.as_bytes();
        let rare = (0..bytes.len())
            .min_by_key(|&at| counts.of(bytes[at]))
            .unwrap_or(0);
        Word { bytes, rare }
    }

    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Where the word next occurs in `text` at or after `from`.
    pub fn find(&self, text: &[u8], from: usize) -> Option<usize> {
        let rare = self.bytes[self.rare];
        let mut at = from + self.rare;
        while at < text.len() {
            at += memchr::memchr(rare, &text[at..])?;
            let start = at - self.rare;
            if text[start..].starts_with(self.bytes) {
                return Some(start);
            }
            at += 1;
        }
        None
    }

    /// Whether the word occurs in `text`.
    pub fn is_in(&self, text: &[u8]) -> bool {
        self.find(text, 0).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn a_word_is_found_where_the_standard_search_finds_it(
            text in "[ab 1یا]{0,16}",
            word in "[ab1یا]{1,3}",
            sample in "[ab 1یا]{0,16}",
        ) {
            let counts = ByteCounts::sample(sample.as_bytes());
            let found = Word::new(&word, &counts).find(text.as_bytes(), 0);
            prop_assert_eq!(found, text.find(word.as_str()));
        }
    }
}
