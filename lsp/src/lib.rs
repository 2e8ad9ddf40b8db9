//! The Jobflow language server.
