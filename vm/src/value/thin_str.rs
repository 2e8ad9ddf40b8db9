//! [`ThinStr`]: the text of a String value in one heap block.
//!
//! `Rc<String>` costs two allocations per String (the `Rc` box, then the
//! `String`'s buffer) and a pointer chase on every read. A `ThinStr` is one
//! pointer to one block laid out as
//!
//! ```text
//! +-------------+-----------+-----------+---------------------------+
//! | refs: usize | len: usize| cap: usize| cap bytes, len of them UTF-8|
//! +-------------+-----------+-----------+---------------------------+
//! ^ ThinStr.ptr               (header: 24 bytes on 64-bit)
//! ```
//!
//! so building a String is one allocation and reading it one load. The
//! count is not atomic (values are process-local, `ThinStr` is neither
//! `Send` nor `Sync`), and the text may grow in place while one handle alone
//! holds the block ([`ThinStr::try_push_str`]), which keeps `s = s + piece`
//! in a loop linear. No crate on crates.io gives this combination (non-atomic,
//! thin, growable when unique): `triomphe::ThinArc` and `arcstr` are atomic
//! and fixed-size, `cowstr` is atomic, `ecow::EcoString` is two words.

use std::alloc::{self, Layout};
use std::cell::Cell;
use std::marker::PhantomData;
use std::ptr::NonNull;

/// The block's header; the text's bytes follow it.
#[repr(C)]
struct Header {
    /// How many `ThinStr` handles point at the block (at least 1 while one exists).
    refs: Cell<usize>,
    /// Bytes of text in use (valid UTF-8).
    len: usize,
    /// Bytes of text the block has room for.
    cap: usize,
}

/// Size of the header: the text starts this many bytes into the block.
const HEADER: usize = size_of::<Header>();

/// The smallest capacity a growing String gets, so that appending single
/// characters does not reallocate for each of the first few.
const MIN_GROW: usize = 16;

/// A reference-counted, single-allocation, non-atomic UTF-8 string behind
/// one pointer. Cloning shares the text; the text changes only through
/// [`ThinStr::try_push_str`], which refuses unless this handle is the only
/// one.
pub struct ThinStr {
    /// The block: a `Header`, initialized, followed by `cap` bytes of which
    /// the first `len` are initialized UTF-8. Always from [`alloc::alloc`]
    /// with [`block_layout`]`(cap)`.
    ptr: NonNull<Header>,
    /// The handle owns a share of a `Header` (for drop check); `NonNull`
    /// already keeps `ThinStr` from being `Send` or `Sync`.
    _owns: PhantomData<Header>,
}

/// The layout of a block with room for `cap` bytes of text.
///
/// Panics ("capacity overflow", as `String` does) when the block would be
/// larger than `isize::MAX`: no text of that size can exist.
fn block_layout(cap: usize) -> Layout {
    HEADER
        .checked_add(cap)
        .and_then(|size| Layout::from_size_align(size, align_of::<Header>()).ok())
        .unwrap_or_else(|| capacity_overflow())
}

#[cold]
fn capacity_overflow() -> ! {
    panic!("capacity overflow")
}

impl ThinStr {
    /// An empty String with room for `cap` bytes.
    pub fn with_capacity(cap: usize) -> Self {
        let layout = block_layout(cap);
        // SAFETY: the layout's size is at least HEADER > 0.
        let raw = unsafe { alloc::alloc(layout) };
        let Some(block) = NonNull::new(raw.cast::<Header>()) else {
            alloc::handle_alloc_error(layout)
        };
        // SAFETY: the block is freshly allocated for a Header (size and
        // alignment from `block_layout`) and not yet shared; `write` does not
        // read the uninitialized memory.
        unsafe {
            block.as_ptr().write(Header {
                refs: Cell::new(1),
                len: 0,
                cap,
            })
        };
        ThinStr {
            ptr: block,
            _owns: PhantomData,
        }
    }

    /// A String holding a copy of `text`, in a block of exactly its size.
    pub fn new(text: &str) -> Self {
        let mut s = ThinStr::with_capacity(text.len());
        // SAFETY: `s` is fresh, so unique, and has room for `text.len()` bytes.
        unsafe { s.append_unchecked(text) };
        s
    }

    /// A String holding `a` then `b`, in a block of exactly their size.
    ///
    /// Panics ("capacity overflow") if the lengths add up beyond `usize`.
    pub fn concat(a: &str, b: &str) -> Self {
        let len = a.len().checked_add(b.len()).unwrap_or_else(|| capacity_overflow());
        let mut s = ThinStr::with_capacity(len);
        // SAFETY: `s` is fresh, so unique, and has room for both texts.
        unsafe {
            s.append_unchecked(a);
            s.append_unchecked(b);
        }
        s
    }

