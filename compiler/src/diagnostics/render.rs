//! Rendering of diagnostics: ariadne for people, JSON lines and GitHub
//! workflow commands for machines (`cli-and-layout.md`).
//!
//! (Being written; see the checker's owner.)
