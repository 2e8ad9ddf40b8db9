//! The object tree on disk (`cli-and-layout.md`, `stdlib.md` section 5).
