//! The compile-time checks of `language.md` section 11.
