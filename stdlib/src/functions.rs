//! Built-in functions (`stdlib.md` section 3).
