//! The flow loader of a durable run: the first module the run loaded for an
//! object path is the one it keeps using, after a resume too, whatever
//! happens to the flow's file; modules it loads are handed to the store to
//! be written down.

use crate::bytecode::Module;
use crate::context::{FlowLoader, LoadError, ObjectKind};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// Modules loaded since the store last took them.
pub type LoadedSink = Rc<RefCell<Vec<(String, Rc<Module>)>>>;

/// Wraps the loader of a run: serves the modules the run recorded, loads
/// others with `inner` and records them.
pub struct DurableLoader<L> {
    inner: L,
    recorded: HashMap<String, Rc<Module>>,
    sink: LoadedSink,
}

impl<L: FlowLoader> DurableLoader<L> {
    /// A loader serving `recorded` first, then `inner`; what `inner` loads
    /// goes to `sink` (see [`DurableRun::sink`](super::DurableRun::sink)).
    pub fn new(inner: L, recorded: HashMap<String, Rc<Module>>, sink: LoadedSink) -> Self {
        DurableLoader { inner, recorded, sink }
    }
}

impl<L: FlowLoader> FlowLoader for DurableLoader<L> {
    fn kind(&mut self, abspath: &str) -> Option<ObjectKind> {
        if self.recorded.contains_key(abspath) {
            return Some(ObjectKind::Jobflow);
        }
        self.inner.kind(abspath)
    }

    fn load(&mut self, abspath: &str) -> Result<Rc<Module>, LoadError> {
        if let Some(m) = self.recorded.get(abspath) {
            return Ok(m.clone());
        }
        let m = self.inner.load(abspath)?;
        self.recorded.insert(abspath.to_string(), m.clone());
        self.sink.borrow_mut().push((abspath.to_string(), m.clone()));
        Ok(m)
    }
}
