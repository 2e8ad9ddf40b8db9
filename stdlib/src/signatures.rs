//! Signatures of every built-in (`stdlib.md` section 6).
