//! POSIX shell word splitting for `__use_shell__ = false` (`language.md`
//! 4.4, A64): quotes removed, backslash escapes honoured, no variable or
//! glob expansion.

/// Why a command could not be split.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WordsError {
    /// A quote was not closed.
    #[error("unterminated quote in command")]
    UnterminatedQuote,
    /// A backslash ends the command.
    #[error("trailing backslash in command")]
    TrailingBackslash,
}

/// Splits `cmd` into words as a POSIX shell would, without expansions.
pub fn split_words(cmd: &str) -> Result<Vec<String>, WordsError> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = cmd.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some('\n') => {}
                    Some(n) => cur.push(n),
                    None => return Err(WordsError::TrailingBackslash),
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(n) => cur.push(n),
                        None => return Err(WordsError::UnterminatedQuote),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(n @ ('"' | '\\' | '$' | '`')) => cur.push(n),
                            Some('\n') => {}
                            Some(n) => {
                                cur.push('\\');
                                cur.push(n);
                            }
                            None => return Err(WordsError::UnterminatedQuote),
                        },
                        Some(n) => cur.push(n),
                        None => return Err(WordsError::UnterminatedQuote),
                    }
                }
            }
            other => {
                in_word = true;
                cur.push(other);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_a_shell() {
        assert_eq!(
            split_words("echo  'a b' \"c\\\"d\" e\\ f").unwrap(),
            vec!["echo", "a b", "c\"d", "e f"]
        );
        assert_eq!(split_words("echo $HOME").unwrap(), vec!["echo", "$HOME"]);
        assert_eq!(split_words("''").unwrap(), vec![""]);
        assert_eq!(split_words("'x"), Err(WordsError::UnterminatedQuote));
    }
}
