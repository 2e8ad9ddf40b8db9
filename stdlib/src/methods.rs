//! Methods and properties of values (`stdlib.md` section 4).
