//! Lower-case hexadecimal, the one encoding of bytes as text the site uses: session and CSRF
//! tokens, the import fingerprint, and the content hash in static files' names.

/// `bytes` as lower-case hex digits, two per byte, most significant nibble first.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for &byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::hex;

    #[test]
    fn matches_the_standard_formatting() {
        assert_eq!(hex(&[]), "");
        assert_eq!(hex(&[0x00, 0x0f, 0xa0, 0xff]), "000fa0ff");
        let number = 0xcbf2_9ce4_8422_2325_u64;
        assert_eq!(hex(&number.to_be_bytes()), format!("{number:016x}"));
    }
}