    fn header(&self) -> &Header {
        // SAFETY: `ptr` points at an initialized Header for as long as a
        // handle exists; the header is only written through `&mut self` of
        // the only handle (or its refs through `Cell`).
        unsafe { self.ptr.as_ref() }
    }

    /// A pointer to the first byte of text (derived from the block pointer,
    /// so it may reach the whole block).
    fn data(&self) -> *mut u8 {
        // SAFETY: the block is HEADER + cap bytes, so HEADER bytes in is
        // inside it or one past its end (cap == 0).
        unsafe { self.ptr.as_ptr().cast::<u8>().add(HEADER) }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        let len = self.header().len;
        // SAFETY: the first `len` bytes after the header are initialized and
        // valid UTF-8 (every write appends a whole `&str`); they change only
        // through `&mut self` of the only handle, which cannot coexist with
        // this borrow of `self`.
        unsafe { std::str::from_utf8_unchecked(std::slice::from_raw_parts(self.data(), len)) }
    }

    /// Length of the text in bytes.
    pub fn len(&self) -> usize {
        self.header().len
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes of text the block holds before appending must reallocate.
    pub fn capacity(&self) -> usize {
        self.header().cap
    }

    /// Whether this handle is the only one on its block.
    pub fn is_unique(&self) -> bool {
        self.header().refs.get() == 1
    }

    /// The block's address: equal for two handles exactly when they share
    /// their text (the identity a snapshot keeps).
    pub fn as_ptr(&self) -> *const () {
        self.ptr.as_ptr().cast_const().cast()
    }

    /// Whether `a` and `b` share one block.
    pub fn ptr_eq(a: &ThinStr, b: &ThinStr) -> bool {
        a.ptr == b.ptr
    }

    /// Appends `text` in place when this handle is the only one on its block
    /// (growing the block geometrically, so a loop of appends is amortised
    /// linear) and returns `true`; returns `false`, changing nothing, when
    /// the text is shared.
    #[must_use]
    pub fn try_push_str(&mut self, text: &str) -> bool {
        if !self.is_unique() {
            return false;
        }
        let needed = self
            .len()
            .checked_add(text.len())
            .unwrap_or_else(|| capacity_overflow());
        if needed > self.capacity() {
            self.grow(needed);
        }
        // SAFETY: unique (checked above) and room for `needed` bytes.
        unsafe { self.append_unchecked(text) };
        true
    }

    /// Reallocates the (unique) block to hold at least `needed` bytes.
    fn grow(&mut self, needed: usize) {
        let old_cap = self.capacity();
        let new_cap = needed.max(old_cap.saturating_mul(2)).max(MIN_GROW);
        let old = block_layout(old_cap);
        let new = block_layout(new_cap);
        // SAFETY: the block was allocated by the global allocator with
        // layout `old` (its current cap); `new.size()` is non-zero and at
        // most isize::MAX (checked by `block_layout`); the caller holds the
        // only handle, and `&mut self` means no borrow of the text is alive,
        // so moving the block invalidates nothing.
        let raw = unsafe { alloc::realloc(self.ptr.as_ptr().cast(), old, new.size()) };
        let Some(block) = NonNull::new(raw.cast::<Header>()) else {
            alloc::handle_alloc_error(new)
        };
        self.ptr = block;
        // SAFETY: realloc kept the header's bytes; the block is ours alone.
        unsafe { (*self.ptr.as_ptr()).cap = new_cap };
    }

    /// Copies `text` after the current text.
    ///
    /// # Safety
    ///
    /// This handle must be the only one on its block, and `len + text.len()`
    /// must be at most `cap`.
    unsafe fn append_unchecked(&mut self, text: &str) {
        let len = self.len();
        // SAFETY: per the contract the destination range [len, len +
        // text.len()) lies in the block's text area, and `text` cannot
        // overlap it: `&mut self` on the only handle means no `&str` into
        // this block exists.
        unsafe {
            std::ptr::copy_nonoverlapping(text.as_ptr(), self.data().add(len), text.len());
            (*self.ptr.as_ptr()).len = len + text.len();
        }
    }
}

impl Clone for ThinStr {
    fn clone(&self) -> Self {
        let refs = &self.header().refs;
        let n = refs.get().wrapping_add(1);
        if n == 0 {
            // As `Rc` does: a count that wraps would free live text later.
            std::process::abort();
        }
        refs.set(n);
        ThinStr {
            ptr: self.ptr,
            _owns: PhantomData,
        }
    }
}

impl Drop for ThinStr {
    fn drop(&mut self) {
        let refs = &self.header().refs;
        let n = refs.get() - 1;
        refs.set(n);
        if n == 0 {
            let layout = block_layout(self.capacity());
            // SAFETY: this was the last handle, so nothing else reads the
            // block; it was allocated by the global allocator with this
            // layout (the header's cap tracks every realloc).
            unsafe { alloc::dealloc(self.ptr.as_ptr().cast(), layout) };
        }
    }
}

impl std::ops::Deref for ThinStr {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for ThinStr {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for ThinStr {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl Default for ThinStr {
    fn default() -> Self {
        ThinStr::with_capacity(0)
    }
}

impl std::fmt::Debug for ThinStr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for ThinStr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq for ThinStr {
    fn eq(&self, other: &Self) -> bool {
        ThinStr::ptr_eq(self, other) || self.as_str() == other.as_str()
    }
}

impl Eq for ThinStr {}

impl PartialOrd for ThinStr {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ThinStr {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl std::hash::Hash for ThinStr {
    /// Hashes as the `str` does, so a `ThinStr` and its text hash alike.
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl From<&str> for ThinStr {
    fn from(text: &str) -> Self {
        ThinStr::new(text)
    }
}

impl From<String> for ThinStr {
    fn from(text: String) -> Self {
        ThinStr::new(&text)
    }
}

impl From<&String> for ThinStr {
    fn from(text: &String) -> Self {
        ThinStr::new(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_its_text_in_one_pointer() {
        assert_eq!(size_of::<ThinStr>(), size_of::<usize>());
        assert_eq!(size_of::<Option<ThinStr>>(), size_of::<usize>());
        let s = ThinStr::new("héllo");
        assert_eq!(s.as_str(), "héllo");
        assert_eq!(s.len(), 6);
        assert_eq!(s.capacity(), 6);
        assert_eq!(&*s, "héllo");
        assert!(!s.is_empty());
        assert!(ThinStr::default().is_empty());
        assert_eq!(ThinStr::new("").as_str(), "");
        let ab = ThinStr::concat("ab", "çd");
        assert_eq!((ab.as_str(), ab.capacity()), ("abçd", 5));
    }

    #[test]
    fn clones_share_one_block_and_free_it_once() {
        let a = ThinStr::new("shared");
        assert!(a.is_unique());
        let b = a.clone();
        assert!(!a.is_unique());
        assert!(ThinStr::ptr_eq(&a, &b));
        assert_eq!(a.as_ptr(), b.as_ptr());
        drop(a);
        assert!(b.is_unique());
        assert_eq!(b.as_str(), "shared");
        let c = ThinStr::new("shared");
        assert!(!ThinStr::ptr_eq(&b, &c));
        assert_eq!(b, c);
    }

    #[test]
    fn appends_in_place_only_when_unique() {
        let mut a = ThinStr::new("ab");
        assert!(a.try_push_str("cd"));
        assert_eq!(a.as_str(), "abcd");
        let b = a.clone();
        assert!(!a.try_push_str("ef"), "a shared String must not change");
        assert_eq!(a.as_str(), "abcd");
        assert_eq!(b.as_str(), "abcd");
        drop(b);
        assert!(a.try_push_str("ef"));
        assert_eq!(a.as_str(), "abcdef");
    }

    #[test]
    fn growth_is_geometric() {
        let mut s = ThinStr::with_capacity(0);
        let mut reallocs = 0;
        let mut cap = s.capacity();
        for i in 0..10_000 {
            assert!(s.try_push_str(if i % 2 == 0 { "x" } else { "é" }));
            if s.capacity() != cap {
                reallocs += 1;
                cap = s.capacity();
            }
        }
        assert_eq!(s.len(), 5_000 + 5_000 * 2);
        assert!(reallocs <= 12, "{reallocs} reallocations for 10 000 appends");
        assert!(s.as_str().starts_with("xéxé"));
    }

    #[test]
    fn compares_hashes_and_prints_as_its_text() {
        use std::hash::{BuildHasher, RandomState};
        let h = RandomState::new();
        let (a, b) = (ThinStr::new("a"), ThinStr::new("b"));
        assert!(a < b);
        assert_eq!(h.hash_one(&a), h.hash_one("a"));
        assert_eq!(format!("{a:?}|{b}"), "\"a\"|b");
        assert_eq!(ThinStr::from(String::from("x")), ThinStr::from("x"));
        assert_eq!(ThinStr::from(&String::from("y")).as_str(), "y");
    }
}
