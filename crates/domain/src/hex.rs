//! Lower-case hex digits written straight into a string. Ids and stamps are made by the
//! hundred thousand during an import, where `format!` per byte showed up in profiles.

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Appends the low `digits` hex digits of `value`, zero-padded.
pub(crate) fn push_number(out: &mut String, value: u64, digits: usize) {
    for shift in (0..digits).rev() {
        let nibble = (value >> (shift * 4)) & 0xf;
        out.push(DIGITS[nibble as usize] as char);
    }
}

/// A byte's two hex digits, high first.
pub(crate) fn byte_digits(byte: u8) -> [u8; 2] {
    [
        DIGITS[usize::from(byte >> 4)],
        DIGITS[usize::from(byte & 0xf)],
    ]
}

/// Appends two hex digits per byte.
pub(crate) fn push_bytes(out: &mut String, bytes: &[u8]) {
    for byte in bytes {
        push_number(out, u64::from(*byte), 2);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_format() {
        for value in [0u64, 1, 0xab, 0xdead_beef, u64::MAX] {
            let mut out = String::new();
            push_number(&mut out, value, 16);
            assert_eq!(out, format!("{value:016x}"));
        }
        let mut out = String::new();
        push_bytes(&mut out, &[0, 0x0f, 0xf0, 0xff]);
        assert_eq!(out, "000ff0ff");
    }
}
